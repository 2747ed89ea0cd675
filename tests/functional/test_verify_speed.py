"""verify_speed (issue 32): the speed probe of playbooks/verify.yml runs after a change, when asked, or when its
last report is old and the model already in memory; a run that skips it says so and judges the last report."""

import json
import os

import pytest
from module_runner import http, run_playbook
from ollama_emulator import QWEN25_CODER_7B as QWEN_7B

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "playbooks")


@pytest.fixture
def served(make_emulator):
    emu = make_emulator(tokens_per_second=65.0)
    emu.seed_registry_model("qwen2.5-coder:7b", **QWEN_7B)
    assert run_playbook(os.path.join(PLAYBOOKS, "models.yml"), {"ollama_listen": "127.0.0.1:%d" % emu.port})[0] == 0
    return emu


def verify(emu, report, **extra):
    settings = dict({"ollama_listen": "127.0.0.1:%d" % emu.port, "verify_speed_report": str(report)}, **extra)
    emu.clear_log()
    _rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), settings)
    probes = [call for call in emu.request_log if call["path"] == "/api/chat"]
    table = output[output.index("verify localhost:") :].splitlines()
    speed = next((line for line in table if "generation speed" in line), "")
    return probes, speed


def test_auto_probes_once_then_skips_and_says_so(served, tmp_path):
    report = tmp_path / "speed.json"
    probes, speed = verify(served, report)
    assert probes, "the first run has no report: it must probe"
    assert "65.0 tok/s" in speed and "skipped" not in speed
    assert json.loads(report.read_text())["tokens_per_second"] == 65.0

    probes, speed = verify(served, report)
    assert probes == [], "nothing changed and the report is fresh: no probe"
    assert "PASS" in speed.split() and "65.0 tok/s" in speed and "probe skipped: verify_speed=auto" in speed


def test_a_change_or_always_probes_again(served, tmp_path):
    report = tmp_path / "speed.json"
    verify(served, report)
    last = json.loads(report.read_text())
    report.write_text(json.dumps(dict(last, fingerprint="another server")))
    assert verify(served, report)[0], "a report of another server, model or environment is a change: probe"
    assert verify(served, report, verify_speed="always")[0], "always probes"
    assert verify(served, report, verify_speed="never")[0] == []


def test_an_old_report_probes_only_a_model_in_memory(served, tmp_path):
    report = tmp_path / "speed.json"
    verify(served, report, verify_openai_api=False)
    last = json.loads(report.read_text())
    report.write_text(json.dumps(dict(last, time=0)))
    http(served.url, "POST", "/api/generate", {"model": "my-coder", "keep_alive": 0})
    probes, speed = verify(served, report, verify_openai_api=False)
    assert probes == [], "an old report alone must not load a model"
    assert "probe skipped" in speed
    http(served.url, "POST", "/api/generate", {"model": "my-coder", "keep_alive": "5m"})
    assert verify(served, report, verify_openai_api=False)[0], "old report, model in memory: probe"
