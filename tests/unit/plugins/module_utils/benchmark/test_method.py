# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark method: settings, prompts, run records from the recorded 0.32.15 bodies, the summary, roofline
arithmetic, threshold messages and request options. Rates, statistics, GPU share and request bodies: measure/;
the timed streaming reader: ollama/test_generation.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.benchmark import _method as bench
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._generations import check_request_options
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._gpu_share import gpu_share
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._stats import describe


def params(**overrides):
    values = dict(
        runs=3,
        warmup=1,
        num_predict=128,
        num_ctx=4096,
        prompts=None,
        options={},
        min_tokens_per_second=None,
        gpu_bandwidth_gbps=None,
    )
    values.update(overrides)
    return values


# ---------------------------------------------------------------- input validation


@pytest.mark.parametrize(
    "overrides, fragment",
    [
        (dict(runs=0), "runs must be at least 1"),
        (dict(warmup=-1), "warmup must be 0 or more"),
        (dict(num_predict=8), "num_predict must be at least 16"),
        (dict(num_ctx=0), "num_ctx must be a positive"),
        (dict(min_tokens_per_second=0.0), "min_tokens_per_second must be greater than 0"),
        (dict(gpu_bandwidth_gbps=-360.0), "gpu_bandwidth_gbps must be greater than 0"),
        (dict(prompts=[]), "prompts must be a non-empty list"),
        (dict(prompts=["ok", "  "]), "prompts must be a non-empty list"),
        (dict(options={"num_predict": 5, "temperature": 1}), "options must not contain num_predict"),
        (dict(options={"num_ctx": 8192}), "options must not contain num_ctx"),
        (dict(keep_alive="forever"), "keep_alive='forever' is not a duration Ollama reads"),
        (dict(keep_alive="5 minutes"), "keep_alive='5 minutes' is not a duration"),
    ],
)
def test_bad_settings_are_named(overrides, fragment):
    with pytest.raises(bench.BenchmarkInputError, match=fragment):
        bench.validate_settings(params(**overrides))


def test_good_settings_pass():
    bench.validate_settings(
        params(prompts=["a"], options={"top_k": 1}, min_tokens_per_second=45.0, gpu_bandwidth_gbps=360.0, num_ctx=None)
    )


def test_settings_problems_lists_every_problem_of_the_settings_given():
    assert bench.settings_problems({"runs": 0, "num_predict": 8}) == [
        "runs must be at least 1, got 0",
        "num_predict must be at least 16 (Ollama times generation in whole microseconds; fewer tokens make the rate "
        "noisy), got 8",
    ]
    assert bench.settings_problems({"runs": "three"}) == ["runs must be at least 1, got three"]
    assert bench.settings_problems({"runs": 2}) == []


# ---------------------------------------------------------------- prompts and bodies


def test_default_prompts_cover_warmup_and_runs_without_repeats():
    planned = bench.plan_prompts(list(bench.DEFAULT_PROMPTS), 1 + 3)
    assert planned == list(bench.DEFAULT_PROMPTS[:4])
    assert len(set(bench.DEFAULT_PROMPTS)) == len(bench.DEFAULT_PROMPTS) >= 6


def test_reused_prompts_get_a_distinct_prefix():
    planned = bench.plan_prompts(["alpha", "beta"], 5)
    assert planned == ["alpha", "beta", "Request 3. alpha", "Request 4. beta", "Request 5. alpha"]
    assert len(set(planned)) == 5


def test_duplicates_inside_the_list_are_made_distinct():
    assert bench.plan_prompts(["same", "same"], 2) == ["same", "Request 2. same"]


def test_request_options_merge_defaults_user_and_fixed_length():
    options = bench.request_options({"temperature": 0.7, "top_k": 20}, 128, 4096)
    assert options == {"temperature": 0.7, "seed": 42, "top_k": 20, "num_predict": 128, "num_ctx": 4096}
    assert bench.request_options(None, 64, None) == {"temperature": 0, "seed": 42, "num_predict": 64}


# ---------------------------------------------------------------- rates from recorded bodies


def test_rates_from_the_recorded_generate_body(recorded):
    record = bench.run_record(1, "p", recorded.json("generate.json"), 0.0421)
    assert record["eval_count"] == 32 and record["eval_duration"] == 671500000
    assert record["tokens_per_second"] == pytest.approx(47.655, abs=0.001)
    assert record["prompt_tokens_per_second"] == pytest.approx(184.250, abs=0.001)
    assert record["load_duration"] == 1398259 and record["total_duration"] == 744419192
    assert record["ttft_ms"] == pytest.approx(42.1)
    assert record["done_reason"] == "length"


def test_rates_from_the_recorded_chat_body(recorded):
    record = bench.run_record(2, "p", recorded.json("chat.json"), None)
    assert record["tokens_per_second"] == pytest.approx(31.924, abs=0.001)
    assert record["prompt_tokens_per_second"] == pytest.approx(94.343, abs=0.001)
    assert record["ttft_ms"] is None and record["run"] == 2


# ---------------------------------------------------------------- statistics


def test_summarize_runs():
    runs = [
        bench.run_record(
            i, "p", {"eval_count": 100, "eval_duration": d, "prompt_eval_count": 10, "prompt_eval_duration": 5000000}, t
        )
        for i, (d, t) in enumerate([(1.6e9, 0.040), (1.5e9, 0.050), (1.55e9, 0.045)], 1)
    ]
    summary = bench.summarize(runs)
    assert summary["tokens_per_second"]["median"] == pytest.approx(64.52, abs=0.01)
    assert summary["tokens_per_second"]["min"] == 62.5 and summary["tokens_per_second"]["max"] == 66.67
    assert summary["prompt_tokens_per_second"]["median"] == 2000.0
    assert summary["ttft_ms"] == {"count": 3, "median": 45.0, "mean": 45.0, "min": 40.0, "max": 50.0, "stdev": 5.0}


