# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""VRAM planning filters over plugins/module_utils/gpu/_vram.py; documented in kv_cache_bytes.yml, vram_estimate.yml,
max_context_fit.yml and model_architecture.yml next to this file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _vram


def _planner_call(filter_name, function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except _vram.VramInputError as exc:
        raise AnsibleFilterError("local_llm.ollama.%s: %s" % (filter_name, exc))


def model_architecture(show, tensors=None):
    """Architecture values from an /api/show response (or its model_info map)."""
    if isinstance(show, dict) and isinstance(show.get("model_info"), dict):
        show, tensors = show["model_info"], tensors if tensors is not None else show.get("tensors")
    return _planner_call("model_architecture", _vram.architecture_from_model_info, show, tensors)


def kv_cache_bytes(arch, context_length, parallel=1, cache_type="f16"):
    return _planner_call("kv_cache_bytes", _vram.kv_cache_bytes, arch, context_length, parallel, cache_type)


def vram_estimate(
    arch,
    context_length,
    weights_bytes,
    parallel=1,
    cache_type="f16",
    flash_attention=True,
    ubatch=_vram.DEFAULT_UBATCH,
    overhead_bytes=_vram.DEFAULT_OVERHEAD_BYTES,
):
    return _planner_call(
        "vram_estimate",
        _vram.vram_estimate,
        arch,
        context_length,
        weights_bytes,
        parallel=parallel,
        cache_type=cache_type,
        flash_attention=flash_attention,
        ubatch=ubatch,
        overhead_bytes=overhead_bytes,
    )


def max_context_fit(
    arch,
    free_vram_bytes,
    weights_bytes,
    margin_bytes=_vram.OLLAMA_MINIMUM_MEMORY_BYTES,
    max_context=None,
    step=_vram.CONTEXT_STEP,
    parallel=1,
    cache_type="f16",
    flash_attention=True,
    ubatch=_vram.DEFAULT_UBATCH,
    overhead_bytes=_vram.DEFAULT_OVERHEAD_BYTES,
):
    return _planner_call(
        "max_context_fit",
        _vram.max_context_fit,
        arch,
        free_vram_bytes,
        weights_bytes,
        margin_bytes=margin_bytes,
        max_context=max_context,
        step=step,
        parallel=parallel,
        cache_type=cache_type,
        flash_attention=flash_attention,
        ubatch=ubatch,
        overhead_bytes=overhead_bytes,
    )


class FilterModule(object):
    def filters(self):
        return {
            "model_architecture": model_architecture,
            "kv_cache_bytes": kv_cache_bytes,
            "vram_estimate": vram_estimate,
            "max_context_fit": max_context_fit,
        }
