# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""bad_values: the generator of the generated bad-input tests gives, for every kind, values of each family the
issue lists, the same ones for the same seed, and only values the kind refuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

import pytest
from bad_values import bad_values

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import KIND_NAMES, problem

DECLARATIONS = [
    {"kind": "number", "min": 0, "max": 100, "integer": True},
    {"kind": "text", "nonempty": True, "single_line": True},
    {"kind": "text_list"},
    {"kind": "absolute_path", "not_suffix": ".gguf", "hint": "this is a GGUF file: use gguf_path"},
    {"kind": "url", "schemes": ["https"]},
    {"kind": "endpoint"},
    {"kind": "model_name"},
    {"kind": "version"},
    {"kind": "flag"},
    {"kind": "choice", "choices": ["present", "absent"]},
    {"kind": "duration"},
    {"kind": "duration", "reads": "env", "allow_negative": False},
    {
        "kind": "records",
        "fields": {"role": {"kind": "choice", "choices": ["user", "system"]}, "content": {"kind": "text"}},
    },
    {"kind": "mapping", "values": {"kind": "text"}},
    {"kind": "model_parameters"},
    {"kind": "any_of", "of": [{"kind": "url", "schemes": ["https", "file"]}, {"kind": "absolute_path"}]},
]


def test_every_kind_but_free_has_a_generator_case():
    assert set(d["kind"] for d in DECLARATIONS) == KIND_NAMES - {"free"}


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d["kind"])
def test_values_are_refused_and_repeatable(declaration):
    values = bad_values(declaration, seed=7)
    assert len(values) >= 5
    assert repr(values) == repr(bad_values(declaration, seed=7))
    for label, value in values:
        assert problem(declaration, "option", value) is not None, label


def _has(values, test):
    return any(test(value) for label, value in values if label)


def test_the_families_of_the_issue_are_generated():
    number = bad_values(DECLARATIONS[0])
    assert _has(number, lambda v: isinstance(v, float) and math.isnan(v))
    assert _has(number, lambda v: isinstance(v, float) and math.isinf(v))
    assert _has(number, lambda v: v == "\uff11\uff12")
    assert _has(number, lambda v: v == "\u0663")
    assert _has(number, lambda v: isinstance(v, int) and not isinstance(v, bool) and v < 0)
    assert _has(number, lambda v: isinstance(v, int) and not isinstance(v, bool) and v > 10**9)
    assert _has(bad_values(DECLARATIONS[1]), lambda v: isinstance(v, list))
    assert _has(bad_values(DECLARATIONS[1]), lambda v: v == "")
    assert _has(bad_values(DECLARATIONS[1]), lambda v: isinstance(v, str) and "\n" in v)
    assert _has(bad_values(DECLARATIONS[2]), lambda v: isinstance(v, str))
    assert _has(bad_values(DECLARATIONS[3]), lambda v: isinstance(v, str) and v and not v.startswith("/"))
    url = bad_values(DECLARATIONS[4])
    assert _has(url, lambda v: isinstance(v, str) and v.startswith("ftp://"))
    assert _has(url, lambda v: isinstance(v, str) and v.startswith("https:/e"))
    assert _has(bad_values(DECLARATIONS[6]), lambda v: v == "name\n/x")
    assert _has(bad_values(DECLARATIONS[7]), lambda v: v == "v0.32.15")
