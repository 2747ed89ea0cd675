# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rates from Ollama's counts and durations, and the statistics over them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.measure import _stats


@pytest.mark.parametrize("count, duration", [(0, 1000), (16, 0), (None, None), (16, -5)])
def test_rate_is_none_when_not_measurable(count, duration):
    assert _stats.rate(count, duration) is None


def test_describe_odd_count():
    stats = _stats.describe([63.0, 67.0, 65.0])
    assert stats == {"count": 3, "median": 65.0, "mean": 65.0, "min": 63.0, "max": 67.0, "stdev": 2.0}


def test_describe_even_count_and_sample_stdev():
    stats = _stats.describe([1.0, 2.0, 3.0, 4.0])
    assert stats["median"] == 2.5 and stats["mean"] == 2.5
    assert stats["stdev"] == pytest.approx(1.29, abs=0.005)  # sqrt(5/3), n - 1


def test_describe_one_value_and_none_values():
    assert _stats.describe([50.0])["stdev"] is None
    assert _stats.describe([None, 50.0, None])["count"] == 1
    assert _stats.describe([None])["median"] is None


def test_median_resists_one_disturbed_run():
    stats = _stats.describe([65.0, 64.0, 12.0, 66.0, 65.5])
    assert stats["median"] == 65.0 and stats["mean"] < 55
