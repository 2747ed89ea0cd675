# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The speed method of ollama_benchmark as pure functions: its checks of the settings, prompts and request
options, the per-run record and summary, the roofline and the threshold verdicts. No I/O here; the requests,
Ollama's figures, the statistics and the GPU share are measure/'s."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.measure._generations import (
    check_request_options,
    generation_figures,
    keep_alive_problem,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._gpu_share import fully_on_gpu, share_text
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._stats import NS_PER_S, describe, rounded

DEFAULT_PROMPTS = (
    "Write a Python function that returns the n-th Fibonacci number iteratively.",
    "Explain what a race condition is and show a short Go example that has one.",
    "Write a bash one-liner that counts the lines of every .py file under the current directory.",
    "Implement binary search in C and explain its loop invariant.",
    "Write a SQL query that returns the three most recent orders per customer.",
    "Refactor this JavaScript callback into async/await: fs.readFile(p, (e, d) => cb(e, d)).",
    "Write a Rust function that reverses the words of a sentence in place.",
    "Explain the difference between a process and a thread, with a Python example of each.",
    "Write a Dockerfile for a small Flask application running as a non-root user.",
    "Write a unit test in pytest for a function that parses ISO 8601 dates.",
)
DEFAULT_OPTIONS = {"temperature": 0, "seed": 42}
MIN_NUM_PREDICT = 16
OWN_OPTIONS = ("num_predict", "num_ctx")


class BenchmarkInputError(ValueError):
    """An option value the benchmark cannot run with; the message names the option and the fix."""


# ---------------------------------------------------------------- input


def settings_problems(params):
    """A message for each unusable option among those in ``params`` (empty when all are fine)."""
    checks = (
        ("runs", lambda value: value < 1, "runs must be at least 1, got %s"),
        ("warmup", lambda value: value < 0, "warmup must be 0 or more, got %s"),
        (
            "num_predict",
            lambda value: value < MIN_NUM_PREDICT,
            "num_predict must be at least %d (Ollama times generation in whole microseconds; fewer tokens make the "
            "rate noisy), got %%s" % MIN_NUM_PREDICT,
        ),
        ("num_ctx", lambda value: value < 1, "num_ctx must be a positive number of tokens, got %s"),
        ("min_tokens_per_second", lambda value: value <= 0, "min_tokens_per_second must be greater than 0, got %s"),
        ("gpu_bandwidth_gbps", lambda value: value <= 0, "gpu_bandwidth_gbps must be greater than 0 GB/s, got %s"),
    )
    problems = []
    for option, bad, message in checks:
        value = params.get(option)
        if value is None:
            continue
        try:
            failed = bad(float(value))
        except (TypeError, ValueError):
            failed = True
        if failed:
            problems.append(message % (value,))
    if params.get("prompts") is not None:
        prompts = params["prompts"]
        if not prompts or any(not str(prompt).strip() for prompt in prompts):
            problems.append(
                "prompts must be a non-empty list of non-empty strings; leave it out to use the built-in coding prompts"
            )
    keep_alive = keep_alive_problem(params.get("keep_alive"))
    if keep_alive:
        problems.append(keep_alive)
    try:
        check_request_options(params.get("options"), OWN_OPTIONS)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def validate_settings(params):
    """Raise BenchmarkInputError for the first unusable option, before any request is sent."""
    problems = settings_problems(params)
    if problems:
        raise BenchmarkInputError(problems[0])


def plan_prompts(prompts, count):
    """``count`` prompts, all different: the list in order, then again with a per-request prefix.

    The prefix goes first because Ollama's prompt cache reuses the longest matching prefix; a changed
    suffix would still let most of the prompt come from the cache and inflate the prompt rate.
    """
    planned = []
    for index in range(count):
        prompt = prompts[index % len(prompts)]
        if prompt in planned:
            prompt = "Request %d. %s" % (index + 1, prompt)
        planned.append(prompt)
    return planned


