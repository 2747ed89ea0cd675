# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VRAM filters as Jinja sees them: looked up through FilterModule and rendered by a real Jinja2 environment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import jinja2
import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.vram import FilterModule

MIB = 1024 * 1024
SHOW_7B = {
    "model_info": {
        "general.architecture": "qwen2",
        "qwen2.block_count": 28,
        "qwen2.context_length": 32768,
        "qwen2.embedding_length": 3584,
        "qwen2.attention.head_count": 28,
        "qwen2.attention.head_count_kv": 4,
        "tokenizer.ggml.tokens": None,
    },
    "tensors": [{"name": "token_embd.weight", "type": "Q4_K", "shape": [3584, 152064]}],
}
SHOW_14B = {
    "model_info": {
        "general.architecture": "qwen2",
        "qwen2.block_count": 48,
        "qwen2.context_length": 32768,
        "qwen2.embedding_length": 5120,
        "qwen2.attention.head_count": 40,
        "qwen2.attention.head_count_kv": 8,
    },
    "tensors": [{"name": "output.weight", "type": "Q6_K", "shape": [5120, 152064]}],
}


@pytest.fixture(scope="module")
def render():
    environment = jinja2.Environment()
    environment.filters.update(FilterModule().filters())

    def render(expression, **variables):
        return environment.from_string("{{ %s }}" % expression).render(**variables)

    return render


def test_filter_names():
    assert sorted(FilterModule().filters()) == [
        "kv_cache_bytes",
        "max_context_fit",
        "model_architecture",
        "vram_estimate",
    ]


def test_model_architecture_from_a_show_response(render):
    arch = FilterModule().filters()["model_architecture"](SHOW_7B)
    assert arch["vocab_size"] == 152064 and arch["head_count_kv"] == 4 and arch["architecture"] == "qwen2"
    assert (
        render("show.model_info | model_architecture(show.tensors) == show | model_architecture", show=SHOW_7B)
        == "True"
    )


def test_kv_cache_bytes(render):
    assert render("show | kv_cache_bytes(4096)", show=SHOW_7B) == str(224 * MIB)
    assert render('show | kv_cache_bytes(16384, cache_type="q8_0")', show=SHOW_7B) == str(476 * MIB)
    assert render("show | kv_cache_bytes(4096)", show=SHOW_14B) == str(768 * MIB)


def test_vram_estimate(render):
    weights = int(4168.09 * MIB)
    assert render("(show | vram_estimate(32768, w)).total_gib", show=SHOW_7B, w=weights) == "6.49"
    assert (
        render("(show | vram_estimate(32768, w, flash_attention=false)).total_gib", show=SHOW_7B, w=weights) == "7.93"
    )


def test_max_context_fit(render):
    free = 10958 * MIB
    assert render("show | max_context_fit(free, w)", show=SHOW_7B, free=free, w=int(4168.09 * MIB)) == "32768"
    assert render("show | max_context_fit(free, w)", show=SHOW_14B, free=free, w=8150 * MIB) == "8192"
    assert (
        render('show | max_context_fit(free, w, cache_type="q8_0")', show=SHOW_14B, free=free, w=8150 * MIB) == "16384"
    )


@pytest.mark.parametrize(
    "expression, message",
    [
        (
            'show | kv_cache_bytes(4096, cache_type="q5_1")',
            "local_llm.ollama.kv_cache_bytes: cache_type must be one of",
        ),
        ('{"block_count": 28} | kv_cache_bytes(4096)', "no 'head_count_kv'"),
        ("show | vram_estimate(4096, 0)", "local_llm.ollama.vram_estimate: weights_bytes must be"),
        ('"qwen2" | model_architecture', "local_llm.ollama.model_architecture: model_info must be"),
        ("show | max_context_fit(-1, 1)", "free_vram_bytes must be"),
    ],
)
def test_bad_input_is_a_filter_error(render, expression, message):
    with pytest.raises(AnsibleFilterError, match=message):
        render(expression, show=SHOW_7B)
