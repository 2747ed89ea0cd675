"""ollama_model against the real Ollama 0.32.15 with the real Gemma 3 270M: import, derive, no-op, check, diff,
delete and the errors the real server gives."""

import json
import os
import urllib.request

import pytest
from module_runner import assert_clean_failure, run_module
from real_server import GGUF_SHA256, GGUF_SIZE


def model(server, **args):
    args.setdefault("host", server.url)
    check = args.pop("_check", False)
    diff = args.pop("_diff", False)
    args.setdefault("timeout", 300)
    return run_module("ollama_model", args, check=check, diff=diff, timeout=900)


def show(server, name):
    return server.api("POST", "/api/show", {"model": name})


def names(server):
    return sorted(entry["name"] for entry in server.api("GET", "/api/tags")["models"])


def derived_args(base, **overrides):
    args = {
        "name": "llo-derived",
        "from": base,
        "system": "You are a terse assistant.",
        "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
    }
    args.update(overrides)
    return args


@pytest.fixture
def derived(real_ollama, real_model):
    """llo-derived created from the session model; deleted again afterwards."""
    yield derived_args(real_model)
    model(real_ollama, name="llo-derived", state="absent")


def test_import_from_the_gguf_uploads_the_blob_once(fresh_real_ollama, real_gguf_path):
    first = model(fresh_real_ollama, name="imported:270m", gguf_path=real_gguf_path, parameters={"num_ctx": 1024})
    assert first.returncode == 0, first.result
    assert first["changed"] and first["actions"] == ["uploaded blob sha256:" + GGUF_SHA256, "created"]
    stored = show(fresh_real_ollama, "imported:270m")
    assert stored["details"]["family"] == "gemma3" and stored["details"]["quantization_level"] == "Q4_K_M"
    assert "num_ctx                        1024" in stored["parameters"].splitlines()
    assert stored["model_info"]["general.architecture"] == "gemma3"
    again = model(fresh_real_ollama, name="imported:270m", gguf_path=real_gguf_path, parameters={"num_ctx": 1024})
    assert again.returncode == 0 and not again["changed"] and again["digest"] == first["digest"], again.result
    # a second model from the same file: the server has the blob, nothing is uploaded
    other = model(fresh_real_ollama, name="imported-too", gguf_path=real_gguf_path)
    assert other["changed"] and other["actions"] == ["created"], other.result


def test_structured_create_then_no_change(real_ollama, derived):
    first = model(real_ollama, **derived)
    assert first.returncode == 0 and first["changed"] and first["actions"] == ["created"], first.result
    assert first["details"] == {"family": "gemma3", "parameter_size": "268.10M", "quantization_level": "Q4_K_M"}
    stored = show(real_ollama, "llo-derived")
    assert stored["system"] == "You are a terse assistant."
    assert sorted(stored["parameters"].splitlines()) == [
        "num_ctx                        2048",
        'stop                           "<end_of_turn>"',
        "temperature                    0.2",
    ]
    assert stored["details"]["parent_model"] == derived["from"]
    again = model(real_ollama, **derived)
    assert again.returncode == 0 and not again["changed"] and again["changes"] == [], again.result
    assert again["digest"] == first["digest"]


def test_modelfile_create_equals_the_structured_one(real_ollama, derived):
    text = (
        'FROM %s\nSYSTEM """You are a terse assistant."""\nPARAMETER num_ctx 2048\n'
        'PARAMETER stop "<end_of_turn>"\nPARAMETER temperature 0.2\n' % derived["from"]
    )
    first = model(real_ollama, name="llo-derived", modelfile=text)
    assert first.returncode == 0 and first["changed"], first.result
    assert not model(real_ollama, name="llo-derived", modelfile=text)["changed"]
    assert not model(real_ollama, **derived)["changed"]


def test_check_mode_and_diff_change_nothing(real_ollama, derived):
    assert model(real_ollama, **derived)["changed"]
    digest_before = [
        m["digest"] for m in real_ollama.api("GET", "/api/tags")["models"] if m["name"] == "llo-derived:latest"
    ]
    run = model(real_ollama, _check=True, _diff=True, **dict(derived, system="Be kind."))
    assert run.returncode == 0 and run["changed"] and run["changes"] == ["system"], run.result
    assert "SYSTEM You are a terse assistant." in run["diff"]["before"]
    assert "SYSTEM Be kind." in run["diff"]["after"]
    assert show(real_ollama, "llo-derived")["system"] == "You are a terse assistant."
    assert [
        m["digest"] for m in real_ollama.api("GET", "/api/tags")["models"] if m["name"] == "llo-derived:latest"
    ] == digest_before
    new = model(real_ollama, _check=True, **dict(derived, name="llo-never-created"))
    assert new["changed"] and new["actions"] == ["created"] and new["digest"] is None
    assert "llo-never-created:latest" not in names(real_ollama)


def test_changed_parameter_is_applied(real_ollama, derived):
    model(real_ollama, **derived)
    changed = dict(derived, parameters={"num_ctx": 4096, "stop": ["<end_of_turn>"], "temperature": 0.2})
    run = model(real_ollama, _diff=True, **changed)
    assert run["changed"] and run["changes"] == ["parameters"], run.result
    assert "num_ctx                        4096" in show(real_ollama, "llo-derived")["parameters"].splitlines()


def test_delete_twice(real_ollama, derived):
    model(real_ollama, **derived)
    first = model(real_ollama, name="llo-derived", state="absent")
    assert first["changed"] and first["actions"] == ["deleted"], first.result
    assert "llo-derived:latest" not in names(real_ollama)
    second = model(real_ollama, name="llo-derived", state="absent")
    assert second.returncode == 0 and not second["changed"]


def test_create_from_a_missing_base_fails_with_the_servers_text(real_ollama):
    run = model(real_ollama, name="llo-orphan", **{"from": "does-not-exist"})
    assert_clean_failure(run, "/api/create failed", "registry.ollama.ai", "gguf_path")
    assert "llo-orphan:latest" not in names(real_ollama)


def test_missing_model_cannot_be_pulled_offline(real_ollama):
    run = model(real_ollama, name="all-minilm")
    assert_clean_failure(run, "POST %s/api/pull failed" % real_ollama.url, "registry.ollama.ai", "gguf_path")


def test_the_imported_model_generates(real_ollama, real_model):
    body = json.dumps(
        {"model": real_model, "prompt": "The sky is", "stream": False, "options": {"num_predict": 4}}
    ).encode()
    request = urllib.request.Request(real_ollama.url + "/api/generate", data=body, method="POST")
    with urllib.request.urlopen(request, timeout=600) as response:
        answer = json.loads(response.read())
    assert answer["done"] is True and 1 <= answer["eval_count"] <= 4 and answer["eval_duration"] > 0
    # the session model's weights are the package's file, stored under its own digest
    assert os.path.getsize(os.path.join(real_ollama.models_dir, "blobs", "sha256-" + GGUF_SHA256)) == GGUF_SIZE
