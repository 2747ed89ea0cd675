# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""VRAM planning for llama.cpp/Ollama models: KV cache size, total GPU memory, largest context that fits.

Private to local_llm.ollama; used by the filter plugins in plugins/filter/vram.py and by modules that read
/api/show. Standard library only. All sizes are bytes unless a name says MiB/GiB (1 MiB = 1,048,576 bytes).
docs/vram-planning.md explains the model and every constant with its source.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.local_llm.ollama.plugins.module_utils.host._server_env import QUANTIZED_KV_TYPES

MIB = 1024 * 1024
GIB = 1024 * MIB

# Bytes per KV cache element: ggml block sizes. q8_0 stores 32 values in 34 bytes (32 int8 + one f16 scale), q4_0
# 32 values in 18 bytes (16 bytes of nibbles + one f16 scale). Ollama's own estimator counts q8_0 as 1 and q4_0 as
# 0.5 byte and so under-counts quantized caches by about 6 % and 12 %.
KV_BYTES_PER_ELEMENT = {
    "f32": 4.0,
    "f16": 2.0,
    "q8_0": 34.0 / 32.0,
    "q4_0": 18.0 / 32.0,
}

# Micro-batch size llama.cpp and Ollama use by default (num_batch 512); the compute buffer scales with it.
DEFAULT_UBATCH = 512

# CUDA context + cuBLAS workspace, not visible as a llama.cpp buffer. 0.3 GiB is the value that makes the measured
# buffers of qwen2.5-coder:7b at 32K on an RTX 3060 (6.19 GiB) add up to the planning total 6.49 GiB in the reference
# model (gpu-vram-benchmark.md 3.4); the real figure is 0.1-0.4 GiB and cannot be separated in logs.
DEFAULT_OVERHEAD_BYTES = int(0.3 * GIB)

# Ollama keeps 457 MiB of every CUDA GPU free (ml/device.go MinimumMemory) and never places model data in it, so
# it is the default safety margin between free VRAM and a plan.
OLLAMA_MINIMUM_MEMORY_BYTES = 457 * MIB

# Compute buffer with flash attention on: the f32 logits buffer (vocab x ubatch x 4 B) plus a part that grows with
# the context. Measured for qwen2.5-coder:7b on an RTX 3060 (ubatch 512): 304.00 / 340 / 382.01 MiB at 4K / 16K /
# 32K context over a 297.0 MiB logits buffer, i.e. growth 7 / 43 / 85 MiB. The line through the 4K and 32K points,
# 7 MiB + (ctx - 4096) x 78 MiB / 28672, is used (16K gives 40.4 MiB against 43 measured) and scaled linearly with
# ubatch / 512, an assumption. Reused for every model, as the reference does.
FA_COMPUTE_GROWTH_AT_4096 = 7 * MIB
FA_COMPUTE_GROWTH_PER_TOKEN = 78.0 * MIB / (32768 - 4096)

# Compute buffer with flash attention off: the materialised f32 attention score matrix kq (4 B x ctx x ubatch x
# n_head) or the logits buffer, whichever is larger, plus about 60 MiB of other tensors (reference 3.4).
FA_OFF_COMPUTE_EXTRA_BYTES = 60 * MIB

# llama.cpp pads the context: to 256 with flash attention, to 32 without (gguf-parser-go file_estimate__llamacpp.go).
CONTEXT_PADDING_FA = 256
CONTEXT_PADDING = 32

CONTEXT_STEP = 1024


class VramInputError(ValueError):
    """Input the planner cannot work with; the message names the input and what it needs."""


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise VramInputError("%s must be a positive integer, got %r" % (name, value))
    return value


