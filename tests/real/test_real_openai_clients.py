"""What clients meet on the real Ollama 0.32.15 (docs/clients.md), and the emulator's answers to the same requests.

One model, created the same way on the real server and on the emulator from the real Gemma 3 270M: a template
without tools, a SYSTEM prompt, num_ctx 1024 and num_predict 12 in the Modelfile.
"""

import hashlib
import json
import urllib.error
import urllib.request

import pytest
from emulator_support import started_emulator_like_the_real_server

MODEL = "llo-clients"
SYSTEM = " ".join(["You are a careful assistant who answers every question about programming in full sentences."] * 4)
MODELFILE = {
    "template": "{{ if .System }}{{ .System }}\n{{ end }}{{ .Prompt }}",
    "system": SYSTEM,
    "parameters": {"num_ctx": 1024, "num_predict": 12, "temperature": 0, "seed": 42},
}
USER = [{"role": "user", "content": "Say OK."}]
TOOLS = [{"type": "function", "function": {"name": "now", "description": "the time", "parameters": {"type": "object"}}}]


def call(url, path, body, timeout=300):
    """(status, content type, body text) of one POST, errors included."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + path, data=raw, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read().decode("utf-8")


def blob_exists(url, digest):
    request = urllib.request.Request(url + "/api/blobs/" + digest, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=30):
            return True
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return False
        raise


def create_model(url, gguf_path):
    with open(gguf_path, "rb") as handle:
        data = handle.read()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    # Ollama answers a POST of a blob it already has (an earlier real test's) with 200 before it reads the body, and
    # closes the connection while the client still sends: ask first, as the collection's client does.
    if not blob_exists(url, digest):
        assert call(url, "/api/blobs/" + digest, data)[0] == 201
    body = dict(MODELFILE, model=MODEL, files={"model.gguf": digest}, stream=False)
    status, _type, text = call(url, "/api/create", body)
    assert status == 200, text


def running_context(url):
    with urllib.request.urlopen(url + "/api/ps", timeout=30) as response:
        models = json.loads(response.read().decode("utf-8"))["models"]
    return [entry["context_length"] for entry in models if entry["name"] == MODEL + ":latest"]


def v1(url, **fields):
    status, _type, text = call(url, "/v1/chat/completions", dict({"model": MODEL, "messages": USER}, **fields))
    assert status == 200, text
    return json.loads(text)


@pytest.fixture(scope="module")
def real(real_ollama, real_gguf_path):
    create_model(real_ollama.url, real_gguf_path)
    return real_ollama.url


@pytest.fixture(scope="module")
def emulated(real_gguf_path, tmp_path_factory):
    emulator = started_emulator_like_the_real_server(tmp_path_factory.mktemp("emulator"))
    create_model(emulator.url, real_gguf_path)
    yield emulator.url
    emulator.stop()


REFUSALS = {
    "v1 tools": ("/v1/chat/completions", {"model": MODEL, "messages": USER, "max_tokens": 4, "tools": TOOLS}),
    "v1 tools streamed": (
        "/v1/chat/completions",
        {"model": MODEL, "messages": USER, "max_tokens": 4, "tools": TOOLS, "stream": True},
    ),
    "native tools": ("/api/chat", {"model": MODEL, "messages": USER, "tools": TOOLS, "stream": False}),
    "v1 max_tokens as text": ("/v1/chat/completions", {"model": MODEL, "messages": USER, "max_tokens": "8"}),
    "v1 streamed, missing model": ("/v1/chat/completions", {"model": "llo-missing", "messages": USER, "stream": True}),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_the_emulator_refuses_as_the_real_server(real, emulated, case):
    path, body = REFUSALS[case]
    assert call(emulated, path, body) == call(real, path, body)


def _stream_shape(text):
    events = [block[len("data: ") :] for block in text.split("\n\n") if block]
    chunks = [json.loads(event) for event in events[:-1]]
    return {
        "last": events[-1],
        "first delta keys": sorted(chunks[0]["choices"][0]["delta"]),
        "role": chunks[0]["choices"][0]["delta"].get("role"),
        "object": {chunk["object"] for chunk in chunks},
        "finish": chunks[-1]["choices"][0]["finish_reason"],
    }


def test_a_streamed_v1_answer_has_the_real_shape(real, emulated):
    body = {"model": MODEL, "messages": USER, "max_tokens": 4, "stream": True}
    real_status, real_type, real_text = call(real, "/v1/chat/completions", body)
    status, content_type, text = call(emulated, "/v1/chat/completions", body)
    assert (status, content_type) == (real_status, real_type) == (200, "text/event-stream")
    assert _stream_shape(text) == _stream_shape(real_text)
    assert _stream_shape(real_text)["last"] == "[DONE]"


def test_v1_caps_output_with_max_tokens_and_ignores_max_completion_tokens(real):
    assert v1(real, max_tokens=3)["usage"]["completion_tokens"] == 3
    # The Modelfile's num_predict (12) applies: max_completion_tokens is not read by Ollama 0.32.15.
    assert v1(real, max_completion_tokens=3)["usage"]["completion_tokens"] > 3


def test_v1_keeps_the_modelfile_context_and_the_native_api_overrides_it(real):
    v1(real, max_tokens=2, options={"num_ctx": 2048})
    assert running_context(real) == [1024]
    status, _type, text = call(
        real,
        "/api/chat",
        {"model": MODEL, "messages": USER, "options": {"num_ctx": 2048, "num_predict": 2}, "stream": False},
    )
    assert status == 200, text
    assert running_context(real) == [2048]


def test_a_client_system_message_replaces_the_modelfile_system(real):
    with_modelfile_system = v1(real, max_tokens=1)["usage"]["prompt_tokens"]
    own_system = [{"role": "system", "content": "Be brief."}] + USER
    with_own_system = v1(real, max_tokens=1, messages=own_system)["usage"]["prompt_tokens"]
    assert with_own_system < with_modelfile_system - 40


def test_a_prompt_longer_than_the_context_is_cut_without_an_error(real):
    long_prompt = [{"role": "user", "content": "count: " + " ".join(str(n) for n in range(1500))}]
    answer = v1(real, max_tokens=1, messages=long_prompt)
    assert answer["usage"]["prompt_tokens"] <= 1024
