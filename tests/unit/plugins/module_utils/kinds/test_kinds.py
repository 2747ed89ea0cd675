# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kinds/_kinds: one validator per kind of value; each kind takes its good values and refuses the bad ones seen in
issue #28 with a message naming the option and what it accepts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import (
    KIND_NAMES,
    accepts,
    check_declaration,
    problem,
)

NUMBER = {"kind": "number", "min": 0, "max": 3600}
MESSAGE_FIELDS = {"role": {"kind": "choice", "choices": ["user", "assistant"]}, "content": {"kind": "text"}}
# The kinds whose own parser (ollama/_endpoint.py, model/_names.py) says what is wrong and what is accepted.
OWN_PARSER_HELP = {
    "endpoint": "use [http:// or https://]HOST[:PORT] with a port in 1-65535",
    "model_name": "[host/][namespace/]model[:tag]",
    "model_parameters": "parameter",
}


def _what_it_accepts(declaration, value):
    """The words a message must hold: the kind's, its own parser's, or, for a list whose item is wrong, the item's."""
    if declaration["kind"] == "text_list" and isinstance(value, (list, str)) and not isinstance(value, str):
        declaration = declaration.get("items") or {"kind": "text"}
    if declaration["kind"] == "text_list" and declaration.get("or_text") and isinstance(value, str):
        declaration = declaration["items"]
    return OWN_PARSER_HELP.get(declaration["kind"], accepts(declaration))


KEY_SOURCE = {
    "kind": "any_of",
    "of": [
        {"kind": "url", "schemes": ["https", "http", "file"]},
        {"kind": "absolute_path"},
        {"kind": "text", "prefix": "-----BEGIN PGP"},
    ],
}
WHOLE = {"kind": "number", "min": 1, "max": 1000, "integer": True}

GOOD = [
    (NUMBER, 0),
    (NUMBER, 3600),
    (NUMBER, 12.5),
    (NUMBER, "12.5"),
    (WHOLE, 5),
    (WHOLE, "5"),
    (WHOLE, 5.0),
    ({"kind": "text"}, ""),
    ({"kind": "text", "nonempty": True, "single_line": True}, "one line"),
    ({"kind": "text_list"}, []),
    ({"kind": "text_list"}, ["a", "b"]),
    ({"kind": "absolute_path"}, "/var/lib/ollama/model.bin"),
    ({"kind": "absolute_path", "not_suffix": ".gguf", "hint": "this is a GGUF file: use gguf_path"}, "/m/Modelfile"),
    ({"kind": "url", "schemes": ["https"]}, "https://github.com/ollama/ollama/releases/download/v0.32.15/x.tgz"),
    ({"kind": "url", "schemes": ["https"]}, "https://[::1]:8443/x"),
    ({"kind": "url", "schemes": ["http", "https"]}, "http://mirror.local:8080/x"),
    ({"kind": "endpoint"}, "127.0.0.1:11434"),
    ({"kind": "endpoint"}, "https://ollama.example.com"),
    ({"kind": "model_name"}, "llama3.2:3b"),
    (KEY_SOURCE, "file:///etc/apt/key.asc"),
    (KEY_SOURCE, "/etc/apt/key.asc"),
    (KEY_SOURCE, "  -----BEGIN PGP PUBLIC KEY BLOCK-----\nabc"),
    ({"kind": "model_name"}, "myuser/mymodel:v1"),
    ({"kind": "version"}, "0.32.15"),
    ({"kind": "flag"}, True),
    ({"kind": "flag"}, "yes"),
    ({"kind": "choice", "choices": ["present", "absent"]}, "absent"),
    ({"kind": "duration"}, "5m"),
    ({"kind": "duration"}, "1h30m"),
    ({"kind": "duration"}, "-1"),
    ({"kind": "duration"}, 300),
    ({"kind": "duration"}, 1.5),
    ({"kind": "duration"}, "0"),
    ({"kind": "duration", "reads": "env"}, "-1"),
    ({"kind": "duration", "reads": "env"}, "10m"),
    ({"kind": "text_list", "or_text": True, "items": {"kind": "model_name"}}, "llama3.2"),
    ({"kind": "records", "fields": MESSAGE_FIELDS}, [{"role": "user", "content": "hi"}]),
    ({"kind": "mapping"}, {"a": 1}),
    ({"kind": "mapping", "values": {"kind": "text"}}, {"a": "b"}),
    ({"kind": "model_parameters"}, {"temperature": 0.2, "stop": ["<eos>"], "num_ctx": "4096"}),
    ({"kind": "free", "why": "a test"}, object()),
    ({"kind": "number", "null": True}, None),
]

