# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model/_modelfile: the Modelfile parser, its errors (with line numbers) and the rendered text."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import (
    ModelfileError,
    coerce_parameter,
    coerce_parameters,
    go_unquote,
    modelfile_variable_errors,
    parameters_equal,
    parse_modelfile,
    parse_show_parameters,
    quote,
    render_modelfile,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpec

SHOW_DERIVED_PARAMETERS = (
    "num_ctx                        2048\nstop                           "
    '"\\u003cend_of_turn\\u003e"\ntemperature                    0.2'
)


def parse_error(text):
    with pytest.raises(ModelfileError) as info:
        parse_modelfile(text)
    return info.value


def test_every_instruction():
    spec = parse_modelfile(
        "FROM llama3.2:3b\n"
        "ADAPTER /srv/lora.gguf\n"
        "TEMPLATE {{ .Prompt }}\n"
        "SYSTEM You are terse.\n"
        "PARAMETER num_ctx 4096\n"
        "PARAMETER temperature 0.2\n"
        "PARAMETER use_mmap false\n"
        "PARAMETER stop <|eot_id|>\n"
        'PARAMETER stop "User:"\n'
        "LICENSE MIT\n"
        'LICENSE """Apache\n2.0"""\n'
        "MESSAGE system be brief\n"
        "MESSAGE user hi\n"
        "MESSAGE assistant hello\n"
    )
    # The fields a Modelfile does not set (a GGUF's path and digests, quantize) stay at their defaults.
    assert spec == ModelSpec(
        {
            "from": "llama3.2:3b",
            "adapters": ["/srv/lora.gguf"],
            "template": "{{ .Prompt }}",
            "system": "You are terse.",
            "parameters": {"num_ctx": 4096, "temperature": 0.2, "use_mmap": False, "stop": ["<|eot_id|>", "User:"]},
            "license": ["MIT", "Apache\n2.0"],
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": "hello"},
            ],
        }
    )


def test_keywords_are_case_insensitive_and_comments_skipped():
    spec = parse_modelfile(
        "# leading comment\n  # indented comment\nfrom base\nParameter top_k 10\nsystem hello # not a comment\n\n\n"
    )
    assert spec["from"] == "base"
    assert spec["parameters"] == {"top_k": 10}
    assert spec["system"] == "hello # not a comment"


def test_quoting_forms():
    spec = parse_modelfile(
        'FROM x\nSYSTEM """line one\n  "quoted" line two\n"""\nTEMPLATE "a\nb"\nPARAMETER stop "  spaced  "\n'
    )
    assert spec["system"] == 'line one\n  "quoted" line two\n'
    assert spec["template"] == "a\nb"
    assert spec["parameters"]["stop"] == ["  spaced  "]


def test_bom_and_crlf():
    spec = parse_modelfile("\ufeffFROM x\r\nSYSTEM hi\r\n")
    assert spec["from"] == "x" and spec["system"] == "hi"


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("SYSTEM hi\n", None, "no FROM"),
        ("FROM x\n\nPARAMETER bogus 1\n", 3, "unknown parameter 'bogus'"),
        ("FROM x\nPARAMETER num_ctx lots\n", 2, "expected an integer"),
        ("FROM x\nPARAMETER temperature hot\n", 2, "expected a number"),
        ("FROM x\nPARAMETER use_mmap maybe\n", 2, "expected true or false"),
        ("FROM x\nPARAMETER mirostat 1\n", 2, "was removed from Ollama in v0.7.0"),
        ("FROM x\nPARAMETER penalize_newline true\n", 2, "removed"),
        ("FROM x\nPARAMETER Num_Ctx 1\n", 2, "case-sensitive"),
        ("FROM x\nPARAMETER\n", 2, "needs a name"),
        ("FROM x\nPARAMETER num_ctx\n", 2, "needs a value"),
        ('FROM x\n# c\nSYSTEM """never closed\nmore\n', 3, 'unterminated """ quote'),
        ('FROM x\nSYSTEM "open\n', 2, 'unterminated " quote'),
        ('FROM x\nSYSTEM "a" trailing\n', 2, "after the closing quote"),
        ("FROM x\nMESSAGE robot hi\n", 2, "role 'robot'"),
        ("FROM x\nMESSAGE User hi\n", 2, "lowercase"),
        ("FROM x\nINSTRUCT y\n", 2, "unknown instruction 'INSTRUCT'"),
        ("FROM x\nRENDERER qwen\n", 2, "not supported"),
        ("FROM\n", 1, "FROM needs a value"),
    ],
)
def test_errors_name_the_line(text, line, fragment):
    error = parse_error(text)
    assert fragment in str(error)
    assert error.line == line
    if line:
        assert str(error).startswith("line %d: " % line)


