# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The GPU-class profiles docs/model-strategy.md shows are the shipped inventories/lab/group_vars/gpu_*.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import yaml
from docs_support import REPO_ROOT, read_page

BLOCK = re.compile(r"^```yaml\n# (inventories/lab/group_vars/gpu_\w+\.yml)\n(.*?)^```$", re.S | re.M)


def test_every_class_is_shown_as_shipped():
    shown = dict((path, yaml.safe_load(body)) for path, body in BLOCK.findall(read_page("docs/model-strategy.md")))
    shipped = sorted(
        os.path.relpath(path, REPO_ROOT)
        for path in glob.glob(os.path.join(REPO_ROOT, "inventories", "lab", "group_vars", "gpu_*.yml"))
    )
    assert sorted(shown) == shipped
    for path in shipped:
        assert shown[path] == yaml.safe_load(read_page(path)), path
