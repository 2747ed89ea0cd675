# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generated bad values for a kind declaration (plugins/module_utils/kinds/_kinds.py).

``bad_values(declaration, seed=...)`` gives (label, value) pairs that the declaration must refuse: the generic ones
every kind gets (wrong type, list vs string), then the ones of its kind (NaN, infinity, out of range, non-ASCII
digits, newline, relative path, wrong scheme, one-slash URL...). A fixed seed picks the random parts (the numbers
just outside a range, the junk characters), so a run is repeatable; each value is kept only when the library
itself refuses it, which the unit tests check separately for the fixed ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import accepts, check_declaration, problem

DEFAULT_SEED = 28
FULL_WIDTH_12 = "\uff11\uff12"
ARABIC_INDIC_3 = "\u0663"
HUGE_TEXT_LENGTH = 100000


def _generic(rng):
    return [
        ("a mapping", {"key": "value"}),
        ("a list of numbers", [1, 2]),
        ("a nested list", [["a"]]),
    ]


def _numbers(declaration, rng):
    low, high = declaration.get("min"), declaration.get("max")
    values = [
        ("NaN", float("nan")),
        ("infinity", float("inf")),
        ("minus infinity", float("-inf")),
        ("the string nan", "nan"),
        ("the string inf", "inf"),
        ("full-width digits", FULL_WIDTH_12),
        ("an Arabic-Indic digit", ARABIC_INDIC_3),
        ("a unit suffix", "12GB"),
        ("empty", ""),
        ("a boolean", True),
        ("a list", [1]),
        ("a newline inside", "1\n2"),
    ]
    if low is not None:
        values.append(("below the minimum", low - rng.randint(1, 1000)))
        values.append(("far below the minimum", low - 10**12))
    if high is not None:
        values.append(("above the maximum", high + rng.randint(1, 1000)))
        values.append(("huge", high * 1000 + 10**12))
    if declaration.get("integer"):
        values.append(("a fraction", (low if low is not None else 0) + 0.5))
    return values


def _text(declaration, rng):
    values = [
        ("a list of strings", ["a", "b"]),
        ("a number", rng.randint(2, 10**6)),
        ("a boolean", False),
    ]
    if declaration.get("nonempty"):
        values += [("empty", ""), ("only spaces", "   ")]
    if declaration.get("single_line"):
        values.append(("a newline inside", "first\nsecond"))
    if declaration.get("max_length") is not None:
        values.append(("too long", "x" * (declaration["max_length"] + 1)))
    return values


def _text_list(declaration, rng):
    values = [
        ("a bare string", "a,b"),
        ("a number", rng.randint(2, 10**6)),
        ("a list holding a mapping", [{"a": 1}]),
        ("a list holding a number", [rng.randint(2, 10**6)]),
    ]
    if declaration.get("nonempty"):
        values.append(("empty", []))
    return values


def _absolute_path(declaration, rng):
    values = [
        ("a relative path", "relative/file"),
        ("a space inside", "/tmp/two words"),
        ("a newline inside", "/tmp/a\nb"),
        ("empty", ""),
        ("a list", ["/tmp/a"]),
        ("a number", rng.randint(2, 10**6)),
    ]
    if declaration.get("not_suffix"):
        values.append(("a %s file" % declaration["not_suffix"], "/tmp/model%s" % declaration["not_suffix"]))
    return values


def _url(declaration, rng):
    schemes = declaration.get("schemes") or ["https"]
    port = rng.randint(1025, 65535)
    values = [
        ("a wrong scheme", "ftp://example.com/file"),
        ("one slash", "%s:/example.com/file" % schemes[0]),
        ("no scheme", "example.com/file"),
        ("full-width digits in the port", "%s://example.com:%s/x" % (schemes[0], FULL_WIDTH_12)),
        ("an Arabic-Indic digit in the port", "%s://example.com:%s/x" % (schemes[0], ARABIC_INDIC_3)),
        ("a port out of range", "%s://example.com:%d/x" % (schemes[0], port + 65536)),
        ("a newline inside", "%s://example.com/a\nb" % schemes[0]),
        ("empty", ""),
        ("a list", ["%s://example.com/" % schemes[0]]),
    ]
    if "http" not in schemes:
        values.append(("plain http", "http://example.com/file"))
    return values


def _endpoint(declaration, rng):
    return [
        ("a wrong scheme", "ftp://127.0.0.1:11434"),
        ("one slash", "http:/127.0.0.1"),
        ("full-width digits in the port", "127.0.0.1:" + FULL_WIDTH_12),
        ("an Arabic-Indic digit in the port", "127.0.0.1:" + ARABIC_INDIC_3),
        ("a port out of range", "127.0.0.1:%d" % rng.randint(65536, 10**6)),
        ("a newline inside", "127.0.0.1\n:11434"),
        ("a list", ["127.0.0.1:11434"]),
        ("a number", 11434),
    ]


def _model_name(declaration, rng):
    return [
        ("a newline then a path", "name\n/x"),
        ("empty", ""),
        ("a space inside", "two words"),
        ("too many parts", "a/b/c/d"),
        ("a digest", "llama@sha256:abc"),
        ("a list", ["llama3.2"]),
        ("a number", rng.randint(2, 10**6)),
        ("full-width letters", "\uff4c\uff4c\uff41\uff4d\uff41"),
    ]


