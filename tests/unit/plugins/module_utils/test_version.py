# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils/_version.py: the one reading and comparison of dotted versions (Ollama's and the driver's)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils import _version


@pytest.mark.parametrize(
    "text, parsed",
    [
        ("0.32.15", (0, 32, 15)),
        ("v0.5.5", (0, 5, 5)),
        ("0.6.0-rc1", (0, 6, 0)),
        (" 1.2", (1, 2)),
        ("591.74", (591, 74)),
        ("", None),
        ("dev", None),
        (None, None),
    ],
)
def test_lenient_reading(text, parsed):
    assert _version.parse_lenient(text) == parsed


@pytest.mark.parametrize("text", ["", "v1.2", "1.2-rc1", "1..2", "abc", "-1"])
def test_strict_reading_refuses_anything_but_numbers_and_dots(text):
    with pytest.raises(ValueError, match="is not a version made of numbers and dots"):
        _version.parse_strict(text)


@pytest.mark.parametrize(
    "found, required, ok",
    [
        ((545,), (591, 74), False),
        ((591, 74), (591, 74), True),
        ((1, 2), (1, 2, 0), True),
        ((1, 2, 1), (1, 2), True),
        ((0, 32, 15), (0, 5, 5), True),
        ((0, 5, 4), (0, 5, 5), False),
        ((10,), (9, 99, 99), True),
    ],
)
def test_at_least_pads_missing_parts_with_zero(found, required, ok):
    assert _version.at_least(found, required) is ok
