"""`make provision` on a fresh Debian or Ubuntu: scripts/lib.sh's ensure_host_prerequisites, run with stand-ins for
python3 (without ensurepip, or too old), id, sudo and apt-get on PATH. It names what is missing and the command that
installs it, or installs it itself as root or through a sudo that needs no password."""

import os
import stat
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REAL_PYTHON = sys.executable


def shim(directory, name, body):
    path = directory / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def bin_dir(tmp_path):
    directory = tmp_path / "bin"
    directory.mkdir()
    log = tmp_path / "calls.log"
    shim(directory, "apt-get", 'echo "apt-get $*" >> %s\n' % log)
    return directory


def python_without_ensurepip(bin_dir):
    shim(
        bin_dir,
        "python3",
        'case "$*" in *"import ensurepip"*) echo "No module named ensurepip" >&2; exit 1;; esac\n'
        'exec %s "$@"\n' % REAL_PYTHON,
    )


def check(tmp_path, bin_dir, **env):
    environment = dict(os.environ, PATH="%s:%s" % (bin_dir, os.environ["PATH"]), LLO_WORK_DIR=str(tmp_path / "work"))
    environment.update(env)
    return subprocess.run(
        ["bash", "-c", "source scripts/lib.sh && ensure_host_prerequisites && echo PREREQUISITES OK"],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def calls(tmp_path):
    log = tmp_path / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_a_complete_python_passes_without_installing_anything(tmp_path, bin_dir):
    shim(bin_dir, "python3", 'exec %s "$@"\n' % REAL_PYTHON)
    run = check(tmp_path, bin_dir)
    assert run.returncode == 0 and "PREREQUISITES OK" in run.stdout, run.stderr
    assert calls(tmp_path) == []


def test_without_sudo_it_names_the_package_and_the_command(tmp_path, bin_dir):
    python_without_ensurepip(bin_dir)
    shim(bin_dir, "id", "echo 1000\n")
    shim(bin_dir, "sudo", "exit 1\n")  # sudo -n fails: a password would be needed
    run = check(tmp_path, bin_dir)
    assert run.returncode != 0
    assert "make provision needs python3-venv" in run.stderr
    assert "no virtualenv can be created" in run.stderr
    assert "Install it with: sudo apt-get install -y python3-venv" in run.stderr
    assert "ensurepip is not available" not in run.stderr and "Traceback" not in run.stderr
    assert calls(tmp_path) == []


def test_with_llo_no_sudo_root_is_only_told(tmp_path, bin_dir):
    python_without_ensurepip(bin_dir)
    run = check(tmp_path, bin_dir, LLO_NO_SUDO="1")
    assert run.returncode != 0 and "sudo apt-get install -y python3-venv" in run.stderr
    assert calls(tmp_path) == []


def test_root_installs_it(tmp_path, bin_dir):
    python_without_ensurepip(bin_dir)
    shim(bin_dir, "id", "echo 0\n")
    run = check(tmp_path, bin_dir)
    assert run.returncode == 0, run.stderr
    assert "installing python3-venv" in run.stderr
    assert calls(tmp_path) == ["apt-get update -qq", "apt-get install -y --no-install-recommends python3-venv"]


def test_a_passwordless_sudo_installs_it(tmp_path, bin_dir):
    python_without_ensurepip(bin_dir)
    shim(bin_dir, "id", "echo 1000\n")
    shim(
        bin_dir,
        "sudo",
        'echo "sudo $*" >> %s\n[ "$1" = -n ] && shift\n[ "$1" = true ] && exit 0\nexec "$@"\n'
        % (tmp_path / "calls.log"),
    )
    run = check(tmp_path, bin_dir)
    assert run.returncode == 0, run.stderr
    assert "with sudo" in run.stderr
    assert calls(tmp_path) == [
        "sudo -n true",
        "sudo -n apt-get update -qq",
        "apt-get update -qq",
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-venv",
        "apt-get install -y --no-install-recommends python3-venv",
    ]


def test_an_old_python_is_named_with_its_version(tmp_path, bin_dir):
    shim(bin_dir, "python3", 'case "$*" in *version_info\\[:2\\]*) echo 3.8;; *version_info*) exit 1;; esac\n')
    run = check(tmp_path, bin_dir)
    assert run.returncode != 0
    assert "make provision needs Python 3.10 or newer" in run.stderr and "python3 is 3.8" in run.stderr


def test_no_python_at_all(tmp_path, bin_dir):
    run = check(tmp_path, bin_dir, LLO_PYTHON="python3-not-here")
    assert run.returncode != 0
    assert "python3-not-here is not installed" in run.stderr
    assert "sudo apt-get install -y python3 python3-venv" in run.stderr
