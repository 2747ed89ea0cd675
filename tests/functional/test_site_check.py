"""playbooks/site.yml --check on this machine (inventories/localhost) with the Ollama API served by the emulator.

Part of the smoke that runs under every ansible-core (noxfile.py): the whole site run in check mode, every role's
argument spec and every module on the controller's ansible-core, while nothing on the machine or the server changes.
"""

import os
import socket

from module_runner import recap, run_playbook

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INVENTORY = os.path.join(REPO_ROOT, "inventories", "localhost", "hosts.yml")
SITE = os.path.join(REPO_ROOT, "playbooks", "site.yml")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_site_check_against_the_emulator(emulator):
    emulator.seed_registry_model("qwen2.5-coder:7b", architecture="qwen2", block_count=4)
    # ollama_native plans its service on a free port (the emulator's port is held by python, which the role
    # rightly refuses to share); the models and the verification ask the emulator.
    extra = {
        "ollama_listen": "127.0.0.1:%d" % free_port(),
        "custom_model_host": "127.0.0.1:%d" % emulator.port,
        "verify_api_url": emulator.url,
    }
    rc, output = run_playbook(SITE, extra, check=True, inventory=INVENTORY)
    assert rc == 0, output[-6000:]
    assert recap(output)["failed"] == 0, output[-6000:]
    assert "Traceback" not in output, output[-6000:]
    # custom_model asked the emulator about my-coder and would create it; check mode wrote nothing there.
    assert any(e["path"] == "/api/tags" for e in emulator.request_log), emulator.request_log
    # Reads and generations (verify's probes, /api/show) change nothing; no request that writes reached the server.
    writes = ("/api/create", "/api/pull", "/api/push", "/api/copy", "/api/delete", "/api/blobs/")
    assert [
        e["path"] for e in emulator.request_log if e["method"] not in ("GET", "HEAD") and e["path"].startswith(writes)
    ] == []