def _version(declaration, rng):
    return [
        ("a leading v", "v0.32.15"),
        ("latest", "latest"),
        ("two parts", "0.%d" % rng.randint(1, 99)),
        ("full-width digits", "0.%s.1" % FULL_WIDTH_12),
        ("a newline inside", "0.32.15\n"),
        ("a number", 0.32),
        ("a list", ["0.32.15"]),
    ]


def _flag(declaration, rng):
    return [
        ("a word that is no boolean", "maybe"),
        ("a number other than 0 and 1", rng.randint(2, 10**6)),
        ("a list", [True]),
        ("empty", ""),
    ]


def _choice(declaration, rng):
    first = "%s" % (declaration["choices"][0],)
    return [
        ("an unknown choice", "not-a-choice-%d" % rng.randint(0, 999)),
        ("upper case", first.upper() if first.upper() != first else first + "X"),
        ("a newline after a choice", first + "\n"),
        ("a list", [first]),
        ("empty", ""),
    ]


def _duration(declaration, rng):
    values = [
        ("no unit and letters", "5 minutes"),
        ("an unknown unit", "%dd" % rng.randint(1, 30)),
        ("NaN", float("nan")),
        ("infinity", float("inf")),
        ("full-width digits", FULL_WIDTH_12 + "m"),
        ("empty", ""),
        ("a list", ["5m"]),
        ("a boolean", True),
    ]
    if declaration.get("allow_negative", True) is False:
        values.append(("negative", "-1s"))
    if declaration.get("reads") == "env":
        values.append(("a fraction of seconds", "1.5"))
    return values


def _records(declaration, rng):
    fields = declaration["fields"]
    good = dict((name, _a_good_value(field)) for name, field in fields.items())
    values = [
        ("a single mapping, not a list", good),
        ("a string", "role=user"),
        ("a list of strings", ["user"]),
        ("an unknown field", [dict(good, unknown_field="x")]),
    ]
    for name, field in sorted(fields.items()):
        if not field.get("null"):
            values.append(("no %s" % name, [dict((k, v) for k, v in good.items() if k != name)]))
        for label, value in bad_values(field, seed=rng.randint(0, 10**6))[:4]:
            values.append(("%s that is %s" % (name, label), [dict(good, **{name: value})]))
    return values


def _a_good_value(declaration):
    """A value the declaration accepts, for the fields around the bad one in a record."""
    if declaration["kind"] == "choice":
        return declaration["choices"][0]
    return "text"


def _mapping(declaration, rng):
    values = [("a string", "key=value"), ("a list", [["key", "value"]]), ("a number", rng.randint(2, 10**6))]
    if declaration.get("values"):
        for label, value in bad_values(declaration["values"], seed=rng.randint(0, 10**6)):
            values.append(("a value that is %s" % label, {"key": value}))
    return values


def _model_parameters(declaration, rng):
    return [
        ("a string", "temperature=1"),
        ("temperature NaN", {"temperature": float("nan")}),
        ("temperature infinity", {"temperature": "inf"}),
        ("stop a string", {"stop": "<eos>"}),
        ("num_predict a fraction", {"num_predict": 1.5}),
        ("num_ctx negative", {"num_ctx": -rng.randint(1, 1000)}),
        ("an unknown parameter", {"no_such_parameter": 1}),
        ("a list of pairs", [["temperature", 1]]),
        ("full-width digits", {"seed": FULL_WIDTH_12}),
    ]


_BY_KIND = {
    "number": _numbers,
    "text": _text,
    "text_list": _text_list,
    "absolute_path": _absolute_path,
    "url": _url,
    "endpoint": _endpoint,
    "model_name": _model_name,
    "version": _version,
    "flag": _flag,
    "choice": _choice,
    "duration": _duration,
    "mapping": _mapping,
    "model_parameters": _model_parameters,
    "records": _records,
    "any_of": lambda declaration, rng: [
        value for option in declaration["of"] for value in bad_values(option, seed=rng.randint(0, 10**6))
    ],
    "free": lambda declaration, rng: [],
}


def bad_values(declaration, seed=DEFAULT_SEED):
    """(label, value) pairs the declaration refuses, deterministic for a seed; none for kind free."""
    check_declaration(declaration)
    rng = random.Random("%s:%s" % (seed, declaration["kind"]))
    if declaration["kind"] == "free":
        return []
    candidates = _generic(rng) + _BY_KIND[declaration["kind"]](declaration, rng)
    if not declaration.get("null"):
        candidates.append(("null", None))
    chosen, seen = [], set()
    for label, value in candidates:
        key = repr(value)
        if key in seen or problem(declaration, "option", value) is None:
            continue
        seen.add(key)
        chosen.append((label, value))
    return chosen


# What the parsers that own a kind say the value should look like (ollama/_endpoint.py, model/_names.py), where their
# message replaces the kind's words.
PARSER_WORDS = {"endpoint": "HOST[:PORT]", "model_name": "[host/][namespace/]model[:tag]"}


def accepted_words(declaration):
    """Fragments of which a clear message holds at least one: what the kind accepts, what its items or fields
    accept (a message may be about one item), or its own parser's words."""
    words = [accepts(declaration)]
    nested = [declaration.get("items"), declaration.get("values")] + list(declaration.get("of") or [])
    nested += list((declaration.get("fields") or {}).values())
    for inner in nested:
        if inner:
            words += accepted_words(inner)
    if declaration["kind"] in PARSER_WORDS:
        words.append(PARSER_WORDS[declaration["kind"]])
    if declaration["kind"] == "text_list" and not declaration.get("items"):
        words.append(accepts({"kind": "text"}))
    return words