def request_options(user_options, num_predict, num_ctx):
    """DEFAULT_OPTIONS, overridden by the user's sampling options, plus the fixed output length and context."""
    options = dict(DEFAULT_OPTIONS)
    options.update(user_options or {})
    options["num_predict"] = num_predict
    if num_ctx is not None:
        options["num_ctx"] = num_ctx
    return options


# ---------------------------------------------------------------- one run


def run_record(index, prompt, final, first_content_seconds):
    """The per-run result: Ollama's figures from the final ``done`` object and the client-side time to first
    content."""
    record = {"run": index, "prompt": prompt}
    record.update(generation_figures(final))
    record["ttft_ms"] = rounded(None if first_content_seconds is None else first_content_seconds * 1000.0, 3)
    return record


# ---------------------------------------------------------------- statistics


def summarize(runs):
    """Statistics of the generation rate, the prompt rate and the time to first token over the runs."""
    return {
        "tokens_per_second": describe([run["tokens_per_second"] for run in runs]),
        "prompt_tokens_per_second": describe([run["prompt_tokens_per_second"] for run in runs]),
        "ttft_ms": describe([run["ttft_ms"] for run in runs], digits=1),
    }


# ---------------------------------------------------------------- roofline


def fastest_bandwidth(gpu_facts):
    """The highest memory_bandwidth_gbps among gpu_facts devices, with the device name; (None, None) if none.

    With layers split over several GPUs each token still reads every weight once, so no GPU can make it
    faster than the fastest card reading all of them: that card's bandwidth gives an upper bound.
    """
    known = [device for device in (gpu_facts or {}).get("devices") or [] if device.get("memory_bandwidth_gbps")]
    if not known:
        return None, None
    best = max(known, key=lambda device: device["memory_bandwidth_gbps"])
    return float(best["memory_bandwidth_gbps"]), best.get("name")


def ceiling_tokens_per_second(bandwidth_gbps, weight_bytes):
    """Bandwidth bound of batch-1 generation: every weight byte is read once per token."""
    if not bandwidth_gbps or not weight_bytes:
        return None
    return bandwidth_gbps * NS_PER_S / float(weight_bytes)


def roofline(bandwidth_gbps, weight_bytes, median_tokens_per_second):
    """Ceiling and efficiency (median / ceiling in percent); the values are None when unknown."""
    ceiling = ceiling_tokens_per_second(bandwidth_gbps, weight_bytes)
    efficiency = None
    if ceiling and median_tokens_per_second is not None:
        efficiency = median_tokens_per_second / ceiling * 100
    return {
        "bandwidth_gbps": bandwidth_gbps,
        "weight_bytes": weight_bytes,
        "ceiling_tokens_per_second": rounded(ceiling, 2),
        "efficiency_percent": rounded(efficiency, 1),
    }


# ---------------------------------------------------------------- verdicts


def threshold_problems(summary, share, min_tokens_per_second=None, require_full_gpu_offload=False):
    """One sentence per failed threshold."""
    problems = []
    generation = summary["tokens_per_second"]
    if min_tokens_per_second is not None and (
        generation["median"] is None or generation["median"] < min_tokens_per_second
    ):
        problems.append(
            "median generation rate %s tok/s is below min_tokens_per_second %g"
            % (generation["median"], min_tokens_per_second)
        )
    if require_full_gpu_offload and not fully_on_gpu(share):
        if share["loaded"]:
            problems.append(
                "the model is not fully on the GPU (%s as ollama ps shows it) but "
                "require_full_gpu_offload is set" % share["processor"]
            )
        else:
            problems.append(
                "require_full_gpu_offload is set but /api/ps no longer listed the model (keep_alive too short?)"
            )
    return problems


def failure_message(model, problems, summary, share):
    """The task's failure text: what failed, the measured median and spread, the GPU share."""
    generation = summary["tokens_per_second"]
    return "%s: %s. Measured: median %s tok/s over %d runs (min %s, max %s); %s." % (
        model,
        "; ".join(problems),
        generation["median"],
        generation["count"],
        generation["min"],
        generation["max"],
        share_text(share),
    )
