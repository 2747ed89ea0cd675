"""The emulator's OpenAI-compatible routes against the bodies recorded from a real Ollama 0.32.15 (openai_*)."""

import datetime
import json

import pytest
from emulator_support import recorded

MESSAGES = [{"role": "user", "content": "Say hello."}]


def _events(body):
    """The `data:` payloads of a server-sent event stream, in order."""
    text = body.decode("utf-8")
    assert text.endswith("\n\n")
    chunks = text.split("\n\n")[:-1]
    assert all(chunk.startswith("data: ") for chunk in chunks), chunks
    return [chunk[len("data: ") :] for chunk in chunks]


def _shape(value):
    """Keys and value types, recursively: what a client parses, without the generated text and times."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


@pytest.fixture
def coder(emulator):
    emulator.seed_local_model("my-coder", architecture="gemma3")
    return emulator


def test_models_empty_is_null_data(api):
    result = api("GET", "/v1/models")
    assert (result.status, result.content_type) == (200, "application/json")
    assert result.body == recorded("openai_models_empty.json", parse=False)


def test_models_lists_tagged_ids_with_modified_time(coder, api):
    result = api("GET", "/v1/models")
    assert (result.status, result.content_type) == (200, "application/json")
    assert result.body.endswith(b"}\n")
    [entry] = result.json()["data"]
    [expected] = recorded("openai_models.json")["data"]
    assert list(entry) == list(expected)
    assert {k: v for k, v in entry.items() if k != "created"} == {k: v for k, v in expected.items() if k != "created"}
    modified = api("GET", "/api/tags").json()["models"][0]["modified_at"]
    stamp = datetime.datetime.strptime(modified[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    assert entry["created"] == int(stamp.timestamp())


def test_chat_completion_has_the_recorded_shape(coder, api):
    result = api("POST", "/v1/chat/completions", {"model": "my-coder", "messages": MESSAGES, "max_tokens": 8})
    assert (result.status, result.content_type) == (200, "application/json")
    assert result.body.endswith(b"}\n")
    body, expected = result.json(), recorded("openai_chat.json")
    assert _shape(body) == _shape(expected)
    assert list(body) == list(expected)
    assert body["id"].startswith("chatcmpl-") and body["system_fingerprint"] == "fp_ollama"
    assert body["choices"][0]["finish_reason"] == expected["choices"][0]["finish_reason"] == "length"
    assert body["choices"][0]["message"]["content"]
    assert body["usage"]["completion_tokens"] == expected["usage"]["completion_tokens"] == 8
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + 8


def test_chat_without_max_tokens_stops_and_is_not_streamed(coder, api):
    result = api("POST", "/v1/chat/completions", {"model": "my-coder", "messages": MESSAGES})
    assert (result.status, result.content_type) == (200, "application/json")
    assert result.json()["choices"][0]["finish_reason"] == "stop"


def test_chat_stream_is_server_sent_events_like_the_recording(coder, api):
    request = {
        "model": "my-coder",
        "messages": MESSAGES,
        "max_tokens": 3,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    result = api("POST", "/v1/chat/completions", request)
    assert (result.status, result.content_type) == (200, "text/event-stream")
    got, expected = _events(result.body), _events(recorded("openai_chat_stream.sse", parse=False))
    assert len(got) == len(expected) == 6
    assert got[-1] == expected[-1] == "[DONE]"
    got, expected = [json.loads(e) for e in got[:-1]], [json.loads(e) for e in expected[:-1]]
    assert [_shape(e) for e in got] == [_shape(e) for e in expected]
    assert [e["choices"][0]["delta"].keys() for e in got[:4]] == [e["choices"][0]["delta"].keys() for e in expected[:4]]
    assert len({(e["id"], e["created"]) for e in got}) == 1
    assert got[3]["choices"][0]["finish_reason"] == "length"
    assert got[4]["usage"]["completion_tokens"] == 3


@pytest.mark.parametrize(
    "name, request_body",
    [
        ("openai_chat_missing.json", {"model": "no-such-model", "messages": MESSAGES}),
        ("openai_chat_no_model.json", {"messages": MESSAGES}),
    ],
)
def test_handler_errors_are_openai_errors_with_a_newline(api, name, request_body):
    result = api("POST", "/v1/chat/completions", request_body)
    expected_status = 404 if "missing" in name else 400
    assert (result.status, result.content_type) == (expected_status, "application/json")
    assert result.body == recorded(name, parse=False)


@pytest.mark.parametrize(
    "name, raw",
    [
        ("openai_chat_no_messages.json", json.dumps({"model": "my-coder", "messages": []}).encode("utf-8")),
        ("openai_chat_bad_json.json", b"{not json"),
    ],
)
def test_middleware_refusals_use_gin_json(api, name, raw):
    result = api("POST", "/v1/chat/completions", raw=raw)
    assert (result.status, result.content_type) == (400, "application/json; charset=utf-8")
    assert result.body == recorded(name, parse=False)
