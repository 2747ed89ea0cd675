"""The mitogen opt-in (docs/performance.md, issue 32): requirements/mitogen.txt installed beside the controller's
virtualenv (never into it: it is not in the lock), and playbooks/verify.yml run with strategy mitogen_linear gives
the same summary as the default strategy."""

import os
import subprocess
import sys

import pytest
from module_runner import COLLECTIONS_ROOT, run_playbook

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TARGET = os.path.join(REPO_ROOT, ".work", "mitogen")
REQUIREMENTS = os.path.join(REPO_ROOT, "requirements", "mitogen.txt")


def mitogen_dir():
    """requirements/mitogen.txt installed with pip --target into .work/mitogen (once; PyPI the first time)."""
    stamp = os.path.join(TARGET, ".requirements")
    with open(REQUIREMENTS, encoding="utf-8") as handle:
        wanted = handle.read()
    if os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as handle:
            if handle.read() == wanted:
                return TARGET
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", TARGET, "--upgrade"]
    proc = subprocess.run(command + ["-r", REQUIREMENTS], capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0:
        pytest.skip("cannot install requirements/mitogen.txt (PyPI unreachable?): " + proc.stderr[-300:])
    with open(stamp, "w", encoding="utf-8") as handle:
        handle.write(wanted)
    return TARGET


def test_verify_runs_under_mitogen_linear(make_emulator, tmp_path):
    target = mitogen_dir()
    emu = make_emulator()
    settings = {
        "ollama_listen": "127.0.0.1:%d" % emu.port,
        "verify_benchmark": False,
        "verify_custom_model": "",
        "verify_base_model": "",
        "verify_fail_on_error": False,
        # This machine has no sudo and the tests run as root; mitogen, unlike the default, starts sudo even then.
        "ansible_become": False,
    }
    env = {
        "ANSIBLE_STRATEGY": "mitogen_linear",
        "ANSIBLE_VERBOSITY": "3",
        "ANSIBLE_STRATEGY_PLUGINS": os.path.join(target, "ansible_mitogen", "plugins", "strategy"),
        "PYTHONPATH": os.pathsep.join(
            [target, COLLECTIONS_ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
        ),
    }
    rc, output = run_playbook(os.path.join(REPO_ROOT, "playbooks", "verify.yml"), settings, env=env)
    assert rc == 0, output
    assert "verify localhost:" in output
    assert "API answers with the expected version" in output
    # Under the default strategy -vvv shows every task's local connection and /bin/sh command; mitogen runs the
    # modules in its own interpreter without either.
    assert "ESTABLISH LOCAL CONNECTION" not in output and "EXEC /bin/sh" not in output, output[-3000:]
