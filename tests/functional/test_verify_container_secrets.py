"""playbooks/verify.yml reading a real container through the real docker CLI and engine: the container's environment
holds a proxy password, and the run at -v prints none of it, yet still reads what the checks need (issue 28)."""

import os
import subprocess
import uuid

import pytest
from module_runner import run_playbook

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "playbooks")
SECRET = "pr0xy-s3cret-%s" % uuid.uuid4().hex[:8]


def docker(*args):
    return subprocess.run(["docker"] + list(args), capture_output=True, text=True, timeout=60, check=False)


def engine_answers():
    try:
        return docker("info").returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


pytestmark = pytest.mark.skipif(not engine_answers(), reason="needs a Docker engine that answers (docker info)")


@pytest.fixture
def container():
    """A created (never started) container of an empty image, with a secret and two Ollama settings in its
    environment; nothing runs, so it needs no image content."""
    name = "llo-verify-secret-%s" % uuid.uuid4().hex[:8]
    imported = subprocess.run(
        ["docker", "import", "-", "local/llo-empty:%s" % name],
        input=b"\0" * 1024,  # an empty tar archive: two zero blocks
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr
    created = docker(
        "container",
        "create",
        "--name",
        name,
        "--env",
        "HTTPS_PROXY=http://user:%s@proxy.example:3128" % SECRET,
        "--env",
        "OLLAMA_HOST=0.0.0.0:11434",
        "--env",
        "OLLAMA_FLASH_ATTENTION=1",
        "local/llo-empty:%s" % name,
        "/bin/true",
    )
    assert created.returncode == 0, created.stderr
    yield name
    docker("container", "rm", "--force", name)
    docker("image", "rm", "local/llo-empty:%s" % name)


def test_verify_at_v_prints_no_container_secret_and_still_reads_its_settings(container, make_emulator):
    emu = make_emulator(host="0.0.0.0")  # no Host check, as Ollama inside a container with a published port
    extra = {
        "ollama_listen": "127.0.0.1:%d" % emu.port,
        "ollama_deployment": "docker",
        "verify_docker_container": container,
        "verify_benchmark": False,
        "verify_base_model": "",
        "verify_custom_model": "",
        "verify_openai_api": False,
    }
    _rc, output = run_playbook(os.path.join(PLAYBOOKS, "verify.yml"), extra, env={"ANSIBLE_VERBOSITY": "1"})
    table = output[output.index("verify localhost:") :]
    assert SECRET not in output
    assert "HTTPS_PROXY" not in output
    flash = next(line for line in table.splitlines() if "flash attention configured" in line)
    assert "PASS" in flash.split(), flash
    healthy = next(line for line in table.splitlines() if "container healthy" in line)
    assert "FAIL" in healthy.split() and "no healthcheck" in healthy, healthy  # Health is set once it runs
    # OLLAMA_HOST and the network mode: a published port, so a server that answers a rebound Host only warns.
    rebinding = next(line for line in table.splitlines() if "DNS rebinding: foreign Host refused" in line)
    assert "WARN" in rebinding.split(), rebinding
    assert "published port: Ollama listens on 0.0.0.0:11434 in the container" in rebinding, rebinding
