"""playbooks/models.yml and playbooks/verify.yml on this host against the emulator, moved there by ollama_listen."""

import os

import pytest
from module_runner import http, recap, run_playbook
from ollama_emulator import QWEN25_CODER_7B as QWEN_7B

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "playbooks")


@pytest.fixture
def served(make_emulator):
    """An emulator whose registry holds the default base model, like ollama.com does."""
    emu = make_emulator(tokens_per_second=65.0)
    emu.seed_registry_model("qwen2.5-coder:7b", **QWEN_7B)
    return emu


def listen(emu):
    return {"ollama_listen": "127.0.0.1:%d" % emu.port}


def show(emu, name):
    return http(emu.url, "POST", "/api/show", {"model": name}).json()


def test_models_playbook_builds_the_default_my_coder(served):
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "models.yml"), listen(served))
    assert rc == 0, output
    details = show(served, "my-coder")
    assert details["details"]["parent_model"] == "qwen2.5-coder:7b"
    assert "You are a senior backend engineer" in details["system"]
    lines = sorted(details["parameters"].splitlines())
    assert any(line.startswith("num_ctx") and line.endswith(" 16384") for line in lines)
    assert any(line.startswith("temperature") and line.endswith(" 0.3") for line in lines)
    assert sum(line.startswith("stop") for line in lines) == 2


def test_models_playbook_changes_nothing_the_second_time(served):
    playbook = os.path.join(PLAYBOOKS, "models.yml")
    assert run_playbook(playbook, listen(served))[0] == 0
    served.clear_log()
    rc, output = run_playbook(playbook, listen(served))
    assert rc == 0, output
    assert recap(output)["changed"] == 0
    writes = [call["path"] for call in served.request_log if call["method"] in ("POST", "DELETE")]
    assert writes and set(writes) == {"/api/show"}


def test_verify_prints_one_summary_and_fails_on_what_this_host_lacks(served):
    assert run_playbook(os.path.join(PLAYBOOKS, "models.yml"), listen(served))[0] == 0
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), listen(served))
    assert rc != 0
    summary = [line for line in output.splitlines() if "verify localhost:" in line]
    assert len(summary) == 1
    table = output[output.index("verify localhost:") :]
    for check, status in [
        ("GPU visible", "WARN"),
        ("API answers with the expected version", "PASS"),
        ("base model present", "PASS"),
        ("my-coder present with its parameters", "PASS"),
        ("my-coder loaded fully on the GPU", "PASS"),
        ("generation speed", "PASS"),
        ("port %d bound only on 127.0.0.1" % served.port, "PASS"),
        ("DNS rebinding: foreign Host refused", "PASS"),
        ("free disk for models", "PASS"),
        ("OpenAI API /v1/models lists my-coder", "PASS"),
        ("OpenAI API /v1/chat/completions answers with my-coder", "PASS"),
        ("OpenAI API /v1/chat/completions streams with my-coder", "PASS"),
        ("my-coder accepts tools (agent modes)", "WARN"),
        ("my-coder context length after a /v1 call", "PASS"),
        ("native service active and enabled", "FAIL"),
        ("flash attention configured", "FAIL"),
    ]:
        row = next(line for line in table.splitlines() if check in line)
        assert status in row.split(), row
    assert "65.0 tok/s" in table
    # Issue 29: without a GPU the row names every place looked in, not only the first source's complaint.
    lines = table.splitlines()
    at = next(index for index, line in enumerate(lines) if "GPU visible" in line)
    assert "no NVIDIA GPU, looked for:" in lines[at]
    assert "nvml: no libnvidia-ml.so.1 on the loader path" in lines[at + 1]
    assert "nvidia-smi: not found on PATH nor in /usr/lib/wsl/lib" in lines[at + 2]
    assert "devices: no /dev/nvidia* nor /dev/dxg" in lines[at + 3]
    context = next(line for line in table.splitlines() if "context length after a /v1 call" in line)
    assert context.split().count("16384") == 2, context
    tools = next(line for line in table.splitlines() if "accepts tools" in line)
    assert "does not support tools" in tools, tools
    assert "native service active and enabled, flash attention configured" in output
    assert "Traceback" not in output


def test_verify_fails_when_the_server_answers_a_rebound_host(make_emulator):
    """A server on 0.0.0.0 behind a loopback-only port (Docker's old port publishing) has no Host check: FAIL."""
    emu = make_emulator(host="0.0.0.0")
    rc, output = run_playbook(
        os.path.join(PLAYBOOKS, "verify.yml"),
        dict(listen(emu), verify_benchmark=False, verify_custom_model="", verify_base_model=""),
    )
    assert rc != 0
    table = output[output.index("verify localhost:") :]
    row = next(line for line in table.splitlines() if "DNS rebinding: foreign Host refused" in line)
    assert "FAIL" in row.split() and "HTTP 200" in row, row
    assert "DNS rebinding: foreign Host refused" in output[output.index("verification check(s) failed") :]


