# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print the VRAM tables of docs/model-strategy.md, computed by the collection's planner (plugins/module_utils/gpu/_vram.py).

    python docs/tools/vram_table.py            # prints the Markdown the page embeds between its vram-table markers
    python docs/tools/vram_table.py --write    # replaces that block in docs/model-strategy.md

tests/docs/test_vram_table.py fails when the page and this output differ.
"""

from __future__ import absolute_import, division, print_function

import argparse
import importlib.util
import os
import re
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join(REPO_ROOT, "docs", "model-strategy.md")
MARKER = "vram-table"


def load_planner():
    """plugins/module_utils/gpu/_vram.py from this checkout, through a temporary ansible_collections tree when the
    collection is not importable (the planner needs only the standard library and _server_env)."""
    name = "ansible_collections.local_llm.ollama.plugins.module_utils.gpu._vram"
    try:
        found = importlib.util.find_spec("ansible_collections.local_llm.ollama") is not None
    except ImportError:
        found = False
    if not found:
        base = tempfile.mkdtemp(prefix="llo-docs-")
        os.makedirs(os.path.join(base, "ansible_collections", "local_llm"))
        os.symlink(REPO_ROOT, os.path.join(base, "ansible_collections", "local_llm", "ollama"))
        sys.path.insert(0, base)
    return importlib.import_module(name)


vram = load_planner()
MIB = vram.MIB
GIB = vram.GIB

# qwen2.5-coder Q4_K_M, architecture from the models' GGUF metadata (ollama.com/library/qwen2.5-coder; the 7b row is
# real GGUF metadata; 1.5b/3b/14b come from the model cards). Weights on the GPU: 7b measured (CUDA0 model buffer in
# an Ollama server log on an RTX 3060), the others computed from file sizes (1.5b and 3b tie their embeddings, so the whole file is on the GPU).
MODELS = (
    (
        "qwen2.5-coder:1.5b",
        {
            "block_count": 28,
            "head_count": 12,
            "head_count_kv": 2,
            "embedding_length": 1536,
            "context_length": 32768,
            "vocab_size": 151936,
        },
        940 * MIB,
    ),
    (
        "qwen2.5-coder:3b",
        {
            "block_count": 36,
            "head_count": 16,
            "head_count_kv": 2,
            "embedding_length": 2048,
            "context_length": 32768,
            "vocab_size": 151936,
        },
        1812 * MIB,
    ),
    (
        "qwen2.5-coder:7b",
        {
            "block_count": 28,
            "head_count": 28,
            "head_count_kv": 4,
            "embedding_length": 3584,
            "context_length": 32768,
            "vocab_size": 152064,
        },
        int(4168.09 * MIB),
    ),
    (
        "qwen2.5-coder:14b",
        {
            "block_count": 48,
            "head_count": 40,
            "head_count_kv": 8,
            "embedding_length": 5120,
            "context_length": 32768,
            "vocab_size": 152064,
        },
        8150 * MIB,
    ),
)
CONTEXTS = (4096, 16384, 32768)

# GPU memory classes (total MiB as NVML reports it) and the VRAM a desktop takes from them: 12288 - 10958 MiB free
# measured on an RTX 3060 with a Wayland desktop. Under WSL2 the Windows desktop always shares the card.
GPU_CLASSES = (("8 GB", 8192), ("12 GB", 12288), ("16 GB", 16384), ("24 GB", 24576))
DESKTOP_MIB = 12288 - 10958


def estimate(arch, weights, context, cache_type="f16", flash_attention=True):
    return vram.vram_estimate(arch, context, weights, cache_type=cache_type, flash_attention=flash_attention)


def totals_table():
    lines = [
        "| model | context | KV cache f16 | total, f16 KV | total, q8_0 KV | total, f16 KV, flash attention off |",
        "|---|---|---|---|---|---|",
    ]
    for name, arch, weights in MODELS:
        for context in CONTEXTS:
            f16 = estimate(arch, weights, context)
            q8 = estimate(arch, weights, context, cache_type="q8_0")
            no_fa = estimate(arch, weights, context, flash_attention=False)
            lines.append(
                "| %s | %dK | %d MiB | %.2f GiB | %.2f GiB | %.2f GiB |"
                % (
                    name,
                    context // 1024,
                    round(f16["kv_cache_bytes"] / float(MIB)),
                    f16["total_gib"],
                    q8["total_gib"],
                    no_fa["total_gib"],
                )
            )
    return lines


def fit_cell(arch, weights, free_bytes):
    cells = []
    for cache_type in ("f16", "q8_0"):
        context = vram.max_context_fit(arch, free_bytes, weights, cache_type=cache_type)
        cells.append("%dK" % (context // 1024) if context else "no")
    return " / ".join(cells)


def fit_table():
    header = ["model"] + ["%s (%d MiB free)" % (label, total - DESKTOP_MIB) for label, total in GPU_CLASSES]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, arch, weights in MODELS:
        cells = [fit_cell(arch, weights, (total - DESKTOP_MIB) * MIB) for dummy, total in GPU_CLASSES]
        lines.append("| " + " | ".join([name] + cells) + " |")
    return lines


def markdown():
    return "\n".join(
        [
            "GPU memory one model needs, fully on the GPU (weights + KV cache + compute buffer + 0.3 GiB CUDA overhead;",
            "flash attention on unless the column says otherwise; 1 GiB = 1024 MiB):",
            "",
        ]
        + totals_table()
        + [
            "",
            "Largest context that fits (f16 KV / q8_0 KV), capped at the trained 32K, keeping Ollama's 457 MiB "
            "reserve free,",
            "with %d MiB taken by a desktop on the same card:" % DESKTOP_MIB,
            "",
        ]
        + fit_table()
    )


def replace_block(text, block, page=PAGE):
    pattern = re.compile(r"(<!-- %s:start -->\n).*?(<!-- %s:end -->)" % (MARKER, MARKER), re.S)
    if len(pattern.findall(text)) != 1:
        raise SystemExit("%s needs exactly one <!-- %s:start --> ... <!-- %s:end --> block" % (page, MARKER, MARKER))
    return pattern.sub(lambda match: match.group(1) + block + "\n" + match.group(2), text)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="replace the block in the page")
    parser.add_argument("--page", default=PAGE, help="the page to --write (default: %(default)s)")
    args = parser.parse_args(argv)
    block = markdown()
    if not args.write:
        print(block)
        return 0
    with open(args.page, encoding="utf-8") as handle:
        text = handle.read()
    updated = replace_block(text, block, args.page)
    if updated != text:
        with open(args.page, "w", encoding="utf-8") as handle:
            handle.write(updated)
        print("updated %s" % args.page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
