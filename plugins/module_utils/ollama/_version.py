# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Dotted version numbers, read and compared in one place: Ollama's versions (``_client``) and NVIDIA driver versions
(``_gpu``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

LENIENT = re.compile(r"^\s*v?(\d+(?:\.\d+)*)")
STRICT = re.compile(r"^[0-9]+(\.[0-9]+)*$")


def parse_lenient(text):
    """'v0.32.15-rc1' -> (0, 32, 15): a leading v and any suffix ignored; None when it starts with no number."""
    match = LENIENT.match(text or "")
    if not match:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def parse_strict(text):
    """'591.74' -> (591, 74); ValueError unless the text is dot-separated non-negative integers."""
    text = ("%s" % (text,)).strip()
    if not STRICT.match(text):
        raise ValueError("%r is not a version made of numbers and dots" % text)
    return tuple(int(part) for part in text.split("."))


def at_least(found, required):
    """Compare version tuples part by part, missing parts counting as 0 ((545,) < (591, 74); (1, 2) == (1, 2, 0))."""
    width = max(len(found), len(required))
    pad = (0,) * width
    return (tuple(found) + pad)[:width] >= (tuple(required) + pad)[:width]


def server_version(text):
    """An Ollama version text -> (0, 32, 15): at least three parts, pre-release suffixes ignored; None when unreadable."""
    parsed = parse_lenient(text)
    return None if parsed is None else (parsed + (0, 0))[: max(3, len(parsed))]


def server_at_least(version, minimum):
    """An Ollama server's version >= ``minimum``; a dev build reporting 0.0.0 (or no number) counts as newest."""
    parsed = server_version(version)
    if parsed is None or not any(parsed):
        return True
    return at_least(parsed, server_version(minimum))


def driver_at_least(found, required):
    """An NVIDIA driver version >= ``required`` ("545" < "591.74"); ValueError unless both are numbers and dots."""
    return at_least(parse_strict(found), parse_strict(required))
