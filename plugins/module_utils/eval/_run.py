# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run one answer with its task's hidden tests in the sandbox and name the outcome.

Outcomes: ``pass`` (the tests ran to the end), ``fail`` (a test failed or the code crashed while tested),
``error`` (the code does not load: syntax error, missing entry point, Go compile error), ``timeout`` (wall
clock or CPU limit), ``no_code`` (nothing to run in the reply), ``skipped`` (Go without a Go toolchain).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import uuid

from ansible_collections.local_llm.ollama.plugins.module_utils.eval._sandbox import Limits

OUTCOMES = ("pass", "fail", "error", "timeout", "no_code", "skipped")
LOAD_ERROR_EXIT = 3
DETAIL_LIMIT = 1500
GO_MODULE = "module solution\n\ngo 1.18\n"
GO_BUILD_MEMORY_MB = 4096
GO_BUILD_PROCESSES = 512

PYTHON_RUNNER = """
import sys
import traceback
sys.path.insert(0, ".")
sys.setrecursionlimit(10000)
try:
    import solution
except BaseException:
    traceback.print_exc()
    sys.exit(%(load_error)d)
if not hasattr(solution, %(entry_point)r):
    sys.stderr.write("the answer defines no %(entry_point)s\\n")
    sys.exit(%(load_error)d)
namespace = dict(vars(solution))
namespace["__name__"] = "hidden_tests"
with open("hidden_tests.py", encoding="utf-8") as handle:
    tests = handle.read()
exec(compile(tests, "hidden_tests.py", "exec"), namespace)
sys.stdout.write("\\n%(nonce)s\\n")
sys.stdout.flush()
"""


class Outcome:
    def __init__(self, outcome, detail="", seconds=None):
        self.outcome = outcome
        self.detail = detail
        self.seconds = seconds


def _detail(text):
    text = (text or "").strip()
    return text if len(text) <= DETAIL_LIMIT else "..." + text[-DETAIL_LIMIT:]


def _ended(result, nonce, load_error_exit=None):
    """The outcome of a finished test run."""
    seconds = round(result.seconds, 3)
    if result.timed_out or result.killed_by_limit:
        reason = "wall-clock timeout" if result.timed_out else "CPU time limit"
        return Outcome("timeout", _detail("%s; %s" % (reason, result.stderr)), seconds)
    if load_error_exit is not None and result.returncode == load_error_exit:
        return Outcome("error", _detail(result.stderr), seconds)
    if result.returncode == 0 and nonce in result.stdout:
        return Outcome("pass", "", seconds)
    return Outcome("fail", _detail(result.stderr or result.stdout or "exit status %s" % result.returncode), seconds)


def run_python(sandbox, task, code, limits, python):
    folder = sandbox.folder(task["id"])
    nonce = "LLO-EVAL-PASSED-%s" % uuid.uuid4().hex
    sandbox.write(folder, "solution.py", code)
    sandbox.write(folder, "hidden_tests.py", task["tests"])
    sandbox.write(
        folder,
        "run_tests.py",
        PYTHON_RUNNER % {"load_error": LOAD_ERROR_EXIT, "entry_point": task["entry_point"], "nonce": nonce},
    )
    result = sandbox.run([python, "-I", "-B", "run_tests.py"], folder, limits)
    return _ended(result, nonce, LOAD_ERROR_EXIT)


def go_source(code):
    """The answer as a file of package solution (a model often writes package main)."""
    if re.search(r"^package\s+\w+", code, re.M):
        return re.sub(r"^package\s+\w+", "package solution", code, count=1, flags=re.M)
    return "package solution\n\n" + code


def run_go(sandbox, task, code, limits, go, build_timeout):
    folder = sandbox.folder(task["id"])
    cache = os.path.join(sandbox.root, "go-cache")
    if not os.path.isdir(cache):
        os.mkdir(cache, 0o700)
        sandbox.give(cache)
    sandbox.write(folder, "go.mod", GO_MODULE)
    sandbox.write(folder, "solution.go", go_source(code))
    sandbox.write(folder, "solution_test.go", task["tests"])
    env = {
        "GOCACHE": cache,
        "GOPATH": os.path.join(folder, ".gopath"),
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
        "GOTELEMETRY": "off",
    }
    build_limits = Limits(build_timeout, build_timeout, GO_BUILD_MEMORY_MB, GO_BUILD_PROCESSES, limits.file_mb, 1024)
    built = sandbox.run([go, "test", "-c", "-o", "solution.test", "."], folder, build_limits, env, memory_kind="data")
    if built.timed_out or built.killed_by_limit:
        return Outcome(
            "timeout",
            _detail("go build did not finish in %s s; %s" % (build_timeout, built.stderr)),
            round(built.seconds, 3),
        )
    if built.returncode != 0:
        return Outcome("error", _detail(built.stderr or built.stdout), round(built.seconds, 3))
    result = sandbox.run(
        ["./solution.test", "-test.v", "-test.count=1"], folder, limits, dict(env, GOMAXPROCS="2"), memory_kind="data"
    )
    nonce = "PASS"
    if result.returncode == 0 and re.search(r"^PASS$", result.stdout, re.M):
        return Outcome("pass", "", round(result.seconds, 3))
    outcome = _ended(result, nonce + "\x00never")
    if outcome.outcome == "fail":
        outcome.detail = _detail(result.stdout + result.stderr)
    return outcome
