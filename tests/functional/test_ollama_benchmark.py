"""ollama_benchmark executed for real against the emulator set to known speeds."""

import socket

import pytest
from module_runner import assert_clean_failure, run_module

RATE = 800.0  # tokens/s the emulator generates at
PROMPT_RATE = 4000.0  # prompt tokens/s
FAST_ARGS = {"num_predict": 32}


def benchmark(emu, check=False, **args):
    args.setdefault("host", emu.url)
    args.setdefault("gather_gpu", False)
    for key, value in FAST_ARGS.items():
        args.setdefault(key, value)
    return run_module("ollama_benchmark", args, check=check)


def generation_requests(emu, path="/api/chat"):
    return [entry for entry in emu.request_log if entry["method"] == "POST" and entry["path"] == path]


def prompt_of(entry):
    body = entry["body"]
    return body["messages"][-1]["content"] if "messages" in body else body["prompt"]


@pytest.fixture
def coder(make_emulator):
    emu = make_emulator(tokens_per_second={"coder:7b": RATE}, prompt_tokens_per_second=PROMPT_RATE)
    emu.seed_local_model("coder:7b")
    return emu


def test_median_matches_the_configured_speed_and_warmup_is_not_counted(coder):
    run = benchmark(coder, model="coder:7b", runs=3, warmup=2)
    assert run.returncode == 0 and run["changed"] is False, run.result
    median = run["summary"]["tokens_per_second"]["median"]
    assert abs(median - RATE) / RATE < 0.01
    assert run["summary"]["prompt_tokens_per_second"]["median"] == pytest.approx(PROMPT_RATE, rel=0.01)
    requests = generation_requests(coder)
    assert len(requests) == 2 + 3 and len(run["runs"]) == 3
    assert [r["run"] for r in run["runs"]] == [1, 2, 3]
    assert [r["prompt"] for r in run["runs"]] == [prompt_of(entry) for entry in requests[2:]]
    assert all(r["eval_count"] == 32 and r["done_reason"] == "length" for r in run["runs"])
    assert all(r["ttft_ms"] > 0 for r in run["runs"])
    assert run["summary"]["ttft_ms"]["count"] == 3


def test_every_request_used_a_different_prompt_and_the_fixed_options(coder):
    run = benchmark(coder, model="coder:7b", runs=4, warmup=1, options={"top_k": 1})
    assert run.returncode == 0, run.result
    requests = generation_requests(coder)
    prompts = [prompt_of(entry) for entry in requests]
    assert len(prompts) == 5 and len(set(prompts)) == 5
    for entry in requests:
        assert entry["body"]["stream"] is True
        assert entry["body"]["options"] == {
            "temperature": 0,
            "seed": 42,
            "top_k": 1,
            "num_predict": 32,
            "num_ctx": 4096,
        }


def test_short_prompt_list_is_cycled_with_a_distinct_prefix(coder):
    run = benchmark(coder, model="coder:7b", prompts=["Write fizzbuzz.", "Write quicksort."], runs=3)
    assert run.returncode == 0, run.result
    prompts = [prompt_of(entry) for entry in generation_requests(coder)]
    assert prompts == [
        "Write fizzbuzz.",
        "Write quicksort.",
        "Request 3. Write fizzbuzz.",
        "Request 4. Write quicksort.",
    ]


def test_generate_api(coder):
    run = benchmark(coder, model="coder:7b", api="generate", runs=2, warmup=1, keep_alive="10m")
    assert run.returncode == 0, run.result
    requests = generation_requests(coder, "/api/generate")
    assert len(requests) == 3 and not generation_requests(coder, "/api/chat")
    assert all(entry["body"]["keep_alive"] == "10m" for entry in requests)
    assert run["summary"]["tokens_per_second"]["median"] == pytest.approx(RATE, rel=0.01)


def test_gpu_share_and_roofline(coder):
    run = benchmark(coder, model="coder:7b", gpu_bandwidth_gbps=0.001)
    assert run.returncode == 0, run.result
    size = run["model_details"]["size"]
    run_size = run["gpu"]["size"]
    assert run["gpu"] == {
        "loaded": True,
        "size": run_size,
        "size_vram": run_size,
        "gpu_percent": 100.0,
        "processor": "100% GPU",
        "context_length": 4096,
    }
    ceiling = 0.001 * 1e9 / size
    assert run["roofline"]["weight_bytes"] == size
    assert run["roofline"]["ceiling_tokens_per_second"] == pytest.approx(ceiling, abs=0.01)
    assert run["roofline"]["efficiency_percent"] == pytest.approx(RATE / ceiling * 100, abs=0.2)
    assert run["roofline"]["bandwidth_source"] == "option"


