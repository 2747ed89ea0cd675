"""Generate, chat, ps, faults and the request log of the emulator."""

import json
import socket
import time
import urllib.request
from http.client import IncompleteRead

from emulator_support import http, recorded


def _fast(make_emulator, **kwargs):
    kwargs.setdefault("tokens_per_second", 2000.0)
    kwargs.setdefault("prompt_tokens_per_second", 20000.0)
    emu = make_emulator(**kwargs)
    emu.seed_local_model(
        "tiny",
        architecture="gemma3",
        embedding_length=640,
        head_count=4,
        head_count_kv=1,
        key_length=256,
        block_count=18,
    )
    return emu


def test_generate_body_matches_recorded_shape_and_rates(make_emulator):
    emu = _fast(make_emulator, tokens_per_second=400.0)
    body = {"model": "tiny", "prompt": "Why is the sky blue?", "stream": False, "options": {"num_predict": 32}}
    cold = http(emu.url, "POST", "/api/generate", body)
    warm = http(emu.url, "POST", "/api/generate", body).json()
    assert cold.content_type == "application/json; charset=utf-8"
    cold = cold.json()
    assert list(warm) == list(recorded("generate.json"))
    assert (warm["done_reason"], warm["eval_count"]) == ("length", 32)
    assert warm["eval_duration"] == 80000000 and warm["prompt_eval_duration"] % 1000 == 0
    assert cold["load_duration"] >= 50000000 > warm["load_duration"]
    for result in (cold, warm):
        assert result["total_duration"] >= (
            result["load_duration"] + result["prompt_eval_duration"] + result["eval_duration"]
        )
    assert warm["prompt_eval_count"] == cold["prompt_eval_count"] > 1
    free = http(emu.url, "POST", "/api/generate", dict(body, options={})).json()
    assert free["done_reason"] == "stop"


def test_chat_stream_one_line_per_token(make_emulator):
    emu = _fast(make_emulator)
    result = http(
        emu.url,
        "POST",
        "/api/chat",
        {"model": "tiny", "messages": [{"role": "user", "content": "hi"}], "options": {"num_predict": 16}},
    )
    lines = result.lines()
    assert result.content_type == "application/x-ndjson" and len(lines) == 17
    assert all(l["message"]["role"] == "assistant" and not l["done"] for l in lines[:-1])
    assert list(lines[-1]) == list(recorded("chat.json"))
    assert lines[-1]["eval_count"] == 16 and "context" not in lines[-1]


def test_streaming_is_paced_in_real_time(make_emulator):
    emu = _fast(make_emulator, tokens_per_second=50.0, load_seconds=0.2)
    request = urllib.request.Request(
        emu.url + "/api/generate",
        method="POST",
        data=json.dumps({"model": "tiny", "prompt": "x", "options": {"num_predict": 5}}).encode(),
    )
    started = time.monotonic()
    with urllib.request.urlopen(request) as response:
        response.readline()
        first = time.monotonic() - started
        response.read()
        total = time.monotonic() - started
    assert first >= 0.2 and total >= 0.2 + 5 / 50.0


def test_load_unload_and_ps(make_emulator):
    emu = _fast(make_emulator, gpu_fraction=0.5)
    loaded = http(emu.url, "POST", "/api/generate", {"model": "tiny"}).json()
    assert (loaded["done_reason"], loaded["response"]) == ("load", "")
    [entry] = http(emu.url, "GET", "/api/ps").json()["models"]
    assert list(entry) == list(recorded("ps.json")["models"][0])
    file_size = http(emu.url, "GET", "/api/tags").json()["models"][0]["size"]
    assert entry["size"] > file_size and entry["size_vram"] == entry["size"] // 2
    assert entry["context_length"] == 4096 and "context_length" not in entry["details"]
    unloaded = http(emu.url, "POST", "/api/generate", {"model": "tiny", "keep_alive": 0}).json()
    assert unloaded["done_reason"] == "unload"
    assert http(emu.url, "GET", "/api/ps").json() == {"models": []}
    missing = http(emu.url, "POST", "/api/chat", {"model": "nope", "messages": []})
    assert (missing.status, missing.json()) == (404, {"error": "model 'nope' not found"})


def test_wrongly_typed_parameter_breaks_generate(make_emulator):
    emu = _fast(make_emulator)
    http(emu.url, "POST", "/api/create", {"model": "bad", "from": "tiny", "parameters": {"num_ctx": "2048"}})
    result = http(emu.url, "POST", "/api/generate", {"model": "bad", "prompt": "x", "stream": False})
    assert (result.status, result.json()) == (500, {"error": 'option "num_ctx" must be of type integer'})


def test_faults_delay_nth_failure_and_drop(make_emulator):
    emu = _fast(make_emulator)
    http(emu.url, "POST", "/__emulator/faults", {"fail": {"nth": 2, "status": 503, "path": "/api/tags"}})
    assert http(emu.url, "GET", "/api/tags").status == 200
    assert http(emu.url, "GET", "/api/tags").status == 503
    assert http(emu.url, "GET", "/api/tags").status == 200
    emu.faults.drop_stream_after(3, path="/api/generate")
    request = urllib.request.Request(
        emu.url + "/api/generate", method="POST", data=json.dumps({"model": "tiny", "prompt": "x"}).encode()
    )
    with urllib.request.urlopen(request) as response:
        received = []
        try:
            for line in response:
                received.append(line)
        except IncompleteRead:
            pass
    assert len(received) == 3
    emu.faults.add_delay(0.3, path="/api/version")
    started = time.monotonic()
    http(emu.url, "GET", "/api/version")
    assert time.monotonic() - started >= 0.3
    log = http(emu.url, "GET", "/__emulator/log").json()
    assert [e["status"] for e in log if e["path"] == "/api/tags"] == [200, 503, 200]
    assert log[-1] == {"method": "GET", "path": "/api/version", "status": 200, "body": None}


def test_slow_start_refuses_connections_first(make_emulator, tmp_path):
    emu = make_emulator(start_delay=0.5, log_file=str(tmp_path / "log.jsonl"))
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", emu.port)) != 0
    assert emu.wait_until_listening(5)
    assert http(emu.url, "GET", "/").status == 200
    with open(str(tmp_path / "log.jsonl"), encoding="utf-8") as handle:
        assert json.loads(handle.readline())["path"] == "/"
