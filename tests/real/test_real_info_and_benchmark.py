"""ollama_model_info and ollama_benchmark against the real Ollama 0.32.15 (CPU only) and the real Gemma 3 270M."""

import statistics

from module_runner import assert_clean_failure, run_module
from real_server import FIGURES

NUM_PREDICT = 16  # the least ollama_benchmark accepts
MODULE_TIMEOUT = 900  # seconds for one module run: 5-60 tokens/s on two shared cores


def info(server, **args):
    args.setdefault("host", server.url)
    return run_module("ollama_model_info", args, timeout=MODULE_TIMEOUT)


def benchmark(server, **args):
    args.setdefault("host", server.url)
    args.setdefault("gather_gpu", False)
    args.setdefault("api", "generate")
    args.setdefault("num_predict", NUM_PREDICT)
    args.setdefault("timeout", 300)
    return run_module("ollama_benchmark", args, timeout=MODULE_TIMEOUT)


def test_versions_models_and_details(real_ollama, real_model):
    run = info(real_ollama, running=False)
    assert run.returncode == 0 and not run["changed"], run.result
    assert run["version"] == "0.32.15"
    assert real_model in [m["name"] for m in run["models"]]
    detailed = info(real_ollama, name=[real_model, "not-there"], details=True, running=False)
    assert detailed["missing"] == ["not-there:latest"]
    entry = detailed["models"][0]
    assert entry["show"]["template"] == "{{ .Prompt }}" and entry["show"]["capabilities"] == ["completion"]
    assert {key: entry["architecture"].get(key) for key in ("architecture", "block_count", "embedding_length")} == {
        "architecture": "gemma3",
        "block_count": 18,
        "embedding_length": 640,
    }


def test_running_models_show_the_cpu_only_server(real_ollama, real_model):
    real_ollama.api("POST", "/api/generate", {"model": real_model, "prompt": "", "stream": False})
    run = info(real_ollama)
    running = [m for m in run["running"] if m["name"] == real_model]
    assert running, run["running"]
    assert running[0]["size_vram"] == 0 and running[0]["gpu_percent"] == 0.0 and running[0]["size"] > 0


def test_benchmark_medians_are_ollamas_own_rates(real_ollama, real_model):
    run = benchmark(real_ollama, model=real_model, runs=2, warmup=0)
    assert run.returncode == 0 and run["changed"] is False, run.result
    rates = [r["eval_count"] / r["eval_duration"] * 1e9 for r in run["runs"]]
    assert [r["tokens_per_second"] for r in run["runs"]] == [round(rate, 3) for rate in rates]
    assert abs(run["summary"]["tokens_per_second"]["median"] - statistics.median(rates)) < 0.01
    prompt_rates = [r["prompt_eval_count"] / r["prompt_eval_duration"] * 1e9 for r in run["runs"]]
    assert abs(run["summary"]["prompt_tokens_per_second"]["median"] - statistics.median(prompt_rates)) < 0.01
    assert all(0 < r["eval_count"] <= NUM_PREDICT for r in run["runs"])
    assert run["gpu"]["processor"] == "100% CPU" and run["gpu"]["gpu_percent"] == 0.0


def test_generate_speed_of_this_machine(real_ollama, real_model):
    """The figure the tier prints: the 270M model's generation rate here, median of three runs of 16 tokens."""
    run = benchmark(real_ollama, model=real_model, runs=3, warmup=1, num_predict=16)
    assert run.returncode == 0, run.result
    summary = run["summary"]["tokens_per_second"]
    assert summary["count"] == 3 and summary["median"] > 0
    FIGURES.append(
        "Gemma 3 270M Q4_K_M generate speed: median %.1f tok/s over %d runs of %d tokens (min %.1f, "
        "max %.1f)" % (summary["median"], summary["count"], 16, summary["min"], summary["max"])
    )


def test_a_threshold_that_cannot_be_met_fails(real_ollama, real_model):
    run = benchmark(real_ollama, model=real_model, runs=1, warmup=0, min_tokens_per_second=100000.0)
    assert_clean_failure(
        run,
        "%s: median generation rate " % real_model,
        "is below min_tokens_per_second 100000",
        "GPU share 0% on the GPU (100% CPU)",
    )


def test_full_gpu_offload_cannot_be_had_on_the_cpu_build(real_ollama, real_model):
    run = benchmark(real_ollama, model=real_model, runs=1, warmup=0, require_full_gpu_offload=True)
    assert_clean_failure(
        run, "the model is not fully on the GPU (100% CPU as ollama ps shows it)", "require_full_gpu_offload"
    )


def test_benchmark_of_a_missing_model(real_ollama):
    run = benchmark(real_ollama, model="qwen2.5-coder:7b")
    assert_clean_failure(
        run, "model 'qwen2.5-coder:7b' is not on the Ollama server at %s" % real_ollama.url, "pull it first"
    )