# ---------------------------------------------------------------- roofline


def test_ceiling_of_the_reference_rtx_3060_setup():
    file_bytes, gpu_bytes = 4.68e9, 4.37e9
    assert bench.ceiling_tokens_per_second(360.0, file_bytes) == pytest.approx(76.9, abs=0.05)
    assert bench.ceiling_tokens_per_second(360.0, gpu_bytes) == pytest.approx(82.4, abs=0.05)


def test_roofline_efficiency():
    result = bench.roofline(360.0, 4683087332, 65.0)
    assert result["ceiling_tokens_per_second"] == pytest.approx(76.87, abs=0.01)
    assert result["efficiency_percent"] == pytest.approx(84.6, abs=0.05)
    assert result["weight_bytes"] == 4683087332 and result["bandwidth_gbps"] == 360.0


def test_roofline_unknown_bandwidth():
    assert bench.roofline(None, 4683087332, 65.0) == {
        "bandwidth_gbps": None,
        "weight_bytes": 4683087332,
        "ceiling_tokens_per_second": None,
        "efficiency_percent": None,
    }


def test_fastest_bandwidth_from_gpu_facts():
    facts = {
        "devices": [
            {"name": "RTX 3060", "memory_bandwidth_gbps": 360.0},
            {"name": "RTX 4090", "memory_bandwidth_gbps": 1008.1},
            {"name": "via smi", "memory_bandwidth_gbps": None},
        ]
    }
    assert bench.fastest_bandwidth(facts) == (1008.1, "RTX 4090")
    assert bench.fastest_bandwidth({"devices": []}) == (None, None)
    assert bench.fastest_bandwidth(None) == (None, None)


# ---------------------------------------------------------------- verdicts


def summary_of(*rates):
    return {"tokens_per_second": describe(list(rates))}


def test_no_thresholds_no_problems():
    share = gpu_share({"size": 10, "size_vram": 0})
    assert bench.threshold_problems(summary_of(5.0), share) == []


def test_min_rate_message_shows_median_threshold_and_gpu_share():
    share = gpu_share({"size": 1000, "size_vram": 650})
    summary = summary_of(41.0, 42.5, 40.0)
    problems = bench.threshold_problems(summary, share, min_tokens_per_second=45.0)
    assert problems == ["median generation rate 41.0 tok/s is below min_tokens_per_second 45"]
    message = bench.failure_message("qwen2.5-coder:7b", problems, summary, share)
    assert message == (
        "qwen2.5-coder:7b: median generation rate 41.0 tok/s is below min_tokens_per_second 45. "
        "Measured: median 41.0 tok/s over 3 runs (min 40.0, max 42.5); "
        "GPU share 65% on the GPU (35%/65% CPU/GPU)."
    )


def test_rate_at_the_threshold_passes():
    share = gpu_share({"size": 10, "size_vram": 10})
    assert bench.threshold_problems(summary_of(45.0), share, min_tokens_per_second=45.0) == []


def test_full_offload_required():
    partial = gpu_share({"size": 1000, "size_vram": 650})
    problems = bench.threshold_problems(summary_of(60.0), partial, require_full_gpu_offload=True)
    assert problems == [
        "the model is not fully on the GPU (35%/65% CPU/GPU as ollama ps shows it) but require_full_gpu_offload is set"
    ]
    full = gpu_share({"size": 1000, "size_vram": 1000})
    assert bench.threshold_problems(summary_of(60.0), full, require_full_gpu_offload=True) == []


def test_full_offload_required_but_model_unloaded():
    problems = bench.threshold_problems(summary_of(60.0), gpu_share(None), require_full_gpu_offload=True)
    assert "no longer listed the model" in problems[0]
    message = bench.failure_message("m", problems, summary_of(60.0), gpu_share(None))
    assert "GPU share unknown" in message


def test_both_thresholds_in_one_message():
    share = gpu_share({"size": 1000, "size_vram": 0})
    summary = summary_of(7.9, 8.1)
    problems = bench.threshold_problems(summary, share, 45.0, True)
    message = bench.failure_message("m", problems, summary, share)
    assert (
        "median generation rate 8.0 tok/s is below min_tokens_per_second 45; the model is not fully on the GPU "
        "(100% CPU" in message
    )
    assert "over 2 runs (min 7.9, max 8.1)" in message


@pytest.mark.parametrize(
    "options, words",
    [
        ({"bogus_opt": 1}, "options: unknown parameter 'bogus_opt'"),
        ({"Temperature": 0.2}, "options: unknown parameter 'Temperature'"),
        ({"mirostat": 1}, "options: parameter 'mirostat' was removed from Ollama in v0.7.0"),
        ({"top_k": "many"}, "options: parameter 'top_k': expected an integer"),
        ({"num_ctx": 2048}, "options must not contain num_ctx; use the module options of the same name"),
    ],
)
def test_request_options_are_checked_not_passed_on_blindly(options, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        check_request_options(options, bench.OWN_OPTIONS)


def test_known_request_options_pass():
    check_request_options({"top_k": 20, "num_gpu": 99, "temperature": "0.2", "use_mmap": False}, bench.OWN_OPTIONS)
