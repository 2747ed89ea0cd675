"""Record the real server's answers to the conformance sequence into tests/fixtures (run when the server changes).

    .venv/bin/python tests/real/record_conformance.py [output.json]

Starts a fresh real Ollama 0.32.15 from the archive, runs the sequence with the real Gemma 3 270M GGUF and writes
the exchanges (lists cut to their first elements) to the fixture, or to the path given.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# A program, not a test: pytest's pythonpath (pyproject.toml) does not reach it.
sys.path[:0] = [HERE, os.path.join(os.path.dirname(HERE), "functional")]

import conformance  # noqa: E402  pylint: disable=wrong-import-position
from real_server import REPO_ROOT, RealOllama, assemble_gguf, missing_archive_reason  # noqa: E402


def record(server, gguf_path, path=conformance.FIXTURE):
    """Run the sequence against a started server whose store is empty; save and return the exchanges."""
    exchanges = conformance.run_sequence(server.url, gguf_path)
    # the temporary models folder becomes the one a standard service install shows, as in the other recording
    exchanges = json.loads(json.dumps(exchanges).replace(server.models_dir, "/usr/share/ollama/.ollama/models"))
    conformance.save_recording(exchanges, path)
    return exchanges


def main(argv):
    reason = missing_archive_reason()
    gguf_path, missing = assemble_gguf(os.path.join(REPO_ROOT, ".work", "real-model"))
    if reason or missing:
        sys.exit(reason or missing)
    with RealOllama() as server:
        exchanges = record(server, gguf_path, argv[1] if len(argv) > 1 else conformance.FIXTURE)
    print("recorded %d exchanges" % len(exchanges))


if __name__ == "__main__":
    main(sys.argv)
