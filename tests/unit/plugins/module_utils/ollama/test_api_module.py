# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The duration options every API module shares: out of range is an error naming the option, its range and what it
governs, before any request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import (
    SECONDS_OPTIONS,
    hide_credentials,
    seconds_problem,
    seconds_problems,
)


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


def test_another_meaning_where_an_option_of_that_name_governs_something_else():
    (problem,) = seconds_problems({"timeout": 0}, {"timeout": "how long each nvidia-smi call may take"})
    assert problem == "timeout=0 is not a number of seconds in 1-86400 (how long each nvidia-smi call may take)"


@pytest.mark.parametrize("value", [0, -1, "0", 10**9, "soon", 1.5, True, [1]])
def test_a_role_variable_named_by_the_range_it_stands_for(value):
    problem = seconds_problem("custom_model_pull_timeout", value, like="pull_timeout")
    assert problem.startswith("custom_model_pull_timeout=%s is not a number of seconds in 1-604800 (" % (value,))


@pytest.mark.parametrize("value", [1, "1800", 1800.0, 604800, None])
def test_a_role_variable_in_range_passes(value):
    assert seconds_problem("custom_model_pull_timeout", value, like="pull_timeout") is None


class FakeModule:
    def __init__(self, host):
        self.params = {"host": host}
        self.no_log_values = set()


@pytest.mark.parametrize(
    "host, hidden",
    [("http://u:p@h:1", {"u:p"}), ("user:s3cr3t@box:11434", {"user:s3cr3t"}), ("box:1", set()), (None, set())],
)
def test_credentials_of_the_host_are_hidden_from_every_output(monkeypatch, host, hidden):
    monkeypatch.delenv("OLLAMA_HOST", raising=False)
    module = FakeModule(host)
    hide_credentials(module)
    assert module.no_log_values == hidden


def test_credentials_in_ollama_host_are_hidden_too(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "https://tok3n@example.com/x")
    module = FakeModule(None)
    hide_credentials(module)
    assert module.no_log_values == {"tok3n"}