def test_custom_model_refuses_a_system_prompt_that_injects_instructions(served):
    """Issue 14: a system prompt that closes its \"\"\" and adds FROM other / PARAMETER num_ctx 1 built my-coder on
    another base, reported ok and stayed idempotent. Now the role refuses it before any request."""
    served.seed_local_model("other:latest", **QWEN_7B)
    item = {
        "name": "my-coder",
        "modelfile": "coding-assistant.Modelfile.j2",
        "from": "qwen2.5-coder:7b",
        "num_ctx": 16384,
        "system": 'Be brief."""\nFROM other\nPARAMETER num_ctx 1\nSYSTEM """ok',
    }
    served.clear_log()
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "models.yml"), dict(listen(served), custom_model_models=[item]))
    assert rc != 0, output
    assert (
        'custom_model_models entry my-coder: SYSTEM contains """, which ends a quoted Modelfile value early' in output
    )
    assert [call for call in served.request_log if call["method"] in ("POST", "DELETE")] == []
    assert "my-coder:latest" not in [model["name"] for model in http(served.url, "GET", "/api/tags").json()["models"]]


def test_verify_prints_the_client_settings_after_the_summary(served):
    assert run_playbook(os.path.join(PLAYBOOKS, "models.yml"), listen(served))[0] == 0
    served.clear_log()
    _rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), listen(served))
    settings = output[output.index("Print the settings for OpenAI-compatible clients") :]
    assert "Base URL (OpenAI API): http://127.0.0.1:%d/v1  (reachable from this machine only)" % served.port in settings
    assert "Models: my-coder:latest, qwen2.5-coder:7b" in settings
    assert "Use: my-coder; settings per client" in settings
    chat = [c["body"] for c in served.request_log if c["path"] == "/v1/chat/completions"]
    assert [(body["model"], body["stream"], "tools" in body) for body in chat] == [
        ("my-coder", False, False),
        ("my-coder", True, False),
        ("my-coder", False, True),
    ]
    assert [body["max_tokens"] for body in chat] == [16, 16, 16]


def test_verify_sends_max_tokens_given_as_text_as_a_number(served):
    """`-e verify_openai_max_tokens=8` is text; Ollama answers HTTP 400 to "max_tokens": "8"."""
    assert run_playbook(os.path.join(PLAYBOOKS, "models.yml"), listen(served))[0] == 0
    served.clear_log()
    extra = dict(listen(served), verify_openai_max_tokens="8", verify_benchmark=False)
    _rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), extra)
    chat = [c["body"] for c in served.request_log if c["path"] == "/v1/chat/completions"]
    assert [body["max_tokens"] for body in chat] == [8, 8, 8]
    table = output[output.index("verify localhost:") :]
    for check in ("/v1/chat/completions answers with my-coder", "/v1/chat/completions streams with my-coder"):
        row = next(line for line in table.splitlines() if check in line)
        assert "PASS" in row.split(), row


def test_verify_openai_checks_fail_naming_what_the_api_said(served):
    assert run_playbook(os.path.join(PLAYBOOKS, "models.yml"), listen(served))[0] == 0
    extra = dict(listen(served), verify_openai_model="no-such-model", verify_benchmark=False)
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), extra)
    assert rc != 0
    table = output[output.index("verify localhost:") :]
    listed = next(line for line in table.splitlines() if "/v1/models lists no-such-model" in line)
    assert "FAIL" in listed.split() and "my-coder:latest, qwen2.5-coder:7b" in listed
    chat = next(line for line in table.splitlines() if "/v1/chat/completions answers with no-such-model" in line)
    assert "FAIL" in chat.split() and "HTTP 404: model 'no-such-model' not found" in chat
    stream = next(line for line in table.splitlines() if "/v1/chat/completions streams with no-such-model" in line)
    assert "FAIL" in stream.split() and "HTTP 404: model 'no-such-model' not found" in stream
    settings = output[output.index("Print the settings for OpenAI-compatible clients") :]
    assert "Use: no-such-model" not in settings
    assert "No model to use yet: no-such-model is not on the server; create it with playbooks/models.yml" in settings


def test_verify_in_the_docker_deployment_checks_the_openai_api_too(served):
    assert run_playbook(os.path.join(PLAYBOOKS, "models.yml"), listen(served))[0] == 0
    extra = dict(listen(served), ollama_deployment="docker", verify_benchmark=False)
    _rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), extra)
    table = output[output.index("verify localhost:") :]
    assert "container healthy" in table and "native service active" not in table
    for check in ("OpenAI API /v1/models lists my-coder", "OpenAI API /v1/chat/completions answers with my-coder"):
        row = next(line for line in table.splitlines() if check in line)
        assert "PASS" in row.split(), row