BAD = [
    (NUMBER, float("nan")),
    (NUMBER, float("inf")),
    (NUMBER, "nan"),
    (NUMBER, "inf"),
    (NUMBER, -1),
    (NUMBER, 3601),
    (NUMBER, True),
    (NUMBER, "12GB"),
    (NUMBER, "\uff11\uff12"),
    (NUMBER, "\u0663"),
    (NUMBER, [1]),
    (NUMBER, None),
    (WHOLE, 1.5),
    (WHOLE, 100000),
    ({"kind": "text"}, ["a", "b"]),
    ({"kind": "text"}, 12),
    ({"kind": "text", "nonempty": True}, "  "),
    ({"kind": "text", "single_line": True}, "a\nb"),
    ({"kind": "text_list"}, "a,b"),
    ({"kind": "text_list"}, [1]),
    ({"kind": "absolute_path"}, "relative/path"),
    ({"kind": "absolute_path"}, "/tmp/two words"),
    ({"kind": "absolute_path"}, "/tmp/a\nb"),
    ({"kind": "url", "schemes": ["https"]}, "ftp://example.com/x"),
    ({"kind": "url", "schemes": ["https"]}, "http://example.com/x"),
    ({"kind": "url", "schemes": ["http", "https"]}, "http:/host/x"),
    ({"kind": "url", "schemes": ["https"]}, "https://example.com:\uff11\uff12/x"),
    ({"kind": "url", "schemes": ["https"]}, "https://example.com:\u0663/x"),
    ({"kind": "url", "schemes": ["https"]}, "https://user:pw@example.com/x"),
    ({"kind": "url", "schemes": ["https"]}, "https://example.com:70000/x"),
    ({"kind": "url", "schemes": ["https"]}, "https://example.com/a\nb"),
    ({"kind": "endpoint"}, "http:/127.0.0.1"),
    ({"kind": "endpoint"}, "127.0.0.1:\uff11\uff12"),
    ({"kind": "endpoint"}, "127.0.0.1:\u0663"),
    ({"kind": "endpoint"}, "ftp://127.0.0.1"),
    ({"kind": "model_name"}, "name\n/x"),
    (KEY_SOURCE, "ftp://example.com/key"),
    (KEY_SOURCE, "file://relative/key"),
    (KEY_SOURCE, "relative/key"),
    ({"kind": "model_name"}, "name\n"),
    ({"kind": "model_name"}, ""),
    ({"kind": "version"}, "v0.32.15"),
    ({"kind": "version"}, "latest"),
    ({"kind": "version"}, "0.32"),
    ({"kind": "version"}, "0.32.15\n"),
    ({"kind": "flag"}, "maybe"),
    ({"kind": "flag"}, 2),
    ({"kind": "choice", "choices": ["present", "absent"]}, "Present"),
    ({"kind": "choice", "choices": ["present", "absent"]}, ["present"]),
    ({"kind": "duration"}, "5 minutes"),
    ({"kind": "duration"}, "3d"),
    ({"kind": "duration"}, float("nan")),
    ({"kind": "duration", "allow_negative": False}, "-1s"),
    ({"kind": "duration", "reads": "env"}, "1.5"),
    ({"kind": "text_list", "or_text": True, "items": {"kind": "model_name"}}, "a,b"),
    ({"kind": "records", "fields": MESSAGE_FIELDS}, {"role": "user", "content": "hi"}),
    ({"kind": "records", "fields": MESSAGE_FIELDS}, [{"role": "user"}]),
    ({"kind": "records", "fields": MESSAGE_FIELDS}, [{"role": "bot", "content": "hi"}]),
    ({"kind": "records", "fields": MESSAGE_FIELDS}, [{"role": "user", "content": "hi", "extra": 1}]),
    ({"kind": "mapping"}, "a=b"),
    ({"kind": "mapping", "values": {"kind": "text"}}, {"a": ["b"]}),
    ({"kind": "model_parameters"}, {"temperature": float("nan")}),
    ({"kind": "model_parameters"}, {"stop": "<eos>"}),
    ({"kind": "model_parameters"}, {"system": ["a"]}),
]


@pytest.mark.parametrize("declaration, value", GOOD)
def test_good_values_pass(declaration, value):
    assert problem(declaration, "opt", value) is None


@pytest.mark.parametrize("declaration, value", BAD)
def test_bad_values_name_the_option_and_what_it_accepts(declaration, value):
    message = problem(declaration, "my_option", value)
    assert message is not None
    assert message.startswith("my_option")
    assert _what_it_accepts(declaration, value) in message
    assert "\n" not in message


def test_the_gguf_hint_is_given():
    declaration = {"kind": "absolute_path", "not_suffix": ".gguf", "hint": "this is a GGUF file: use gguf_path"}
    message = problem(declaration, "modelfile_path", "/models/tiny.gguf")
    assert message.startswith("modelfile_path: this is a GGUF file: use gguf_path")


def test_credentials_in_an_endpoint_are_never_shown():
    message = problem({"kind": "endpoint"}, "host", "http://user:hunter2@host:99999")
    assert "hunter2" not in message and message.startswith("host holds credentials")


def test_a_secret_value_is_never_shown():
    message = problem({"kind": "url", "schemes": ["https"]}, "token_url", "hunter2-secret", secret=True)
    assert "hunter2" not in message
    assert "14 characters" in message
    declared_secret = {"kind": "text", "secret": True}
    assert "hunter2" not in problem(declared_secret, "password", ["hunter2"])


def test_a_long_value_is_cut_in_the_message():
    message = problem({"kind": "text", "max_length": 10}, "name", "x" * 10000)
    assert "10002 characters" in message
    assert len(message) < 400


def test_every_kind_has_words():
    samples = {
        "choice": {"choices": ["a"]},
        "free": {"why": "because"},
        "records": {"fields": {"a": {"kind": "text"}}},
        "any_of": {"of": [{"kind": "text"}]},
    }
    for kind in KIND_NAMES:
        declaration = dict(samples.get(kind, {}), kind=kind)
        assert accepts(declaration)


@pytest.mark.parametrize(
    "declaration",
    [
        None,
        {},
        {"kind": "no_such_kind"},
        {"kind": "number", "choices": [1]},
        {"kind": "number", "min": "0"},
        {"kind": "choice"},
        {"kind": "free"},
        {"kind": "mapping", "values": {"kind": "bogus"}},
    ],
)
def test_malformed_declarations_are_refused(declaration):
    with pytest.raises(ValueError):
        check_declaration(declaration)
