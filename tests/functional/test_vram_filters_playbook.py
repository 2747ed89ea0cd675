# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The VRAM filters by their collection names in a real ansible-playbook run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collection_env import run_playbook, task_results

PLAYBOOK = """
- name: VRAM planning filters
  hosts: localhost
  gather_facts: false
  vars:
    mib: 1048576
    show_7b:
      model_info:
        general.architecture: qwen2
        qwen2.block_count: 28
        qwen2.context_length: 32768
        qwen2.embedding_length: 3584
        qwen2.attention.head_count: 28
        qwen2.attention.head_count_kv: 4
        tokenizer.ggml.tokens: null
      tensors:
        - {name: token_embd.weight, type: Q4_K, shape: [3584, 152064]}
    arch_14b: {block_count: 48, head_count: 40, head_count_kv: 8, embedding_length: 5120, context_length: 32768,
               vocab_size: 152064}
    desktop_free: "{{ 10958 * mib }}"
  tasks:
    - name: Plan
      ansible.builtin.set_fact:
        arch_7b: "{{ show_7b | local_llm.ollama.model_architecture }}"
        kv_7b_4k: "{{ show_7b | local_llm.ollama.kv_cache_bytes(4096) }}"
        kv_7b_q8_16k: "{{ show_7b | local_llm.ollama.kv_cache_bytes(16384, cache_type='q8_0') }}"
        kv_14b_4k: "{{ arch_14b | local_llm.ollama.kv_cache_bytes(4096) }}"
        plan_7b_32k: "{{ show_7b | local_llm.ollama.vram_estimate(32768, 4370558812) }}"
        fit_7b: "{{ show_7b | local_llm.ollama.max_context_fit(desktop_free | int, 4370558812) }}"
        fit_14b: "{{ arch_14b | local_llm.ollama.max_context_fit(desktop_free | int, 8150 * mib) }}"
        fit_14b_q8: "{{ arch_14b | local_llm.ollama.max_context_fit(desktop_free | int, 8150 * mib, cache_type='q8_0') }}"

    - name: Bad cache type
      ansible.builtin.debug:
        msg: "{{ show_7b | local_llm.ollama.kv_cache_bytes(4096, cache_type='q5_1') }}"
      ignore_errors: true
"""


def test_filters_in_a_playbook(tmp_path):
    rc, output = run_playbook(tmp_path, PLAYBOOK)
    results = task_results(output)
    assert rc == 0, results
    facts = results["Plan"]["ansible_facts"]
    assert facts["arch_7b"]["vocab_size"] == 152064
    assert facts["kv_7b_4k"] == 224 * 1048576
    assert facts["kv_7b_q8_16k"] == 476 * 1048576
    assert facts["kv_14b_4k"] == 768 * 1048576
    assert facts["plan_7b_32k"]["total_gib"] == 6.49
    assert (facts["fit_7b"], facts["fit_14b"], facts["fit_14b_q8"]) == (32768, 8192, 16384)
    bad = results["Bad cache type"]
    assert bad["failed"] is True
    assert "local_llm.ollama.kv_cache_bytes: cache_type must be one of f16, f32, q4_0, q8_0, got 'q5_1'" in bad["msg"]
