# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""module_utils/ollama/_version.py: the one reading and comparison of dotted versions (Ollama's and the driver's)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama import _version


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


@pytest.mark.parametrize(
    "version, minimum, expected",
    [
        ("0.32.15", "0.5.5", True),
        ("0.5.5", "0.5.5", True),
        ("0.5.4", "0.5.5", False),
        ("0.5.5-rc1", "0.5.5", True),
        ("0.0.0", "0.5.5", True),
        ("0.10.0", "0.9.9", True),
        ("garbage", "0.5.5", True),
    ],
)
def test_server_versions_count_a_dev_build_as_newest(version, minimum, expected):
    assert _version.server_at_least(version, minimum) is expected


def test_server_version_has_at_least_three_parts():
    assert _version.server_version("v0.32.15") == (0, 32, 15)
    assert _version.server_version("1.2") == (1, 2, 0)
    assert _version.server_version("") is None


@pytest.mark.parametrize(
    "found, required, ok",
    [
        ("591.74", "545", True),
        ("545", "591.74", False),
        ("550.54.14", "550.54.14", True),
        ("550.54", "550.54.15", False),
        ("570.133.20", "570.124", True),
        ("591.74", "591.74.0", True),
    ],
)
def test_driver_versions_compare_numbers_part_by_part(found, required, ok):
    assert _version.driver_at_least(found, required) is ok


@pytest.mark.parametrize("text", ["abc", "", "5.", "550-beta", "1..2"])
def test_driver_versions_must_be_numbers_and_dots(text):
    with pytest.raises(ValueError):
        _version.driver_at_least(text, "550")