def test_without_bandwidth_the_roofline_is_null(coder):
    run = benchmark(coder, model="coder:7b", runs=1, warmup=0)
    assert run.returncode == 0, run.result
    assert run["roofline"]["ceiling_tokens_per_second"] is None
    assert run["roofline"]["bandwidth_source"] == "none"
    assert run["summary"]["tokens_per_second"]["stdev"] is None


def test_min_rate_threshold_fails_with_median_threshold_and_gpu_share(coder):
    run = benchmark(coder, model="coder:7b", min_tokens_per_second=1000.0)
    assert_clean_failure(
        run,
        "coder:7b: median generation rate ",
        " is below min_tokens_per_second 1000",
        "over 3 runs",
        "GPU share 100% on the GPU (100% GPU)",
    )
    assert run["summary"]["tokens_per_second"]["median"] == pytest.approx(RATE, rel=0.01)
    assert "median generation rate %s tok/s" % run["summary"]["tokens_per_second"]["median"] in run["msg"]
    assert len(run["runs"]) == 3 and run["thresholds"]["problems"]


def test_min_rate_threshold_passes_when_met(coder):
    run = benchmark(coder, model="coder:7b", min_tokens_per_second=RATE * 0.9, require_full_gpu_offload=True)
    assert run.returncode == 0 and run["thresholds"]["problems"] == [], run.result


def test_partial_gpu_offload_fails_when_full_offload_is_required(make_emulator):
    emu = make_emulator(tokens_per_second=RATE, prompt_tokens_per_second=PROMPT_RATE, gpu_fraction=0.65)
    emu.seed_local_model("coder:7b")
    run = benchmark(emu, model="coder:7b", require_full_gpu_offload=True, runs=1)
    assert_clean_failure(
        run,
        "not fully on the GPU (35%/65% CPU/GPU as ollama ps shows it)",
        "require_full_gpu_offload",
        "GPU share 65% on the GPU",
    )
    assert run["gpu"]["gpu_percent"] == 65.0
    relaxed = benchmark(emu, model="coder:7b", runs=1)
    assert relaxed.returncode == 0 and relaxed["gpu"]["processor"] == "35%/65% CPU/GPU"


def test_missing_model_fails_clearly_without_generating(emulator):
    run = benchmark(emulator, model="qwen2.5-coder:7b")
    assert_clean_failure(
        run,
        "model 'qwen2.5-coder:7b' is not on the Ollama server at %s" % emulator.url,
        "pull it first",
        "ollama_model",
    )
    assert not generation_requests(emulator)


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"runs": 0}, "runs accepts a whole number of measured requests from 1 to 1000, got the number 0"),
        ({"num_predict": 4}, "num_predict accepts a whole number of tokens from 16 to 1048576"),
        ({"options": {"num_ctx": 2048}}, "options must not contain num_ctx"),
        ({"prompts": []}, "prompts accepts a non-empty list"),
        ({"api": "embed"}, "api accepts one of chat, generate, got the string 'embed'"),
        ({"model": "bad name!"}, "model: model name 'bad name!' has an invalid model part"),
    ],
)
def test_bad_options_fail_before_any_request(coder, args, fragment):
    run = benchmark(coder, **dict({"model": "coder:7b"}, **args))
    assert_clean_failure(run, fragment)
    assert coder.request_log == []


def test_server_down_gives_the_client_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    run = run_module("ollama_benchmark", {"model": "m", "host": "127.0.0.1:%d" % port, "gather_gpu": False})
    assert_clean_failure(run, "connection refused", "is the ollama service running?")


def test_check_mode_measures_and_reports_no_change(coder):
    run = benchmark(coder, check=True, model="coder:7b", runs=2)
    assert run.returncode == 0 and run["changed"] is False, run.result
    assert len(run["runs"]) == 2 and len(generation_requests(coder)) == 3


def test_the_deadline_stops_the_requests_and_says_what_to_change(make_emulator):
    """At 20 tokens/s each 32-token request takes ~1.6 s: with deadline=1 the second request is never sent."""
    emu = make_emulator(tokens_per_second={"coder:7b": 20.0}, prompt_tokens_per_second=PROMPT_RATE)
    emu.seed_local_model("coder:7b")
    run = benchmark(emu, model="coder:7b", runs=50, warmup=0, deadline=1)
    assert_clean_failure(run, "deadline=1 s passed after 1 of 50 requests", "lower runs or num_predict")
    assert len(generation_requests(emu)) == 1
