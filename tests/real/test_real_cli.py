"""The emulator's `ollama serve` arguments against the real 0.32.15 binary: help, bad flags, stray arguments."""

import os
import subprocess
import sys

import pytest
from real_server import REPO_ROOT, free_port

EMULATOR_DIR = os.path.join(REPO_ROOT, "tests", "emulator")


def _emulator(args, port):
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR, OLLAMA_HOST="127.0.0.1:%d" % port)
    return subprocess.run(
        [sys.executable, "-m", "ollama_emulator"] + args,
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )


@pytest.mark.parametrize(
    "args", [["serve", "--help"], ["serve", "-h"], ["start", "--help"], ["serve", "--bogus"], ["serve", "extra"]]
)
def test_serve_arguments_answer_like_the_real_binary(real_ollama, args):
    real = real_ollama.cli(*args, timeout=20)
    emulated = _emulator(args, free_port())
    assert (emulated.returncode, emulated.stdout, emulated.stderr) == (real.returncode, real.stdout, real.stderr)
