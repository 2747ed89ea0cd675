# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/model-strategy.md embeds exactly what docs/tools/vram_table.py prints from the collection's planner."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import subprocess
import sys

from docs_support import REPO_ROOT, load_tool, marked_block, read_page

table = load_tool("vram_table")
PAGE = "docs/model-strategy.md"


def _run(*args):
    done = subprocess.run(
        [sys.executable, "docs/tools/vram_table.py"] + list(args),
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    return done.stdout


def test_page_table_is_the_script_output():
    page_block = marked_block(read_page(PAGE), "vram-table")
    assert page_block == _run().strip(), (
        "docs/model-strategy.md is out of date: run python docs/tools/vram_table.py --write"
    )


def test_rows_are_the_planner_numbers():
    """Every model x context row carries vram_estimate's own figures (not numbers typed into the script)."""
    output = table.markdown()
    for name, arch, weights in table.MODELS:
        for context in table.CONTEXTS:
            estimate = table.vram.vram_estimate(arch, context, weights)
            assert (
                "| %s | %dK | %d MiB | %.2f GiB |"
                % (name, context // 1024, estimate["kv_cache_bytes"] // table.MIB, estimate["total_gib"])
                in output
            )


def test_planner_reproduces_the_measured_7b_kv_cache():
    name, arch, dummy = table.MODELS[2]
    assert name == "qwen2.5-coder:7b"
    assert table.vram.kv_cache_bytes(arch, 4096) == 224 * table.MIB  # CUDA0 KV buffer on an RTX 3060
    assert table.vram.kv_cache_bytes(arch, 32768) == 1792 * table.MIB


def test_fit_table_follows_max_context_fit():
    name, arch, weights = table.MODELS[3]
    free = (12288 - table.DESKTOP_MIB) * table.MIB
    f16 = table.vram.max_context_fit(arch, free, weights)
    assert f16 == 8192  # the 14b limit on a 12 GB card with a desktop, as docs/vram-planning.md explains
    assert "| %s | no / no | 8K / 16K |" % name in table.markdown()


def test_write_restores_a_stale_page(tmp_path):
    original = read_page(PAGE)
    stale = tmp_path / "model-strategy.md"
    stale.write_text(original.replace("| qwen2.5-coder:7b | 16K |", "| qwen2.5-coder:7b | 15K |"), encoding="utf-8")
    assert "updated" in _run("--write", "--page", str(stale))
    assert stale.read_text(encoding="utf-8") == original
    assert _run("--write", "--page", str(stale)) == ""  # idempotent: nothing to do the second time
