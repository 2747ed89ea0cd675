# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/modelfile-reference.md shows modelfiles/coding-assistant.Modelfile as it is (settings, system prompt, lines)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from docs_support import read_page

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import parse_modelfile

PAGE = "docs/modelfile-reference.md"


def shown_modelfile():
    """The first plain ``` block of the page: the Modelfile it explains."""
    return re.search(r"^```\n(FROM .*?)^```$", read_page(PAGE), re.S | re.M).group(1)


def test_the_page_shows_the_shipped_modelfile():
    shipped = parse_modelfile(read_page("modelfiles/coding-assistant.Modelfile"))
    assert parse_modelfile(shown_modelfile()) == shipped


def test_the_stated_counts_match_the_modelfile():
    shipped = parse_modelfile(read_page("modelfiles/coding-assistant.Modelfile"))
    stated = re.search(r"without its comments: (\w+) settings, a (\d+)-line system prompt", read_page(PAGE))
    assert stated, "the sentence under the Modelfile block that counts its settings and prompt lines is missing"
    words = {"six": 6, "seven": 7, "eight": 8, "nine": 9}
    settings = 1 + len(shipped["parameters"]) + 1  # FROM, each parameter name, SYSTEM
    assert words[stated.group(1)] == settings, shipped["parameters"]
    assert int(stated.group(2)) == len(shipped["system"].splitlines())
