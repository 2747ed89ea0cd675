# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_server_env: OLLAMA_* names and values, secrets never echoed, Compose environment text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.host import _server_env
from ansible_collections.local_llm.ollama.plugins.module_utils.host._server_env import (
    compose_environment,
    environment_errors,
    origin_is_local,
    remote_origins,
)


@pytest.mark.parametrize("name", ["OLLAMA_HOST", "_X", "a1", "HTTPS_PROXY"])
def test_valid_names(name):
    assert environment_errors({name: "v", "B": True, "C": 3, "D": None}, "opt") == []


@pytest.mark.parametrize("name", ["OLLAMA_X\n", "1A", "A-B", "A B", "", "A\n    privileged: true", "Ä", 5])
def test_invalid_names(name):
    (error,) = environment_errors({name: "v"}, "opt")
    assert error.startswith("opt: the name %r is not a valid environment name" % (name,))


@pytest.mark.parametrize("value,words", [("a\nb", "a newline"), ("a\rb", "a carriage return"), ("a\x00", "a NUL byte")])
def test_invalid_values(value, words):
    assert environment_errors({"A": value}, "opt") == [
        "opt: the value of A contains %s; environment values must be a single line" % words
    ]


def test_secret_values_are_never_echoed():
    errors = environment_errors({"TOKEN": "s3cr3t\nprivileged: true"}, "opt")
    assert errors and not any("s3cr3t" in error for error in errors)


def test_compose_environment_doubles_every_dollar_and_writes_text():
    assert compose_environment({"P": "pa$word ${HOME} $$", "B": True, "F": False, "N": None, "I": 3}) == {
        "P": "pa$$word $${HOME} $$$$",
        "B": "1",
        "F": "0",
        "N": "",
        "I": "3",
    }


def test_not_a_dict():
    assert environment_errors(["A=1"], "opt") == ["opt must be a dict of NAME: value, got list"]


@pytest.mark.parametrize(
    "origin,local",
    [
        ("http://localhost", True),
        ("https://localhost:3000", True),
        ("http://app.localhost:8080", True),
        ("http://127.0.0.1:5173", True),
        ("http://127.1.2.3", True),
        ("https://[::1]:8443", True),
        ("chrome-extension://abcdefgh", True),
        ("app://obsidian.md", True),
        ("vscode-webview://x", True),
        ("*", False),
        ("http://localhost:*", False),
        ("chrome-extension://*", False),
        ("https://example.com", False),
        ("http://192.168.1.10", False),
        ("http://0.0.0.0", False),
        ("localhost", False),
        ("http://localhost.evil.com", False),
    ],
)
def test_origin_is_local(origin, local):
    assert origin_is_local(origin) is local


def test_remote_origins_splits_on_commas():
    assert remote_origins(" http://localhost:3000 , *,https://a.example ,") == ["*", "https://a.example"]
    assert remote_origins(None) == [] and remote_origins("") == []


def test_every_cache_type_ollama_reads_has_a_size_in_the_vram_planner():
    from ansible_collections.local_llm.ollama.plugins.module_utils.gpu._vram import KV_BYTES_PER_ELEMENT

    assert set(_server_env.KV_CACHE_TYPES) <= set(KV_BYTES_PER_ELEMENT)
    assert set(_server_env.QUANTIZED_KV_TYPES) < set(_server_env.KV_CACHE_TYPES)


@pytest.mark.parametrize(
    "environment, errors",
    [
        ({}, []),
        ({"OLLAMA_KV_CACHE_TYPE": "f16"}, []),
        ({"OLLAMA_KV_CACHE_TYPE": "q8_0", "OLLAMA_FLASH_ATTENTION": True}, []),
        ({"OLLAMA_KV_CACHE_TYPE": "q4_0", "OLLAMA_FLASH_ATTENTION": "yes"}, []),
        (
            {"OLLAMA_KV_CACHE_TYPE": "q8_0"},
            ["OLLAMA_KV_CACHE_TYPE=q8_0 needs flash attention, but OLLAMA_FLASH_ATTENTION is not set"],
        ),
        (
            {"OLLAMA_KV_CACHE_TYPE": "q4_0", "OLLAMA_FLASH_ATTENTION": "false"},
            ['OLLAMA_FLASH_ATTENTION is "false" (off)'],
        ),
        ({"OLLAMA_KV_CACHE_TYPE": "q8_0", "OLLAMA_FLASH_ATTENTION": False}, ['OLLAMA_FLASH_ATTENTION is "0" (off)']),
        (
            {"OLLAMA_KV_CACHE_TYPE": "q5_1"},
            ["OLLAMA_KV_CACHE_TYPE=q5_1 is not a cache type Ollama knows; use one of f16"],
        ),
    ],
)
def test_report_errors_for_the_kv_cache(environment, errors):
    report = _server_env.environment_report(environment, "opt")
    assert len(report["errors"]) == len(errors)
    for message, fragment in zip(report["errors"], errors):
        assert message.startswith("opt: ") and fragment in message


