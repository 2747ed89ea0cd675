"""ollama_model_info executed for real against the emulator."""

import pytest
from module_runner import (
    assert_calls,
    assert_clean_failure,
    clear,
    derived_args,
    http,
    model,
    run_module,
)


def info(emu, check=False, **args):
    args.setdefault("host", emu.url)
    return run_module("ollama_model_info", args, check=check)


@pytest.fixture
def derived(tiny_gemma):
    assert model(tiny_gemma, **derived_args())["changed"]
    clear(tiny_gemma)
    return tiny_gemma


def test_version_and_models(derived):
    run = info(derived, running=False)
    assert not run["changed"] and run["version"] == "0.32.15" and run["missing"] == []
    assert [m["name"] for m in run["models"]] == ["tiny-gemma-derived:latest", "tiny-gemma:latest"]
    assert "running" not in run.result and "show" not in run["models"][0]
    assert_calls(derived, [("GET", "/api/version"), ("GET", "/api/tags")])


def test_name_filter_and_missing(derived):
    run = info(derived, name=["Tiny-Gemma", "nope", "tiny-gemma:latest"], running=False)
    assert [m["name"] for m in run["models"]] == ["tiny-gemma:latest"]
    assert run["missing"] == ["nope:latest"]


def test_details_give_typed_parameters_and_architecture(derived):
    run = info(derived, name=["tiny-gemma-derived"], details=True, running=False, check=True)
    entry = run["models"][0]
    assert entry["show"] == {
        "parent_model": "tiny-gemma:latest",
        "system": "You are a terse assistant.",
        "template": "{{ .Prompt }}",
        "capabilities": ["completion"],
        "license": None,
        "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
    }
    arch = entry["architecture"]
    assert {
        key: arch.get(key)
        for key in (
            "architecture",
            "block_count",
            "head_count",
            "head_count_kv",
            "key_length",
            "value_length",
            "context_length",
            "embedding_length",
        )
    } == {
        "architecture": "gemma3",
        "block_count": 18,
        "head_count": 4,
        "head_count_kv": 1,
        "key_length": 256,
        "value_length": 256,
        "context_length": 32768,
        "embedding_length": 640,
    }
    assert_calls(derived, [("GET", "/api/version"), ("GET", "/api/tags"), ("POST", "/api/show")])


def test_running_models_gpu_percent(make_emulator):
    emu = make_emulator(gpu_fraction=0.625)
    emu.seed_local_model("small")
    assert http(emu.url, "POST", "/api/generate", {"model": "small", "prompt": "", "stream": False}).status == 200
    run = info(emu)
    assert [m["name"] for m in run["running"]] == ["small:latest"]
    running = run["running"][0]
    assert running["gpu_percent"] == round(running["size_vram"] / running["size"] * 100, 1)
    assert 62.0 <= running["gpu_percent"] <= 63.0


def test_server_down_is_a_clean_failure(emulator):
    emulator.stop()
    run = info(emulator)
    assert_clean_failure(run, "/api/version failed", "connection refused", "systemctl status ollama")
