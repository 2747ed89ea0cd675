# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark method of ollama_benchmark as pure functions: prompts, request bodies, rates,
statistics, GPU share, roofline and threshold verdicts. No I/O here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import coerce_parameters

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
API_PATHS = {"chat": "/api/chat", "generate": "/api/generate"}
NS_PER_S = 1e9
# keep_alive as Ollama reads it: a number of seconds, or a Go duration (time.ParseDuration) such as 5m or 1h30m.
_DECIMAL = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_SECONDS = r"-?[0-9]+|-?[0-9]*\.[0-9]+"  # what keep_alive_value sends as a number
_KEEP_ALIVE = re.compile(r"^(?:%s|[-+]?(?:%s(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+)$" % (_SECONDS, _DECIMAL))


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


def keep_alive_problem(text):
    """The message for a keep_alive the server would refuse (it is sent with every request), else None."""
    if text is None or _KEEP_ALIVE.match(str(text).strip()):
        return None
    return (
        "keep_alive=%r is not a duration Ollama reads; give seconds (300, -1 keeps the model loaded, 0 unloads it) "
        "or a Go duration such as 5m, 1h or 1h30m (units ns, us, ms, s, m, h, no spaces)" % (text,)
    )


def check_request_options(options, own_options):
    """The ``options`` of a generation request (ollama_benchmark, ollama_eval): names Ollama knows, typed values,
    none of the module's own options. ValueError naming the first problem."""
    clashes = sorted(set(options or {}) & set(own_options))
    if clashes:
        raise ValueError("options must not contain %s; use the module options of the same name" % ", ".join(clashes))
    try:
        coerce_parameters(options or {})
    except ValueError as exc:
        raise ValueError("options: %s" % exc)


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


def keep_alive_value(text):
    """A keep_alive option as the API wants it: seconds as a number, anything else as the duration string."""
    if text is None:
        return None
    text = str(text).strip()
    if re.match(r"^-?[0-9]+$", text):
        return int(text)
    if re.match(r"^-?[0-9]*\.[0-9]+$", text):
        return float(text)
    return text


def request_body(api, model, prompt, options, keep_alive=None):
    """The /api/chat (one user message) or /api/generate body for one run."""
    body = {"model": model, "options": options}
    if api == "chat":
        body["messages"] = [{"role": "user", "content": prompt}]
    else:
        body["prompt"] = prompt
    if keep_alive is not None:
        body["keep_alive"] = keep_alive
    return body


# ---------------------------------------------------------------- one run


def rate(count, duration_ns):
    """Tokens per second from Ollama's own count and nanosecond duration; None when not measurable."""
    if not count or not duration_ns or duration_ns <= 0:
        return None
    return count / float(duration_ns) * NS_PER_S


def _rounded(value, digits):
    return None if value is None else round(value, digits)


def run_record(index, prompt, final, first_content_seconds):
    """The per-run result from the final ``done`` object and the client-side time to first content."""
    return {
        "run": index,
        "prompt": prompt,
        "eval_count": final.get("eval_count"),
        "eval_duration": final.get("eval_duration"),
        "tokens_per_second": _rounded(rate(final.get("eval_count"), final.get("eval_duration")), 3),
        "prompt_eval_count": final.get("prompt_eval_count"),
        "prompt_eval_duration": final.get("prompt_eval_duration"),
        "prompt_tokens_per_second": _rounded(
            rate(final.get("prompt_eval_count"), final.get("prompt_eval_duration")), 3
        ),
        "load_duration": final.get("load_duration"),
        "total_duration": final.get("total_duration"),
        "ttft_ms": _rounded(None if first_content_seconds is None else first_content_seconds * 1000.0, 3),
        "done_reason": final.get("done_reason"),
    }


# ---------------------------------------------------------------- statistics


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def sample_stdev(values):
    """Sample standard deviation (n - 1), None for fewer than two values."""
    if len(values) < 2:
        return None
    mean = sum(values) / float(len(values))
    return math.sqrt(sum((value - mean) ** 2 for value in values) / (len(values) - 1))


def describe(values, digits=2):
    """median, mean, min, max, stdev and count of the values that are not None (all None when none are)."""
    values = [value for value in values if value is not None]
    if not values:
        return {"count": 0, "median": None, "mean": None, "min": None, "max": None, "stdev": None}
    return {
        "count": len(values),
        "median": round(median(values), digits),
        "mean": round(sum(values) / float(len(values)), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "stdev": _rounded(sample_stdev(values), digits),
    }


def summarize(runs):
    """Statistics of the generation rate, the prompt rate and the time to first token over the runs."""
    return {
        "tokens_per_second": describe([run["tokens_per_second"] for run in runs]),
        "prompt_tokens_per_second": describe([run["prompt_tokens_per_second"] for run in runs]),
        "ttft_ms": describe([run["ttft_ms"] for run in runs], digits=1),
    }


# ---------------------------------------------------------------- GPU share (/api/ps)


def go_round(value):
    """Go's math.Round: halves away from zero (Python's round() goes to even)."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def processor_text(size, size_vram):
    """The PROCESSOR column of ``ollama ps`` for a loaded model."""
    size_vram = size_vram or 0
    if size_vram == 0 and size:
        return "100% CPU"
    if size and size_vram == size:
        return "100% GPU"
    if not size or size_vram > size:
        return "Unknown"
    cpu = go_round((size - size_vram) / float(size) * 100)
    return "%d%%/%d%% CPU/GPU" % (cpu, 100 - cpu)


def gpu_share(ps_entry):
    """Where the loaded model lives, from its /api/ps entry (None when it is not loaded any more)."""
    if ps_entry is None:
        return {
            "loaded": False,
            "size": None,
            "size_vram": None,
            "gpu_percent": None,
            "processor": "not loaded",
            "context_length": None,
        }
    size, size_vram = ps_entry.get("size") or 0, ps_entry.get("size_vram") or 0
    return {
        "loaded": True,
        "size": size,
        "size_vram": size_vram,
        "gpu_percent": round(size_vram / float(size) * 100, 1) if size else None,
        "processor": processor_text(size, size_vram),
        "context_length": ps_entry.get("context_length"),
    }


def fully_on_gpu(share):
    return bool(share["loaded"] and share["size"] and share["size_vram"] >= share["size"])


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
        "ceiling_tokens_per_second": _rounded(ceiling, 2),
        "efficiency_percent": _rounded(efficiency, 1),
    }


# ---------------------------------------------------------------- verdicts


def share_text(share):
    if not share["loaded"]:
        return "GPU share unknown (the model was no longer loaded when /api/ps was read)"
    percent = "?" if share["gpu_percent"] is None else "%g%%" % share["gpu_percent"]
    return "GPU share %s on the GPU (%s)" % (percent, share["processor"])


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
