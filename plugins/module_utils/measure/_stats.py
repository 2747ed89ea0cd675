# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rates from Ollama's own counts and nanosecond durations, and the statistics over them (median first: one
disturbed run does not move it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

NS_PER_S = 1e9


def rate(count, duration_ns):
    """Tokens per second from Ollama's own count and nanosecond duration; None when not measurable."""
    if not count or not duration_ns or duration_ns <= 0:
        return None
    return count / float(duration_ns) * NS_PER_S


def rounded(value, digits=3):
    return None if value is None else round(value, digits)


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2.0


def sample_stdev(values):
    """Sample standard deviation (n - 1), None for fewer than two values."""
    if len(values) < 2:
        return None
    mean = sum(values) / float(len(values))
    return math.sqrt(sum((value - mean) ** 2 for value in values) / (len(values) - 1))


def describe(values, digits=2):
    """median, mean, min, max, stdev and count of the values that are not None (all None when none are)."""
    values = [value for value in values if value is not None]
    if not values:
        return {"count": 0, "median": None, "mean": None, "min": None, "max": None, "stdev": None}
    return {
        "count": len(values),
        "median": round(median(values), digits),
        "mean": round(sum(values) / float(len(values)), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
        "stdev": rounded(sample_stdev(values), digits),
    }
