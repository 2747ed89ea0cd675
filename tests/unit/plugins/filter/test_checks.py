# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The module input rules as the roles apply them to their own variables (plugins/filter/checks.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.checks import (
    benchmark_settings_errors,
    model_name_errors,
    seconds_errors,
)


def test_seconds_errors_name_the_variable_and_the_range_of_the_option():
    assert seconds_errors(0, "custom_model_pull_timeout", "pull_timeout") == [
        "custom_model_pull_timeout=0 is not a number of seconds in 1-604800 (how long to wait for the next progress "
        "line of a pull or create, or a blob upload)"
    ]
    assert seconds_errors(-1, "custom_model_wait_for_server", "wait_for_server")[0].startswith(
        "custom_model_wait_for_server=-1 is not a number of seconds in 0-86400"
    )
    assert seconds_errors("180", "ollama_docker_wait_timeout", "wait_timeout") == []


def test_seconds_errors_knows_its_ranges():
    with pytest.raises(AnsibleFilterError, match="like='wait'"):
        seconds_errors(1, "x", "wait")


def test_model_name_errors():
    assert model_name_errors(["my-coder", "qwen2.5-coder:7b"], "custom_model_models name") == []
    (error,) = model_name_errors(iter(["my-coder", "My Coder"]), "custom_model_models name")
    assert error.startswith("custom_model_models name: model name 'My Coder' has an invalid model part")
    assert model_name_errors("a:b:c", "from")[0].startswith("from: model name 'a:b:c'")


def test_benchmark_settings_errors():
    assert benchmark_settings_errors({"runs": 0, "num_predict": 64}) == ["runs must be at least 1, got 0"]
    assert benchmark_settings_errors({"runs": 2, "num_predict": 64}) == []
    with pytest.raises(AnsibleFilterError):
        benchmark_settings_errors(["runs", 0])
