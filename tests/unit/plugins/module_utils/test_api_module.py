# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The duration options every API module shares: out of range is an error naming the option, its range and what it
governs, before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils._api_module import SECONDS_OPTIONS, seconds_problems


@pytest.mark.parametrize(
    "option, value",
    [
        ("timeout", -1),
        ("timeout", 0),
        ("timeout", 10**9),
        ("pull_timeout", 0),
        ("pull_timeout", -5),
        ("wait_for_server", -1),
        ("wait_for_server", 10**9),
        ("task_timeout", 0),
        ("go_build_timeout", 0),
    ],
)
def test_out_of_range_names_the_option_its_range_and_its_meaning(option, value):
    (problem,) = seconds_problems({option: value})
    smallest, largest, meaning = SECONDS_OPTIONS[option]
    assert problem == "%s=%s is not a number of seconds in %d-%d (%s)" % (option, value, smallest, largest, meaning)


def test_a_pull_timeout_message_speaks_of_pulls():
    (problem,) = seconds_problems({"pull_timeout": 0})
    assert "pull" in problem and problem.startswith("pull_timeout=0 ")


@pytest.mark.parametrize(
    "params",
    [
        {"timeout": 30, "wait_for_server": 0, "pull_timeout": 1800},
        {"timeout": 1, "wait_for_server": 86400},
        {"timeout": None},
        {"task_timeout": 10, "go_build_timeout": 120},
        {},
    ],
)
def test_defaults_and_edges_pass(params):
    assert seconds_problems(params) == []
