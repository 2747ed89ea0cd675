"""Program mode and release archives: real subprocesses, real HTTP."""

import hashlib
import os
import socket
import subprocess
import sys
import tarfile
import time

import pytest
from emulator_support import EMULATOR_DIR, http

BUILD = os.path.join(EMULATOR_DIR, "build_release.py")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _build(version, out):
    subprocess.run(
        [sys.executable, BUILD, "--version", version, "--arch", "amd64", "--out", str(out)],
        check=True,
        stdout=subprocess.PIPE,
    )
    return sorted(os.listdir(str(out)))


def _extract(archive, target):
    if archive.endswith(".tar.zst"):
        raw = subprocess.run(["zstd", "-d", "-c", archive], check=True, stdout=subprocess.PIPE).stdout
        archive = archive[:-4]
        with open(archive, "wb") as handle:
            handle.write(raw)
    with tarfile.open(archive) as bundle:
        bundle.extractall(str(target))  # noqa: S202 (archive built by this test)
    return os.path.join(str(target), "bin", "ollama")


def _wait_for(url, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return http(url, "GET", "/")
        except OSError:
            time.sleep(0.1)
    raise AssertionError("server did not answer")


def test_release_serves_lists_and_reports_version(tmp_path):
    assert _build("0.32.15", tmp_path / "dist") == ["ollama-linux-amd64.tar.zst", "sha256sum.txt"]
    archive = str(tmp_path / "dist" / "ollama-linux-amd64.tar.zst")
    with open(archive, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    with open(str(tmp_path / "dist" / "sha256sum.txt"), encoding="utf-8") as handle:
        assert handle.read() == "%s  ./ollama-linux-amd64.tar.zst\n" % digest
    binary = _extract(archive, tmp_path / "root")
    port = _free_port()
    env = dict(os.environ, OLLAMA_HOST="127.0.0.1:%d" % port, OLLAMA_MODELS=str(tmp_path / "models"))
    down = subprocess.run([binary, "list"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert down.returncode != 0
    server = subprocess.Popen([binary, "serve"], env=env, stderr=subprocess.PIPE)
    try:
        assert _wait_for("http://127.0.0.1:%d" % port).body == b"Ollama is running"
        version = subprocess.run([binary, "--version"], env=env, stdout=subprocess.PIPE, check=True)
        assert version.stdout == b"ollama version is 0.32.15\n"
        listing = subprocess.run([binary, "list"], env=env, stdout=subprocess.PIPE, check=True)
        assert listing.stdout.split() == [b"NAME", b"ID", b"SIZE", b"MODIFIED"]
    finally:
        server.terminate()
        assert server.wait(10) == 0
        assert b"server config" in server.stderr.read()
    offline = subprocess.run([binary, "-v"], env=env, stdout=subprocess.PIPE, check=True)
    assert offline.stdout.decode().splitlines() == [
        "Warning: could not connect to a running Ollama instance",
        "Warning: client version is 0.32.15",
    ]


@pytest.mark.parametrize(
    "version,asset", [("0.13.5", "ollama-linux-amd64.tgz"), ("0.14.0", "ollama-linux-amd64.tar.zst")]
)
def test_archive_format_by_version_and_reproducible(tmp_path, version, asset):
    assert _build(version, tmp_path / "a") == [asset, "sha256sum.txt"]
    _build(version, tmp_path / "b")
    with open(str(tmp_path / "a" / asset), "rb") as first, open(str(tmp_path / "b" / asset), "rb") as second:
        assert first.read() == second.read()
    binary = _extract(str(tmp_path / "a" / asset), tmp_path / "root")
    names = sorted(os.listdir(str(tmp_path / "root" / "lib" / "ollama" / "ollama_emulator")))
    assert "cli.py" in names and os.access(binary, os.X_OK)
    result = subprocess.run(
        [binary, "--version"],
        stdout=subprocess.PIPE,
        check=True,
        env=dict(os.environ, OLLAMA_HOST="127.0.0.1:%d" % _free_port()),
    )
    assert result.stdout.decode().splitlines()[-1] == "Warning: client version is %s" % version


def test_ollama_host_forms():
    from ollama_emulator.cli import parse_host  # pylint: disable=import-outside-toplevel

    assert parse_host("") == ("http", "127.0.0.1", 11434)
    assert parse_host("0.0.0.0") == ("http", "0.0.0.0", 11434)
    assert parse_host("example:9000") == ("http", "example", 9000)
    assert parse_host(":9000") == ("http", "127.0.0.1", 9000)
    assert parse_host("https://example") == ("https", "example", 443)
    assert parse_host("http://example") == ("http", "example", 80)
    assert parse_host("[::1]:1234") == ("http", "::1", 1234)


def test_create_from_a_modelfile_and_show_its_parameters(emulator):
    """`ollama create NAME -f Modelfile` and `ollama show NAME --parameters`, as docs/models.md runs them."""
    emulator.seed_local_model("qwen2.5-coder:7b")
    env = dict(os.environ, OLLAMA_HOST="127.0.0.1:%d" % emulator.port, PYTHONPATH=EMULATOR_DIR)
    modelfile = os.path.join(os.path.dirname(EMULATOR_DIR), "..", "modelfiles", "coding-assistant.Modelfile")

    def ollama(*args):
        return subprocess.run(
            [sys.executable, "-m", "ollama_emulator"] + list(args), env=env, capture_output=True, text=True, check=False
        )

    created = ollama("create", "my-coder", "-f", modelfile)
    assert created.returncode == 0 and created.stdout.splitlines()[-1] == "success", created.stderr
    shown = ollama("show", "my-coder", "--parameters")
    assert shown.returncode == 0, shown.stderr
    assert [line.split() for line in shown.stdout.splitlines() if line.startswith("num_ctx")] == [["num_ctx", "16384"]]
    missing = ollama("show", "no-such-model", "--parameters")
    assert missing.returncode == 1 and "not found" in missing.stderr


def test_serve_help_prints_help_and_starts_no_server():
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR, OLLAMA_HOST="127.0.0.1:%d" % port)
    run = subprocess.run(
        [sys.executable, "-m", "ollama_emulator", "serve", "--help"],
        env=env,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert run.returncode == 0
    assert run.stdout.startswith("Start Ollama\n\nUsage:\n  ollama serve [flags]\n")
    assert "OLLAMA_HOST" in run.stdout
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
