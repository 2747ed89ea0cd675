# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generated bad inputs for every module (issue #28): each module's argument_spec() and option_kinds() are read,
every option must have a kind, and for every option the generator (bad_values.py, fixed seed) makes the invalid
values of its kind. Each value is given to the module on top of a set of valid arguments and the module runs for real,
in this process (its main(), as Ansible would run it, its HTTP going to the Ollama emulator), and is judged:

- clear: it failed, the message names the option and what it accepts, no traceback, within BOUND_SECONDS, and the
  emulator saw no mutating request;
- unclear: it failed, but the message lacks the option or what it accepts;
- traceback: an exception escaped or the result carries one;
- wrong success: it did not fail;
- mutating: it sent a request that changes the server (create, pull, push, copy, delete, blob upload);
- slow: it took longer than BOUND_SECONDS.

Options of kind free (no rule; the kind says why) are counted apart. The run ends with the tally per module, and the
test of a module fails unless all its values are clear. The hand-written table (test_bad_inputs.py) stays.
"""

import contextlib
import importlib
import io
import json
import os
import signal
import time

import pytest
from bad_value_tally import registered_tally
from bad_values import DEFAULT_SEED, accepted_words, bad_values
from module_runner import COLLECTION_DIR, calls
from ollama_emulator import Emulator

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import undeclared_options

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

BOUND_SECONDS = 5
VERDICTS = ("clear", "unclear", "traceback", "wrong success", "mutating", "slow")
MUTATING = {("POST", "/api/create"), ("POST", "/api/pull"), ("POST", "/api/push"), ("POST", "/api/copy")}
MUTATING |= {("DELETE", "/api/delete")}
MODULE_FILES = sorted(
    name[: -len(".py")]
    for name in os.listdir(os.path.join(COLLECTION_DIR, "plugins", "modules"))
    if name.endswith(".py") and not name.startswith("_")
)
# role_inputs is documentation for an action plugin that runs on the controller and never sends a module to a host:
# it has no main() to run here, and the role half (test_generated_bad_inputs_roles.py) runs it in every role.
CONTROLLER_ONLY = ["role_inputs"]
MODULES = [name for name in MODULE_FILES if name not in CONTROLLER_ONLY]
# Valid arguments each module runs with, the option under test replacing its own; {emu} is the emulator's URL and
# {dir} a folder of this run. A value that wrongly passes then meets a server without the model, a missing file...
BASE_ARGS = {
    "apt_signing_key": {"src": "{dir}/no-such-key.asc", "dest": "{dir}/keyring.asc", "fingerprints": ["A" * 40]},
    "docker_engine_info": {"socket": "{dir}/no-such-docker.sock", "timeout": 2},
    "gpu_facts": {},
    "ollama_benchmark": {"host": "{emu}", "model": "generated-bad-input", "gather_gpu": False},
    "ollama_eval": {"host": "{emu}", "model": "generated-bad-input"},
    "ollama_model": {"host": "{emu}", "name": "generated-bad-input"},
    "ollama_model_info": {"host": "{emu}"},
    "port_owner_info": {"port": 11434},
}


@pytest.fixture(scope="module")
def tally(request):
    return registered_tally(
        request, "generated bad input tally (modules)", VERDICTS, "generated-bad-input-tally-modules"
    )


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated-bad-inputs")
    emu = Emulator(
        models_dir=str(folder / "models"), registry_dir=str(folder / "registry"), registry_offline=True
    ).start()
    yield emu
    emu.stop()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("generated-bad-inputs-files"))


def module_code(name):
    return importlib.import_module("ansible_collections.local_llm.ollama.plugins.modules.%s" % name)


@contextlib.contextmanager
def module_args(args):
    """ANSIBLE_MODULE_ARGS for a main() run in this process (patch_module_args came with ansible-core 2.19)."""
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    saved = basic._ANSIBLE_ARGS
    payload = dict(args, _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": payload}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved


class TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise TooSlow()


def run_in_process(code, args):
    """(result dict or None, stdout, exception text or None, seconds) of one main() run."""
    out = io.StringIO()
    error = None
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(BOUND_SECONDS * 2)
    try:
        with module_args(args), contextlib.redirect_stdout(out):
            code.main()
    except SystemExit:
        pass
    except TooSlow:
        error = "TooSlow"
    except Exception as exc:  # the verdict is traceback; the test goes on with the next value
        error = "%s: %s" % (type(exc).__name__, exc)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    seconds = time.monotonic() - started
    try:
        result = json.loads(out.getvalue())
    except ValueError:
        result = None
    return result, out.getvalue(), error, seconds


def judge(option, declaration, outcome, requests):
    result, stdout, error, seconds = outcome
    changes = [request for request in requests if request in MUTATING or request[1].startswith("/api/blobs/")]
    if error == "TooSlow" or seconds > BOUND_SECONDS:
        return "slow", "took %.1f s" % seconds
    if error or result is None or "exception" in result or "Traceback" in stdout:
        return "traceback", error or stdout[:300]
    if changes:
        return "mutating", "sent %s" % changes
    if not result.get("failed"):
        return "wrong success", json.dumps(result, default=repr)[:300]
    msg = result.get("msg", "")
    if option not in msg:
        return "unclear", "the message does not name %s: %s" % (option, msg)
    if not any(words in msg for words in accepted_words(declaration)):
        return "unclear", "the message does not say what %s accepts: %s" % (option, msg)
    return "clear", msg


def fill(value, emu, folder):
    if isinstance(value, str):
        return value.replace("{emu}", emu.url).replace("{dir}", folder)
    if isinstance(value, list):
        return [fill(item, emu, folder) for item in value]
    return value


def cases(name):
    """(option, declaration, label, value) of every generated bad value of the module's options."""
    code = module_code(name)
    spec, kinds = code.argument_spec(), code.option_kinds()
    for option in sorted(spec):
        for label, value in bad_values(kinds[option], seed=DEFAULT_SEED):
            if value is None and not spec[option].get("required"):
                continue  # null is an option left unset, as Ansible reads it
            yield option, kinds[option], label, value


@pytest.mark.parametrize("name", MODULES)
def test_every_option_has_a_kind(name):
    code = module_code(name)
    assert undeclared_options(code.argument_spec(), code.option_kinds()) == ([], [])


@pytest.mark.parametrize("name", CONTROLLER_ONLY)
def test_a_controller_only_module_is_an_action_plugin_without_main(name):
    assert os.path.isfile(os.path.join(COLLECTION_DIR, "plugins", "action", name + ".py"))
    assert not hasattr(module_code(name), "main")


def test_every_module_has_valid_arguments_here():
    assert sorted(BASE_ARGS) == MODULES


@pytest.mark.parametrize("name", MODULES)
def test_generated_bad_values_fail_clearly(name, emulator, run_dir, tally, monkeypatch):
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    code = module_code(name)
    kinds = code.option_kinds()
    free = sum(1 for declaration in kinds.values() if declaration["kind"] == "free")
    tally.notes[name] = " / %d free option(s)" % free
    base = dict((key, fill(value, emulator, run_dir)) for key, value in BASE_ARGS[name].items())
    unclear = []
    tried = 0
    for option, declaration, label, value in cases(name):
        args = dict(base)
        args[option] = value
        emulator.clear_log()
        outcome = run_in_process(code, args)
        verdict, detail = judge(option, declaration, outcome, calls(emulator))
        tally.record(name, verdict, "%s %s: %s" % (option, label, detail))
        tried += 1
        if verdict != "clear":
            unclear.append("%s: %s (%s): %s" % (verdict, option, label, detail))
    assert tried > 0
    assert not unclear, "\n".join(unclear)
