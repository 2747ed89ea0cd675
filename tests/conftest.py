# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make `ansible_collections.local_llm.ollama` importable when pytest runs straight from a checkout.

ansible-test already runs from .../ansible_collections/local_llm/ollama, so nothing happens there.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import os
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _ensure_collection_importable():
    try:
        if importlib.util.find_spec("ansible_collections.local_llm.ollama") is not None:
            return
    except ImportError:
        pass
    base = tempfile.mkdtemp(prefix="llo-collection-")
    os.makedirs(os.path.join(base, "ansible_collections", "local_llm"))
    os.symlink(REPO_ROOT, os.path.join(base, "ansible_collections", "local_llm", "ollama"))
    # Not a helper folder (pyproject.toml's pythonpath has those): the checkout under its collection name.
    sys.path.insert(0, base)


_ensure_collection_importable()
