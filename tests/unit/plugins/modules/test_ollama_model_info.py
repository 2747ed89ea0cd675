# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama_model_info: the GPU share, model selection and the show summary from recorded answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


import pytest

from ansible_collections.local_llm.ollama.plugins.modules.ollama_model_info import (
    architecture_of,
    describe_running,
    gpu_percent,
    select_models,
    show_summary,
)


@pytest.mark.parametrize(
    "size, size_vram, percent",
    [
        (100, 100, 100.0),
        (287246908, 0, 0.0),
        (3, 1, 33.3),
        (3, 2, 66.7),
        (1000, 625, 62.5),
        (0, 0, None),
        (None, 5, None),
    ],
)
def test_gpu_percent(size, size_vram, percent):
    assert gpu_percent(size, size_vram) == percent


def test_recorded_ps_is_all_cpu(recorded):
    running = describe_running(recorded.json("ps.json")["models"][0])
    assert running["gpu_percent"] == 0.0 and running["name"] == "tiny-gemma:latest"


def test_select_models_case_insensitive_and_missing(recorded):
    models = recorded.json("tags.json")["models"]
    selected, missing = select_models(models, ["TINY-GEMMA", "other:7b"])
    assert [m["name"] for m in selected] == ["tiny-gemma:latest"] and missing == ["other:7b"]
    assert select_models(models, None) == (models, [])


def test_show_summary_and_architecture_of_recorded_show(recorded):
    show = recorded.json("show.json")
    assert show_summary(show)["parameters"] == {} and show_summary(show)["system"] is None
    arch = architecture_of(show)
    assert (arch["block_count"], arch["head_count_kv"], arch["key_length"]) == (18, 1, 256)
    assert architecture_of({"model_info": {}}) is None
