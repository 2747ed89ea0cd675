"""Testinfra checks of scenario native_real: the real Ollama 0.32.15 service, Gemma 3 270M and my-coder on it."""

import json

PORT = 11520
API = "http://127.0.0.1:%d" % PORT


def api(host, path, body=None, timeout=600):
    """One HTTP request from inside the host with its own python3 (the image has no curl)."""
    script = (
        "import json,sys,urllib.request as u;"
        "d=sys.argv[2].encode() if sys.argv[2] else None;"
        "r=u.Request(sys.argv[1],data=d,method='POST' if d else 'GET');"
        "print(u.urlopen(r,timeout=%d).read().decode())" % timeout
    )
    result = host.run("python3 -c %s %s %s", script, API + path, json.dumps(body) if body else "")
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout)


def test_the_real_server_runs_as_the_service(host):
    service = host.service("ollama")
    assert service.is_running and service.is_enabled
    assert host.file("/usr/local/lib/ollama/llama-server").is_file  # the real runner, not the emulator
    assert "0.32.15" in host.run("/usr/local/bin/ollama --version").stdout
    assert api(host, "/api/version") == {"version": "0.32.15"}


def test_base_imported_from_the_gguf_and_my_coder_on_it(host):
    names = [model["name"] for model in api(host, "/api/tags")["models"]]
    assert "gemma3:270m" in names and "my-coder:latest" in names
    show = api(host, "/api/show", {"model": "my-coder"})
    assert show["details"]["parent_model"] == "gemma3:270m" and show["details"]["family"] == "gemma3"
    assert show["template"].startswith("<start_of_turn>user\n{{ .Prompt }}<end_of_turn>")
    assert "You are a senior backend engineer" in show["system"]
    assert "num_ctx                        2048" in show["parameters"].splitlines()


def test_a_real_chat_with_my_coder_answers(host):
    answer = api(
        host,
        "/api/chat",
        {
            "model": "my-coder",
            "stream": False,
            "options": {"num_predict": 16},
            "messages": [{"role": "user", "content": "Say hello in Go."}],
        },
    )
    assert answer["done"] is True and answer["message"]["role"] == "assistant"
    assert answer["message"]["content"].strip() and answer["eval_count"] > 0


def test_the_cpu_build_has_nothing_on_a_gpu(host):
    running = api(host, "/api/ps")["models"]
    assert running and all(model["size_vram"] == 0 for model in running)
