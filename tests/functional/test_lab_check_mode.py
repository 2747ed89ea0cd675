"""The lab playbooks as docs/lab.md runs them, on this machine: check mode against missing controller-side artifacts,
and lab_rollout.yml with the Docker deployment."""

import os
import socket

from module_runner import COLLECTION_DIR, recap, run_playbook

INVENTORY = os.path.join(COLLECTION_DIR, "inventories", "localhost", "hosts.yml")
PLAYBOOKS = os.path.join(COLLECTION_DIR, "playbooks")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_check_mode_reports_a_missing_release_archive_before_it_would_install(tmp_path):
    release_dir = tmp_path / "lab-artifacts" / "ollama" / "0.32.15"
    extra = {
        "ollama_listen": "127.0.0.1:%d" % free_port(),
        "ollama_native_archive_src": str(release_dir / "ollama-linux-amd64.tar.zst"),
    }
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "native.yml"), extra, check=True, inventory=INVENTORY)
    assert rc != 0, output[-4000:]
    assert "Would install Ollama" not in output
    assert "%s/sha256sum.txt (file not found on the controller)" % release_dir in output, output[-4000:]


def test_check_mode_reports_a_missing_archive_next_to_its_checksums(tmp_path):
    (tmp_path / "sha256sum.txt").write_text("%s  ./ollama-linux-amd64.tar.zst\n" % ("0" * 64))
    archive = tmp_path / "ollama-linux-amd64.tar.zst"
    extra = {"ollama_listen": "127.0.0.1:%d" % free_port(), "ollama_native_archive_src": str(archive)}
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "native.yml"), extra, check=True, inventory=INVENTORY)
    assert rc != 0, output[-4000:]
    assert "Would install Ollama" not in output
    assert "%s: file not found. Nothing was installed or changed on any host." % archive in output, output[-4000:]


def test_lab_rollout_refuses_the_docker_deployment_before_anything_runs():
    extra = {"target_hosts": "localhost", "ollama_deployment": "docker"}
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "lab_rollout.yml"), extra, check=True, inventory=INVENTORY)
    assert rc != 0, output[-4000:]
    assert "lab_rollout.yml installs the native deployment only" in output, output[-4000:]
    assert "Run playbooks/site.yml for this host" in output
    assert "ollama_native :" not in output and "preflight :" not in output
    assert recap(output)["ok"] == 0


def test_check_mode_reports_a_missing_model_store_before_it_would_install(tmp_path):
    store = tmp_path / "lab-artifacts" / "models"
    (store / "manifests").mkdir(parents=True)
    extra = {
        "ollama_listen": "127.0.0.1:%d" % free_port(),
        "model_seed_source_dir": str(store),
        "model_seed_models": ["qwen2.5-coder:7b"],
    }
    rc, output = run_playbook(os.path.join(PLAYBOOKS, "site.yml"), extra, check=True, inventory=INVENTORY)
    assert rc != 0, output[-4000:]
    assert "manifests/registry.ollama.ai/library/qwen2.5-coder/7b not found under %s" % store in output, output[-4000:]
    assert "Would install Ollama" not in output
    assert "ollama_native :" not in output and "preflight :" not in output
