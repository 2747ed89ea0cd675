"""The conformance sequence against a live real Ollama 0.32.15 and the emulator, both with the real Gemma 3 270M.

1. The live server still answers as recorded in tests/fixtures/ollama-0.32.15-conformance (else: re-record with
   tests/real/record_conformance.py and look at what changed).
2. The emulator answers as the live server does, but for the differences of conformance.ALLOWED.
"""

import conformance
import pytest
from emulator_support import started_emulator_like_the_real_server
from real_server import RealOllama, missing_archive_reason


@pytest.fixture(scope="module")
def live_exchanges(real_gguf_path):
    reason = missing_archive_reason()
    if reason:
        pytest.skip(reason)
    with RealOllama() as server:  # a store of its own: the sequence starts from an empty one
        return conformance.run_sequence(server.url, real_gguf_path)


def test_the_live_server_answers_as_recorded(live_exchanges):
    found = conformance.differences(conformance.load_recording(), live_exchanges)
    assert found == [], "re-record with tests/real/record_conformance.py:\n" + "\n".join(found)


def test_the_emulator_answers_as_the_live_server(live_exchanges, real_gguf_path, tmp_path):
    emulator = started_emulator_like_the_real_server(tmp_path)
    try:
        found = conformance.differences(live_exchanges, conformance.run_sequence(emulator.url, real_gguf_path))
    finally:
        emulator.stop()
    for line in found:
        print("difference:", line)
    assert conformance.unexplained(found, conformance.ALLOWED) == []
