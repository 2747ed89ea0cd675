"""The emulator answers the conformance sequence as the real Ollama 0.32.15 did (recorded in tests/fixtures).

The real tier (tests/real/test_conformance.py) runs the same comparison against a live real server; this test keeps
the emulator checked against the recording where the real server is not available. The model sent to the emulator
is a metadata-only GGUF carrying the recorded model_info and tensors, so /api/show can be compared key by key.
"""

import conformance
import pytest
from emulator_support import RECORDED_RESOLVER
from ollama_emulator import make_gguf
from ollama_emulator.show import _HIDDEN_INFO_KEYS


@pytest.fixture(scope="module")
def recording():
    return conformance.load_recording()


def recorded_body(recording, name):
    return next(exchange["body"] for exchange in recording if exchange["name"] == name)


def gguf_like_the_recording(recording, path):
    """A GGUF whose metadata and tensors are those of the recorded verbose /api/show (lists as recorded, cut)."""
    show = recorded_body(recording, "show_verbose")
    extra_kv = dict(show["model_info"])
    extra_kv["general.name"] = "Gemma 3 270m"
    defaults = ("general.type", "general.quantization_version", "tokenizer.ggml.model", "tokenizer.ggml.tokens")
    for key in defaults:
        extra_kv.setdefault(key, None)
    arch = extra_kv["general.architecture"]
    tensors = [(t["name"], t["type"], t["shape"]) for t in show["tensors"]]
    return make_gguf(
        path,
        architecture=arch,
        tensors=tensors,
        extra_kv=extra_kv,
        write_data=False,
        file_type=extra_kv["general.file_type"],
        block_count=extra_kv[arch + ".block_count"],
        head_count=extra_kv[arch + ".attention.head_count"],
        head_count_kv=extra_kv[arch + ".attention.head_count_kv"],
        embedding_length=extra_kv[arch + ".embedding_length"],
        context_length=extra_kv[arch + ".context_length"],
    )


def test_the_recording_follows_the_sequence(recording):
    assert [exchange["name"] for exchange in recording] == [step["name"] for step in conformance.sequence("0" * 64)]
    assert recorded_body(recording, "version") == {"version": "0.32.15"}
    assert not set(recorded_body(recording, "show_verbose")["model_info"]) & set(_HIDDEN_INFO_KEYS)


def test_emulator_matches_the_recorded_real_server(make_emulator, recording, tmp_path):
    emulator = make_emulator(registry_offline=True, resolver=RECORDED_RESOLVER)
    gguf_path = gguf_like_the_recording(recording, str(tmp_path / "gemma3.gguf"))
    found = conformance.differences(recording, conformance.run_sequence(emulator.url, gguf_path))
    for line in found:
        print("difference:", line)
    assert conformance.unexplained(found, conformance.ALLOWED) == []
    stale = [key for key in conformance.ALLOWED if not any(line.startswith(key) for line in found)]
    assert stale == [], "allow-list entries that explain no difference any more (remove them): %s" % stale


def test_a_changed_answer_is_reported_with_its_step_and_place(recording):
    changed = [dict(exchange) for exchange in recording]
    version = next(exchange for exchange in changed if exchange["name"] == "version")
    version["body"] = {"version": 32}
    version["content_type"] = "text/plain"
    assert conformance.differences(recording, changed) == [
        'version: body.version: "string" | "number"',
        'version: content_type: "application/json; charset=utf-8" | "text/plain"',
    ]
