# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where a loaded model lives, from its /api/ps entry: the GPU share and the PROCESSOR text of ``ollama ps``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math


def go_round(value):
    """Go's math.Round: halves away from zero (Python's round() goes to even)."""
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def processor_text(size, size_vram):
    """The PROCESSOR column of ``ollama ps`` for a loaded model."""
    size_vram = size_vram or 0
    if size_vram == 0 and size:
        return "100% CPU"
    if size and size_vram == size:
        return "100% GPU"
    if not size or size_vram > size:
        return "Unknown"
    cpu = go_round((size - size_vram) / float(size) * 100)
    return "%d%%/%d%% CPU/GPU" % (cpu, 100 - cpu)


def gpu_share(ps_entry):
    """Where the loaded model lives, from its /api/ps entry (None when it is not loaded any more)."""
    if ps_entry is None:
        return {
            "loaded": False,
            "size": None,
            "size_vram": None,
            "gpu_percent": None,
            "processor": "not loaded",
            "context_length": None,
        }
    size, size_vram = ps_entry.get("size") or 0, ps_entry.get("size_vram") or 0
    return {
        "loaded": True,
        "size": size,
        "size_vram": size_vram,
        "gpu_percent": round(size_vram / float(size) * 100, 1) if size else None,
        "processor": processor_text(size, size_vram),
        "context_length": ps_entry.get("context_length"),
    }


def fully_on_gpu(share):
    return bool(share["loaded"] and share["size"] and share["size_vram"] >= share["size"])


def share_text(share):
    if not share["loaded"]:
        return "GPU share unknown (the model was no longer loaded when /api/ps was read)"
    percent = "?" if share["gpu_percent"] is None else "%g%%" % share["gpu_percent"]
    return "GPU share %s on the GPU (%s)" % (percent, share["processor"])
