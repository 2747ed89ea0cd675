# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers shared by the docs tests: load a docs/tools script as a module, read a marked block of a page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import re

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS_DIR = os.path.join(REPO_ROOT, "docs", "tools")


def load_tool(name):
    """docs/tools/<name>.py as a module (docs/tools is not a package)."""
    path = os.path.join(TOOLS_DIR, name + ".py")
    spec = importlib.util.spec_from_file_location("docs_tool_" + name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_page(relative_path):
    with open(os.path.join(REPO_ROOT, relative_path), encoding="utf-8") as handle:
        return handle.read()


def marked_block(text, marker):
    """The text between <!-- marker:start --> and <!-- marker:end -->, stripped; fails when absent or repeated."""
    pattern = re.compile(r"<!-- %s:start -->\n(.*?)<!-- %s:end -->" % (re.escape(marker), re.escape(marker)), re.S)
    found = pattern.findall(text)
    assert len(found) == 1, "expected exactly one <!-- %s:start --> ... <!-- %s:end --> block, found %d" % (
        marker,
        marker,
        len(found),
    )
    return found[0].strip()
