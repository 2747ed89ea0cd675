# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The request of a timed generation: keep_alive as Ollama reads it, chat and generate bodies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.measure import _generations


@pytest.mark.parametrize("text", ["5m", "1h30m", "-1", "0", "300", "1.5h", ".5s", "-5m", "10\u00b5s", None])
def test_keep_alive_ollama_reads(text):
    assert _generations.keep_alive_problem(text) is None


@pytest.mark.parametrize("text", ["forever", "5 minutes", "5M", "", "+3", "1.", "m"])
def test_keep_alive_ollama_refuses(text):
    assert "5m, 1h or 1h30m" in _generations.keep_alive_problem(text)


def test_chat_and_generate_bodies():
    options = {"num_predict": 16}
    assert _generations.request_body("chat", "m", "hi", options) == {
        "model": "m",
        "options": options,
        "messages": [{"role": "user", "content": "hi"}],
    }
    assert _generations.request_body("generate", "m", "hi", options, keep_alive="5m") == {
        "model": "m",
        "options": options,
        "prompt": "hi",
        "keep_alive": "5m",
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, None),
        ("5m", "5m"),
        ("-1", -1),
        ("300", 300),
        ("0", 0),
        ("1.5", 1.5),
        ("1h30m", "1h30m"),
    ],
)
def test_keep_alive_numbers_become_seconds(text, expected):
    assert _generations.keep_alive_value(text) == expected
