# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GPU share of a loaded model from its /api/ps entry, like ``ollama ps``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.measure import _gpu_share


@pytest.mark.parametrize(
    "size, size_vram, text",
    [
        (100, 100, "100% GPU"),
        (100, 0, "100% CPU"),
        (100, 65, "35%/65% CPU/GPU"),
        (1000, 345, "66%/34% CPU/GPU"),
        (200, 1, "100%/0% CPU/GPU"),
        (1000, 995, "1%/99% CPU/GPU"),  # 0.5 rounds away from zero like Go's math.Round
        (1000, 975, "3%/97% CPU/GPU"),  # 2.5 as well (Python's round() gives 0 above and 2 here)
        (0, 0, "Unknown"),
        (100, 120, "Unknown"),
    ],
)
def test_processor_text_like_ollama_ps(size, size_vram, text):
    assert _gpu_share.processor_text(size, size_vram) == text


def test_gpu_share_from_the_recorded_ps_entry(recorded):
    share = _gpu_share.gpu_share(recorded.json("ps.json")["models"][0])
    assert share == {
        "loaded": True,
        "size": 287246908,
        "size_vram": 0,
        "gpu_percent": 0.0,
        "processor": "100% CPU",
        "context_length": 4096,
    }
    assert not _gpu_share.fully_on_gpu(share)


def test_gpu_share_partial_and_missing():
    share = _gpu_share.gpu_share({"size": 1000, "size_vram": 650, "context_length": 4096})
    assert share["gpu_percent"] == 65.0 and share["processor"] == "35%/65% CPU/GPU"
    assert _gpu_share.fully_on_gpu(_gpu_share.gpu_share({"size": 1000, "size_vram": 1000}))
    gone = _gpu_share.gpu_share(None)
    assert gone["loaded"] is False and gone["gpu_percent"] is None