def _byte_count(value, name, minimum=1):
    """A size in bytes; integral floats (from template arithmetic) are accepted."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise VramInputError("%s must be a whole number of bytes >= %d, got %r" % (name, minimum, value))
    return value


def _per_layer(value, name, block_count):
    """An int for every layer, or the per-layer list some architectures store."""
    if isinstance(value, (list, tuple)):
        if len(value) != block_count:
            raise VramInputError("%s has %d per-layer values but block_count is %d" % (name, len(value), block_count))
        return [_non_negative_int(item, name) for item in value]
    return [_positive_int(value, name)] * block_count


def _non_negative_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VramInputError("%s values must be integers >= 0, got %r" % (name, value))
    return value


def architecture_from_model_info(model_info, tensors=None):
    """The planner's architecture dict from an Ollama /api/show response.

    model_info: the response's model_info map (GGUF keys such as qwen2.block_count). tensors: the response's
    tensors list, optional, used for the vocabulary size when model_info carries no array (non-verbose /api/show
    returns arrays as null). Keys absent from model_info are left out of the result, so
    normalise_architecture() can name what is missing.
    """
    if not isinstance(model_info, dict):
        raise VramInputError("model_info must be the dict /api/show returns, got %s" % type(model_info).__name__)
    arch_name = model_info.get("general.architecture")
    if not arch_name:
        raise VramInputError("model_info has no 'general.architecture' key; pass the model_info of /api/show")
    keys = {
        "block_count": "block_count",
        "context_length": "context_length",
        "embedding_length": "embedding_length",
        "head_count": "attention.head_count",
        "head_count_kv": "attention.head_count_kv",
        "key_length": "attention.key_length",
        "value_length": "attention.value_length",
        "vocab_size": "vocab_size",
    }
    arch = {"architecture": arch_name}
    for name, suffix in keys.items():
        value = model_info.get("%s.%s" % (arch_name, suffix))
        if value is not None:
            arch[name] = value
    if "vocab_size" not in arch:
        vocab = _vocab_size(model_info, tensors)
        if vocab:
            arch["vocab_size"] = vocab
    return arch


def _vocab_size(model_info, tensors):
    tokens = model_info.get("tokenizer.ggml.tokens")
    if isinstance(tokens, list) and tokens:
        return len(tokens)
    for tensor in tensors or []:
        if isinstance(tensor, dict) and tensor.get("name") in ("token_embd.weight", "output.weight"):
            shape = tensor.get("shape") or []
            if len(shape) == 2:
                return shape[1]
    return None


def normalise_architecture(arch):
    """Validate an architecture dict (or an /api/show response or its model_info map) and fill derived values.

    Needs block_count, head_count_kv (defaults to head_count, as in GGUF), key_length and value_length (default
    embedding_length / head_count, as in GGUF). Returns a new dict with per-layer lists head_count_kv_layers.
    """
    if isinstance(arch, dict) and isinstance(arch.get("model_info"), dict):
        arch = architecture_from_model_info(arch["model_info"], arch.get("tensors"))
    elif isinstance(arch, dict) and "general.architecture" in arch:
        arch = architecture_from_model_info(arch)
    if not isinstance(arch, dict):
        raise VramInputError(
            "the architecture must be a dict with block_count, head_count_kv, key_length, "
            "value_length (or an /api/show model_info), got %s" % type(arch).__name__
        )
    if "block_count" not in arch:
        raise VramInputError("the architecture has no 'block_count' (number of layers)")
    block_count = _positive_int(arch["block_count"], "block_count")
    result = dict(arch)
    head_count = arch.get("head_count")
    head_counts = _per_layer(head_count, "head_count", block_count) if head_count is not None else None
    head_count_kv = arch.get("head_count_kv", head_count)
    if head_count_kv is None:
        raise VramInputError("the architecture has no 'head_count_kv' (nor 'head_count' to default it from)")
    result["head_count_kv_layers"] = _per_layer(head_count_kv, "head_count_kv", block_count)
    for name in ("key_length", "value_length"):
        if arch.get(name) is not None:
            result[name] = _positive_int(arch[name], name)
        elif arch.get("embedding_length") is not None and head_counts:
            result[name] = _positive_int(arch["embedding_length"], "embedding_length") // max(head_counts)
        else:
            raise VramInputError(
                "the architecture has no '%s' (nor 'embedding_length' and 'head_count' to derive it)" % name
            )
    result["head_count_max"] = max(head_counts) if head_counts else None
    return result


def kv_bytes_per_element(cache_type):
    if cache_type not in KV_BYTES_PER_ELEMENT:
        raise VramInputError(
            "cache_type must be one of %s, got %r" % (", ".join(sorted(KV_BYTES_PER_ELEMENT)), cache_type)
        )
    return KV_BYTES_PER_ELEMENT[cache_type]


def kv_cache_bytes(arch, context_length, parallel=1, cache_type="f16"):
    """KV cache size: context x parallel x sum over layers of head_count_kv x (key_length + value_length) x bytes
    per element. The same formula as Ollama's GraphSize and llama.cpp's buffer; validated against real logs (7b f16
    4096 = 224 MiB, 32768 = 1792 MiB; 7b q8_0 16384 = 476 MiB; 14b f16 4096 = 768 MiB)."""
    arch = normalise_architecture(arch)
    context_length = _positive_int(context_length, "context_length")
    parallel = _positive_int(parallel, "parallel")
    bytes_per_element = kv_bytes_per_element(cache_type)
    elements_per_token = sum(
        heads * (arch["key_length"] + arch["value_length"]) for heads in arch["head_count_kv_layers"]
    )
    return int(math.ceil(elements_per_token * context_length * parallel * bytes_per_element))


def padded_context(context_length, flash_attention):
    padding = CONTEXT_PADDING_FA if flash_attention else CONTEXT_PADDING
    return int(math.ceil(context_length / float(padding)) * padding)


def compute_buffer_bytes(arch, context_length, flash_attention=True, ubatch=DEFAULT_UBATCH):
    """Compute graph buffer on the GPU (see FA_COMPUTE_* and FA_OFF_COMPUTE_EXTRA_BYTES for the model)."""
    if arch.get("vocab_size") is None:
        raise VramInputError(
            "the architecture has no 'vocab_size' (needed for the logits buffer); pass the "
            "/api/show tensors to model_architecture or set vocab_size"
        )
    vocab_size = _positive_int(arch["vocab_size"], "vocab_size")
    logits = vocab_size * ubatch * 4
    if flash_attention:
        growth = FA_COMPUTE_GROWTH_AT_4096 + (context_length - 4096) * FA_COMPUTE_GROWTH_PER_TOKEN
        return int(logits + max(0.0, growth) * ubatch / float(DEFAULT_UBATCH))
    if arch.get("head_count_max") is None:
        raise VramInputError(
            "the architecture has no 'head_count' (needed for the attention matrix without flash attention)"
        )
    kq = 4 * context_length * ubatch * arch["head_count_max"]
    return int(max(logits, kq) + FA_OFF_COMPUTE_EXTRA_BYTES)


def vram_estimate(
    arch,
    context_length,
    weights_bytes,
    parallel=1,
    cache_type="f16",
    flash_attention=True,
    ubatch=DEFAULT_UBATCH,
    overhead_bytes=DEFAULT_OVERHEAD_BYTES,
):
    """GPU memory a fully offloaded model needs: weights + KV cache + compute buffer + fixed overhead.

    weights_bytes: the weights that live on the GPU (the GGUF size; models with a separate output tensor keep
    token_embd on the CPU, so the file size over-estimates them slightly).
    """
    arch = normalise_architecture(arch)
    context_length = _positive_int(context_length, "context_length")
    weights_bytes = _byte_count(weights_bytes, "weights_bytes")
    ubatch = _positive_int(ubatch, "ubatch")
    overhead_bytes = _byte_count(overhead_bytes, "overhead_bytes", minimum=0)
    kv_bytes_per_element(cache_type)
    if cache_type in QUANTIZED_KV_TYPES and not flash_attention:
        raise VramInputError(
            "cache_type %s needs flash_attention=true (llama.cpp and Ollama only quantize the KV "
            "cache with flash attention)" % cache_type
        )
    padded = padded_context(context_length, flash_attention)
    kv = kv_cache_bytes(arch, padded, parallel, cache_type)
    compute = compute_buffer_bytes(arch, padded * parallel, flash_attention, ubatch)
    total = weights_bytes + kv + compute + overhead_bytes
    return {
        "context_length": padded,
        "parallel": parallel,
        "cache_type": cache_type,
        "flash_attention": bool(flash_attention),
        "ubatch": ubatch,
        "weights_bytes": weights_bytes,
        "kv_cache_bytes": kv,
        "compute_bytes": compute,
        "overhead_bytes": overhead_bytes,
        "total_bytes": total,
        "total_mib": round(total / float(MIB), 1),
        "total_gib": round(total / float(GIB), 2),
    }


def max_context_fit(
    arch,
    free_vram_bytes,
    weights_bytes,
    margin_bytes=OLLAMA_MINIMUM_MEMORY_BYTES,
    max_context=None,
    step=CONTEXT_STEP,
    **estimate_options,
):
    """The largest context, a multiple of step, whose vram_estimate fits free_vram_bytes - margin_bytes.

    Capped by max_context, which defaults to the model's trained context_length. Returns 0 when even one step does
    not fit. estimate_options go to vram_estimate (parallel, cache_type, flash_attention, ubatch, overhead_bytes).
    """
    arch = normalise_architecture(arch)
    free_vram_bytes = _byte_count(free_vram_bytes, "free_vram_bytes")
    margin_bytes = _byte_count(margin_bytes, "margin_bytes", minimum=0)
    step = _positive_int(step, "step")
    if max_context is None:
        if arch.get("context_length") is None:
            raise VramInputError("the architecture has no 'context_length' (trained context); set max_context")
        max_context = arch["context_length"]
    max_context = _positive_int(max_context, "max_context")
    budget = free_vram_bytes - margin_bytes
    best = 0
    low, high = 1, max_context // step
    while low <= high:  # the estimate grows with the context, so bisect over multiples of step
        middle = (low + high) // 2
        if vram_estimate(arch, middle * step, weights_bytes, **estimate_options)["total_bytes"] <= budget:
            best, low = middle * step, middle + 1
        else:
            high = middle - 1
    return best
