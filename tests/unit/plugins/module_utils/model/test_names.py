# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model/_names: model name parts, the shortest form, and the errors for invalid names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import (
    InvalidModelName,
    find_model,
    normalize_name,
    parse_name,
)


@pytest.mark.parametrize(
    "given, shortest",
    [
        ("llama3.2", "llama3.2:latest"),
        ("llama3.2:3b", "llama3.2:3b"),
        ("library/llama3.2:3b", "llama3.2:3b"),
        ("registry.ollama.ai/library/llama3.2", "llama3.2:latest"),
        ("myuser/mymodel", "myuser/mymodel:latest"),
        ("registry.ollama.ai/myuser/mymodel:v1", "myuser/mymodel:v1"),
        ("localhost:5000/team/model:q4", "localhost:5000/team/model:q4"),
        ("localhost:5000/team/model", "localhost:5000/team/model:latest"),
        ("hf.co/bartowski/Qwen-GGUF:Q4_K_M", "hf.co/bartowski/Qwen-GGUF:Q4_K_M"),
        ("  tiny-gemma  ", "tiny-gemma:latest"),
    ],
)
def test_shortest_form(given, shortest):
    assert normalize_name(given) == shortest


def test_parts_and_defaults():
    name = parse_name("llama3")
    assert (name.host, name.namespace, name.model, name.tag) == ("registry.ollama.ai", "library", "llama3", "latest")


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("", "non-empty"),
        ("a/b/c/d", "too many"),
        ("model:", "tag"),
        ("-model", "model part"),
        ("model:ta g", "tag"),
        ("name with space", "model part"),
        ("ns!/model", "namespace"),
        ("model@sha256:abc", "digests"),
    ],
)
def test_invalid_names_explain_the_rule(bad, fragment):
    with pytest.raises(InvalidModelName) as info:
        parse_name(bad)
    assert fragment in str(info.value)
    assert "[host/][namespace/]model[:tag]" in str(info.value)


@pytest.mark.parametrize(
    "bad, words",
    [
        ("x" * 81, "has a model part of 81 characters; at most 80 are allowed"),
        ("x" * 5000, "has a model part of 5000 characters; at most 80 are allowed"),
        ("m:" + "t" * 81, "has a tag part of 81 characters; at most 80 are allowed"),
        ("n" * 81 + "/m", "has a namespace part of 81 characters"),
    ],
)
def test_too_long_parts_say_how_long_without_repeating_it_all(bad, words):
    with pytest.raises(InvalidModelName) as info:
        parse_name(bad)
    assert words in str(info.value)
    assert len(str(info.value)) < 200


def test_matching_is_case_insensitive():
    assert parse_name("Tiny-Gemma").matches("tiny-gemma:latest")
    assert not parse_name("tiny-gemma:v2").matches("tiny-gemma")


def test_find_model_in_tags_list():
    models = [{"name": "tiny-gemma-derived:latest"}, {"name": "Tiny-Gemma:latest"}, {"name": "bad name"}]
    assert find_model(models, "tiny-gemma") == {"name": "Tiny-Gemma:latest"}
    assert find_model(models, "tiny-gemma:other") is None
    assert find_model([], "x") is None