@pytest.mark.parametrize(
    "name, value, typed",
    [
        ("num_ctx", "4096", 4096),
        ("num_ctx", 4096, 4096),
        ("num_ctx", 4096.0, 4096),
        ("seed", "-1", -1),
        ("temperature", "0.2", 0.2),
        ("temperature", 1, 1.0),
        ("top_p", "1", 1.0),
        ("use_mmap", "true", True),
        ("use_mmap", "F", False),
        ("use_mmap", True, True),
        ("stop", "x", ["x"]),
        ("stop", ["a", "b"], ["a", "b"]),
    ],
)
def test_parameter_typing(name, value, typed):
    result = coerce_parameter(name, value)
    assert result == typed and type(result) is type(typed)


@pytest.mark.parametrize(
    "name, value",
    [
        ("num_ctx", True),
        ("num_ctx", 1.5),
        ("num_ctx", [1]),
        ("temperature", False),
        ("use_mmap", 1),
        ("stop", 5),
        ("stop", ["a", 1]),
        ("temperature", "nan"),
    ],
)
def test_parameter_type_errors(name, value):
    with pytest.raises(ValueError) as info:
        coerce_parameter(name, value)
    assert name in str(info.value)


def test_coerce_parameters_dict():
    assert coerce_parameters({"num_ctx": "2048", "stop": ["<x>"]}) == {"num_ctx": 2048, "stop": ["<x>"]}
    assert coerce_parameters(None) == {}
    with pytest.raises(ValueError):
        coerce_parameters(["num_ctx"])
    with pytest.raises(ValueError, match="expected a list of strings"):
        coerce_parameters({"stop": "<x>"})
    with pytest.raises(ValueError, match="finite"):
        coerce_parameters({"temperature": float("nan")})


def test_render_round_trip():
    spec = parse_modelfile(
        'FROM base\nTEMPLATE """{{ if .System }}"{{ .System }}"{{ end }}"""\n'
        'SYSTEM " padded "\nPARAMETER stop a\nPARAMETER stop "b c"\nPARAMETER num_ctx 8\n'
        'PARAMETER temperature 0.7\nPARAMETER use_mmap true\nLICENSE "line\nbreak"\n'
        'MESSAGE user "multi\nline"\nADAPTER /a.gguf\n'
    )
    text = render_modelfile(spec)
    assert parse_modelfile(text) == spec
    assert "PARAMETER num_ctx 8\n" in text and "PARAMETER use_mmap true\n" in text


def test_render_is_stable_and_sorted():
    spec = {"from": "x", "parameters": {"top_k": 1, "num_ctx": 2}}
    assert render_modelfile(spec, header=["h"]) == "# h\nFROM x\nPARAMETER num_ctx 2\nPARAMETER top_k 1\n"


@pytest.mark.parametrize(
    "value, quoted",
    [
        ("plain", "plain"),
        ("two\nlines", '"two\nlines"'),
        (" lead", '" lead"'),
        ('say "hi"\n', '"""say "hi"\n"""'),
        ("", '""'),
    ],
)
def test_quote(value, quoted):
    assert quote(value) == quoted


def test_show_parameters_from_recorded_show_derived(recorded):
    show = recorded.json("show_derived.json")
    assert parse_show_parameters(show["parameters"]) == {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2}


def test_show_parameters_repeated_keys_random_order_and_types():
    table = "\n".join(
        [
            'stop                           "b"',
            "temperature                    1",
            "use_mmap                       false",
            'stop                           "c\\td"',
            "num_ctx                        2048",
            "top_p                          0.9",
            'stop                           "\\u003c|x|\\u003e"',
        ]
    )
    typed = parse_show_parameters(table)
    assert typed == {
        "stop": ["b", "c\td", "<|x|>"],
        "temperature": 1.0,
        "use_mmap": False,
        "num_ctx": 2048,
        "top_p": 0.9,
    }
    assert isinstance(typed["temperature"], float)
    assert parse_show_parameters(None) == {}


