# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The method of ollama_eval: ask the model every task, extract the code, run the hidden tests in the
sandbox, and summarize (pass rate, outcomes, generation rate, wall time, threshold)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys
import time

from ansible_collections.local_llm.ollama.plugins.module_utils.eval._extract import extract_code
from ansible_collections.local_llm.ollama.plugins.module_utils.eval._run import OUTCOMES, Outcome, run_go, run_python
from ansible_collections.local_llm.ollama.plugins.module_utils.eval._sandbox import Limits, SandboxError
from ansible_collections.local_llm.ollama.plugins.module_utils.eval._tasks import prompt_for
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._generations import (
    Generations,
    check_request_options,
    generation_figures,
    keep_alive_problem,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._stats import describe
from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import parse_show_parameters
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import seconds_problems

FALLBACK_PYTHON = "/usr/bin/python3"


class EvalInputError(ValueError):
    """An option value the evaluation cannot run with; the message names the option and the fix."""


def validate_settings(params):
    """Raise EvalInputError for the first unusable option, before any request is sent."""
    checks = (
        (
            params["num_tasks"] is not None and params["num_tasks"] < 1,
            "num_tasks must be at least 1 (leave it out for all tasks), got %s" % params["num_tasks"],
        ),
        (params["memory_limit_mb"] < 64, "memory_limit_mb must be at least 64, got %s" % params["memory_limit_mb"]),
        (params["max_processes"] < 1, "max_processes must be at least 1, got %s" % params["max_processes"]),
        (params["num_predict"] < 16, "num_predict must be at least 16 tokens, got %s" % params["num_predict"]),
        (
            params["num_ctx"] is not None and params["num_ctx"] < 1,
            "num_ctx must be a positive number of tokens, got %s" % params["num_ctx"],
        ),
        (
            params["min_pass_rate"] is not None and not 0 <= params["min_pass_rate"] <= 100,
            "min_pass_rate is a percentage from 0 to 100, got %s" % params["min_pass_rate"],
        ),
        (
            not params["bundled_tasks"] and not params["task_files"],
            "bundled_tasks is false and no task_files are given; there is nothing to run",
        ),
    )
    for failed, message in checks:
        if failed:
            raise EvalInputError(message)
    # task_timeout, go_build_timeout, timeout: the duration rule every API module shares.
    durations = seconds_problems(params)
    if durations:
        raise EvalInputError("; ".join(durations))
    keep_alive = keep_alive_problem(params.get("keep_alive"))
    if keep_alive:
        raise EvalInputError(keep_alive)
    try:
        check_request_options(params.get("options"), ("num_predict", "num_ctx", "temperature", "seed"))
    except ValueError as exc:
        raise EvalInputError(str(exc))


def request_options(params):
    options = dict(params.get("options") or {})
    options.update(temperature=params["temperature"], num_predict=params["num_predict"])
    if params["seed"] is not None:
        options["seed"] = params["seed"]
    if params["num_ctx"] is not None:
        options["num_ctx"] = params["num_ctx"]
    return options


def limits_of(params):
    return Limits(params["task_timeout"], params["task_timeout"], params["memory_limit_mb"], params["max_processes"])


# ---------------------------------------------------------------- model facts


def model_parameters(show):
    """What /api/show says about the model: details, Modelfile parameters (typed), context length."""
    info = show.get("model_info") or {}
    context = next((value for key, value in info.items() if key.endswith(".context_length")), None)
    return {
        "details": show.get("details") or {},
        "parameters": parse_show_parameters(show.get("parameters")),
        "context_length": context,
        "capabilities": show.get("capabilities") or [],
    }


# ---------------------------------------------------------------- toolchains


def python_for_sandbox(sandbox, wanted, limits):
    """The first interpreter the sandbox user can run (the module's own Python, else /usr/bin/python3)."""
    candidates = [wanted] if wanted else [os.path.realpath(sys.executable), FALLBACK_PYTHON]
    problems = []
    for python in candidates:
        folder = sandbox.folder("probe-%d" % len(problems))
        result = sandbox.run([python, "-I", "-c", "print('ok')"], folder, limits)
        if result.returncode == 0 and "ok" in result.stdout:
            return python
        problems.append("%s: %s" % (python, (result.stderr or "exit status %s" % result.returncode).strip()[-300:]))
    raise SandboxError(
        "python_interpreter: no Python the sandbox user %s can run (%s); set python_interpreter to "
        "one it can read and execute" % (sandbox.user, "; ".join(problems))
    )


def find_go(wanted):
    """Path of the go binary, or None when the host has no Go toolchain."""
    if wanted:
        return wanted if os.path.isfile(wanted) and os.access(wanted, os.X_OK) else None
    for directory in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/local/go/bin", "/usr/lib/go/bin"]:
        path = os.path.join(directory, "go")
        if directory and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def go_version(go):
    try:
        return (
            subprocess.run([go, "version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30, check=False)
            .stdout.decode("utf-8", "replace")
            .strip()
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "unknown (%s)" % exc


# ---------------------------------------------------------------- one task


def task_record(task, timed, extraction, outcome):
    figures = generation_figures(timed.final if timed else {})
    return {
        "id": task["id"],
        "language": task["language"],
        "difficulty": task.get("difficulty"),
        "source": task["source"],
        "outcome": outcome.outcome,
        "detail": outcome.detail,
        "extracted": extraction.how if extraction else None,
        "answer_chars": len(timed.text) if timed else 0,
        "eval_count": figures["eval_count"],
        "tokens_per_second": figures["tokens_per_second"],
        "done_reason": figures["done_reason"],
        "generation_seconds": round(timed.wall_seconds, 3) if timed else None,
        "test_seconds": outcome.seconds,
    }


class Evaluation:
    """One model over a task list, with a started sandbox."""

    def __init__(self, client, params, sandbox, tasks):
        self.params = params
        self.sandbox = sandbox
        self.tasks = tasks
        self.limits = limits_of(params)
        self.generations = Generations(
            client, params["api"], params["model"], request_options(params), params["keep_alive"]
        )
        self.python = None
        self.go = None

    def prepare(self):
        """Toolchains: a Python the sandbox user can run, Go when there are Go tasks and a go binary."""
        languages = set(task["language"] for task in self.tasks)
        if "python" in languages:
            self.python = python_for_sandbox(self.sandbox, self.params["python_interpreter"], self.limits)
        if "go" in languages:
            self.go = find_go(self.params["go_binary"])
        return {"python": self.python, "go": go_version(self.go) if self.go else None}

    def execute(self, task, code):
        if task["language"] == "go":
            return run_go(self.sandbox, task, code, self.limits, self.go, self.params["go_build_timeout"])
        return run_python(self.sandbox, task, code, self.limits, self.python)

    def one(self, task):
        if task["language"] == "go" and self.go is None:
            return task_record(task, None, None, Outcome("skipped", "no Go toolchain (go) on the host"))
        timed = self.generations.ask(prompt_for(task))
        extraction = extract_code(timed.text, task["language"], task["entry_point"], task["prompt"])
        if extraction.code is None:
            outcome = Outcome("no_code", "no code block or code found in the %d-character answer" % len(timed.text))
        else:
            outcome = self.execute(task, extraction.code)
        return task_record(task, timed, extraction, outcome)

    def run(self):
        return [self.one(task) for task in self.tasks]


# ---------------------------------------------------------------- summary and threshold


def summarize(records, wall_seconds):
    counts = dict((outcome, 0) for outcome in OUTCOMES)
    for record in records:
        counts[record["outcome"]] += 1
    scored = len(records) - counts["skipped"]
    generated = [record for record in records if record["eval_count"]]
    return {
        "total": scored,
        "passed": counts["pass"],
        "pass_rate": round(counts["pass"] / float(scored) * 100, 1) if scored else None,
        "counts": counts,
        "tokens_per_second": describe([record["tokens_per_second"] for record in records]),
        "generated_tokens": sum(record["eval_count"] for record in generated),
        "wall_seconds": round(wall_seconds, 2),
    }


def threshold_problem(summary, min_pass_rate):
    if min_pass_rate is None:
        return None
    if summary["pass_rate"] is None or summary["pass_rate"] < min_pass_rate:
        return "pass rate %s%% (%d of %d tasks) is below min_pass_rate %g%%" % (
            summary["pass_rate"],
            summary["passed"],
            summary["total"],
            min_pass_rate,
        )
    return None


def outcome_text(summary):
    return ", ".join("%d %s" % (count, outcome) for outcome, count in summary["counts"].items() if count)


def timer():
    return time.monotonic()