@pytest.mark.parametrize(
    "value, on", [(None, False), ("", False), (" 0 ", False), ("False", False), (1, True), ("on", True)]
)
def test_flash_attention_is_read_as_ollama_reads_it(value, on):
    environment = {} if value is None else {"OLLAMA_FLASH_ATTENTION": value}
    assert _server_env.environment_report(environment, "opt")["flash_attention"] is on


def test_report_warns_about_unknown_and_removed_names_only():
    report = _server_env.environment_report(
        {"OLLAMA_HOST": "x", "OLLAMA_FLASH_ATENTION": 1, "OLLAMA_TMPDIR": "/t", "HTTPS_PROXY": "p"}, "opt"
    )
    assert report["warnings"] == [
        "opt sets OLLAMA_FLASH_ATENTION, unknown to Ollama (typo?); passed on anyway",
        "opt sets OLLAMA_TMPDIR, removed from Ollama: no effect",
    ]
    assert report["errors"] == []


def test_report_of_a_non_dict_is_the_type_error():
    assert _server_env.environment_report(["x"], "opt")["errors"] == ["opt must be a dict of NAME: value, got list"]


def test_systemd_environment_writes_text_escaped_and_sorted_like_dictsort():
    lines = _server_env.systemd_environment({"b_x": 'say "hi" \\ 100%', "A": True, "OLLAMA_OFF": False, "N": None})
    assert lines == ['"A=1"', '"b_x=say \\"hi\\" \\\\ 100%%"', '"N="', '"OLLAMA_OFF=0"']


def test_environment_file_escapes_what_systemd_reads_as_special():
    assert _server_env.environment_file({"TOKEN": 'a"b`c$d\\e', "FLAG": True}) == [
        'FLAG="1"',
        'TOKEN="a\\"b\\`c\\$d\\\\e"',
    ]


@pytest.mark.parametrize(
    "environment, fragment",
    [
        ({"OLLAMA_KEEP_ALIVE": "forever"}, "OLLAMA_KEEP_ALIVE accepts a duration"),
        ({"OLLAMA_NUM_PARALLEL": "auto"}, "Ollama would silently take 1"),
        ({"OLLAMA_MAX_QUEUE": "\uff11\uff12"}, "ASCII digits"),
        ({"OLLAMA_NOPRUNE": "no"}, "silently read as true"),
        ({"OLLAMA_MODELS": "models"}, "OLLAMA_MODELS accepts an absolute path"),
        ({"OLLAMA_DEBUG": "verbose"}, "log level"),
    ],
)
def test_each_setting_is_read_by_its_kind(environment, fragment):
    errors = _server_env.environment_report(environment, "opt")["errors"]
    assert len(errors) == 1 and errors[0].startswith("opt: ") and fragment in errors[0]


def test_settings_ollama_reads_pass():
    environment = {"OLLAMA_KEEP_ALIVE": "-1", "OLLAMA_NUM_PARALLEL": "4", "OLLAMA_NOPRUNE": "'true'", "OLLAMA_DEBUG": 2}
    assert _server_env.environment_report(environment, "opt")["errors"] == []


def test_the_two_environments_are_one_set():
    report = _server_env.environment_report(
        {"HTTPS_PROXY": "http://user:pass@proxy:3128"},
        "env",
        {"OLLAMA_ORIGINS": "*", "OLLAMA_HOST": "0.0.0.0:11434", "OLLAMA_NUM_PARALLEL": "many"},
        "secret_env",
    )
    assert report["remote_origins"] == ["1 origin(s) in secret_env (not shown)"]
    assert any("put it in the secret environment secret_env" in error for error in report["errors"])
    assert not any("pass@proxy" in error or "many" in error for error in report["errors"])
    assert any(error.startswith("secret_env: OLLAMA_NUM_PARALLEL") for error in report["errors"])


def test_credentials_in_the_secret_environment_pass():
    report = _server_env.environment_report({}, "env", {"HTTPS_PROXY": "http://user:pass@proxy:3128"}, "secret_env")
    assert report["errors"] == []


def test_yes_for_a_boolean_is_a_warning():
    report = _server_env.environment_report({"OLLAMA_FLASH_ATTENTION": "yes"}, "opt")
    assert report["errors"] == [] and any("write 1 or true" in warning for warning in report["warnings"])
