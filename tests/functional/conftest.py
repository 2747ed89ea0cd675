"""Shared fixtures for functional tests: a fresh Ollama emulator per test."""

import pytest
from emulator_support import RECORDED_RESOLVER, http, seed_recorded_tiny_gemma
from ollama_emulator import Emulator


@pytest.fixture
def make_emulator(tmp_path):
    """Factory: `make_emulator(**kwargs)` starts an emulator (own dirs by default), stopped at teardown."""
    started = []

    def make(**kwargs):
        index = len(started)
        kwargs.setdefault("models_dir", str(tmp_path / ("models%d" % index)))
        kwargs.setdefault("registry_dir", str(tmp_path / ("registry%d" % index)))
        kwargs.setdefault("resolver", RECORDED_RESOLVER)
        kwargs.setdefault("load_seconds", 0.05)
        emu = Emulator(**kwargs)
        started.append(emu)
        return emu.start()

    yield make
    for emu in started:
        emu.stop()


@pytest.fixture
def emulator(make_emulator):
    """A started emulator with empty models and registry dirs."""
    return make_emulator()


@pytest.fixture
def api(emulator):
    """`api(method, path, body=None, raw=None)` against the `emulator` fixture."""

    def call(method, path, body=None, raw=None):
        return http(emulator.url, method, path, body, raw)

    return call


@pytest.fixture
def tiny_gemma(emulator):
    """The emulator with the recorded tiny-gemma installed."""
    seed_recorded_tiny_gemma(emulator)
    return emulator


class BadInputTally:
    """The verdict of every bad input tried (test_bad_inputs.py), printed at the end of the run."""

    VERDICTS = ("clear", "unclear", "traceback", "wrong success")

    def __init__(self):
        self.verdicts = {}
        self.details = {}

    def record(self, case_id, verdict, detail=""):
        assert verdict in self.VERDICTS, verdict
        self.verdicts[case_id] = verdict
        self.details[case_id] = detail

    def line(self):
        counts = dict((verdict, 0) for verdict in self.VERDICTS)
        for verdict in self.verdicts.values():
            counts[verdict] += 1
        return "bad inputs: %d tried / %d clear / %d unclear / %d traceback / %d wrong success" % (
            (len(self.verdicts),) + tuple(counts[verdict] for verdict in self.VERDICTS)
        )


BAD_INPUT_TALLY = pytest.StashKey()


@pytest.fixture(scope="session")
def bad_input_tally(request):
    """Where each bad-input case records its verdict (clear, unclear, traceback, wrong success)."""
    return request.config.stash.setdefault(BAD_INPUT_TALLY, BadInputTally())


def pytest_terminal_summary(terminalreporter, config):
    tally = config.stash.get(BAD_INPUT_TALLY, None)
    if tally is not None and tally.verdicts:
        terminalreporter.write_sep("-", "bad input tally")
        for case_id, verdict in sorted(tally.verdicts.items()):
            if verdict != "clear":
                terminalreporter.write_line("%s: %s: %s" % (verdict, case_id, tally.details[case_id][:400]))
        terminalreporter.write_line(tally.line())