def test_go_unquote_escapes():
    assert go_unquote('"a\\nb\\"c\\\\"') == 'a\nb"c\\'
    assert go_unquote('"\\a\\v\\x41\\U0001F600"') == "\a\vA\U0001f600"
    assert go_unquote('"\\xc3\\xa9"') == "\u00e9"
    with pytest.raises(ValueError):
        go_unquote("bare")


def test_parameters_equal_semantics():
    assert parameters_equal(1, 1.0)
    assert parameters_equal(0.2, 0.2000000029802322)  # float32 round trip
    assert not parameters_equal(0.2, 0.3)
    assert not parameters_equal(True, 1)
    assert parameters_equal(["a", "b"], ["a", "b"]) and not parameters_equal(["a"], ["a", "b"])
    assert not parameters_equal(["b", "a"], ["a", "b"])


# The injection of issue 14: a system prompt that closes its """ and goes on with instructions of its own.
INJECTED_SYSTEM = 'Be brief."""\nFROM other\nPARAMETER num_ctx 1\nSYSTEM """ok'


def test_a_second_from_is_refused_naming_both():
    error = parse_error("FROM qwen2.5-coder:7b\nPARAMETER num_ctx 16384\n\nFROM other\n")
    assert error.line == 4
    assert "a second FROM (other) after FROM qwen2.5-coder:7b on line 1" in str(error)


def test_the_injected_system_prompt_cannot_change_the_base():
    text = 'FROM qwen2.5-coder:7b\nPARAMETER num_ctx 16384\nSYSTEM """%s"""\n' % INJECTED_SYSTEM
    error = parse_error(text)
    assert "a second FROM (other)" in str(error)
    assert error.line == 4


@pytest.mark.parametrize(
    "spec,keyword",
    [
        ({"from": "x", "system": INJECTED_SYSTEM}, "SYSTEM"),
        ({"from": "x", "template": 'a """ b'}, "TEMPLATE"),
        ({"from": "x", "license": ['MIT\n"""\nFROM y']}, "LICENSE"),
        ({"from": "x", "messages": [{"role": "user", "content": 'hi """'}]}, "MESSAGE"),
    ],
)
def test_strict_render_refuses_triple_quotes(spec, keyword):
    with pytest.raises(ModelfileError) as info:
        render_modelfile(spec, strict=True)
    assert str(info.value).startswith('%s contains """, which ends a quoted Modelfile value early' % keyword)
    assert render_modelfile(spec)  # --diff output is never parsed: rendered as is


def test_modelfile_variable_errors():
    assert (
        modelfile_variable_errors(
            {
                "from": "qwen2.5-coder:7b",
                "system": 'Say "hi".',
                "stop": ["<|im_end|>", "\n\n"],
                "temperature": 0.3,
                "top_p": "0.9",
                "num_ctx": 4096,
            }
        )
        == []
    )
    errors = modelfile_variable_errors(
        {
            "from": "x\nFROM y",
            "system": INJECTED_SYSTEM,
            "template": '"""',
            "license": ["a", 'b"""'],
            "messages": [{"role": "user", "content": '"""'}],
            "stop": ['a"\nFROM z\nPARAMETER stop "b'],
            "temperature": "0.3\nPARAMETER num_ctx 1",
            "repeat_penalty": True,
            "name": 'irrelevant """',
        }
    )
    assert [error.split(" ", 1)[0] for error in errors] == [
        "SYSTEM",
        "TEMPLATE",
        "LICENSE",
        "MESSAGE",
        "stop",
        "from",
        "repeat_penalty",
        "temperature",
    ]


@pytest.mark.parametrize(
    "values, words",
    [
        ({"num_ctx": 10**20}, "parameter 'num_ctx': expected an integer in 1..2147483647"),
        ({"num_ctx": -5}, "parameter 'num_ctx': expected an integer in 1..2147483647, got -5"),
        ({"num_ctx": 2.5}, "parameter 'num_ctx': expected an integer, got 2.5"),
        ({"top_k": "1e3"}, "parameter 'top_k': expected an integer, got '1e3'"),
    ],
)
def test_a_number_the_parameter_does_not_take(values, words):
    """Refused before the role pulls the base model, not by the create after it."""
    (error,) = modelfile_variable_errors(values)
    assert error.startswith(words), error
