"""playbooks/models.yml and playbooks/verify.yml on this host against the emulator, moved there by ollama_listen."""

import os

import pytest

from module_runner import http, recap, run_playbook

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "playbooks")

QWEN_7B = dict(architecture="qwen2", block_count=28, head_count=28, head_count_kv=4, embedding_length=3584,
               context_length=32768, parameter_count=7615616512, file_type=15)


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
    table = output[output.index("verify localhost:"):]
    for check, status in [("GPU visible", "WARN"), ("API answers with the expected version", "PASS"),
                          ("base model present", "PASS"), ("my-coder present with its parameters", "PASS"),
                          ("my-coder loaded fully on the GPU", "PASS"), ("generation speed", "PASS"),
                          ("port %d bound only on 127.0.0.1" % served.port, "PASS"),
                          ("DNS rebinding: foreign Host refused", "PASS"),
                          ("free disk for models", "PASS"),
                          ("native service active and enabled", "FAIL"), ("flash attention configured", "FAIL")]:
        row = next(line for line in table.splitlines() if check in line)
        assert status in row.split(), row
    assert "65.0 tok/s" in table
    assert "native service active and enabled, flash attention configured" in output
    assert "Traceback" not in output


def test_verify_fails_when_the_server_answers_a_rebound_host(make_emulator):
    """A server on 0.0.0.0 behind a loopback-only port (Docker's old port publishing) has no Host check: FAIL."""
    emu = make_emulator(host="0.0.0.0")
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"),
                              dict(listen(emu), verify_benchmark=False, verify_custom_model="", verify_base_model=""))
    assert rc != 0
    table = output[output.index("verify localhost:"):]
    row = next(line for line in table.splitlines() if "DNS rebinding: foreign Host refused" in line)
    assert "FAIL" in row.split() and "HTTP 200" in row, row
    assert "DNS rebinding: foreign Host refused" in output[output.index("verification check(s) failed"):]


def test_custom_model_refuses_a_system_prompt_that_injects_instructions(served):
    """Issue 14: a system prompt that closes its \"\"\" and adds FROM other / PARAMETER num_ctx 1 built my-coder on
    another base, reported ok and stayed idempotent. Now the role refuses it before any request."""
    served.seed_local_model("other:latest", **QWEN_7B)
    item = {"name": "my-coder", "modelfile": "coding-assistant.Modelfile.j2", "from": "qwen2.5-coder:7b",
            "num_ctx": 16384, "system": 'Be brief."""\nFROM other\nPARAMETER num_ctx 1\nSYSTEM """ok'}
    served.clear_log()
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "models.yml"), dict(listen(served), custom_model_models=[item]))
    assert rc != 0, output
    assert 'custom_model_models entry my-coder: SYSTEM contains """, which ends a quoted Modelfile value early' in output
    assert [call for call in served.request_log if call["method"] in ("POST", "DELETE")] == []
    assert "my-coder:latest" not in [model["name"] for model in http(served.url, "GET", "/api/tags").json()["models"]]
