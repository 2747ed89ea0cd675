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
