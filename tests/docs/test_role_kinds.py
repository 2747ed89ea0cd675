# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every option of every entry point of each role's meta/argument_specs.yml has a well-formed kind in meta/kinds.yml,
and every kind there names an option (the kinds role_inputs checks, plugins/action/role_inputs.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
import yaml
from docs_support import REPO_ROOT

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import check_declaration

ROLES_DIR = os.path.join(REPO_ROOT, "roles")
ROLES = sorted(name for name in os.listdir(ROLES_DIR) if os.path.isdir(os.path.join(ROLES_DIR, name, "meta")))


def _read(role, name):
    with open(os.path.join(ROLES_DIR, role, "meta", name)) as handle:
        return yaml.safe_load(handle)


def kind_mismatches(specs, kinds):
    """Lines naming each option without a kind, each kind without an option and each entry point only one side has."""
    lines = []
    for entry_point in sorted(set(specs) | set(kinds)):
        options = set((specs.get(entry_point) or {}).get("options") or {})
        declared = set(kinds.get(entry_point) or {})
        lines += ["%s: option %s has no kind" % (entry_point, name) for name in sorted(options - declared)]
        lines += ["%s: kind %s names no option" % (entry_point, name) for name in sorted(declared - options)]
    return lines


@pytest.mark.parametrize("role", ROLES)
def test_every_option_has_a_kind_and_every_kind_an_option(role):
    specs = _read(role, "argument_specs.yml")["argument_specs"]
    kinds = _read(role, "kinds.yml")["kinds"]
    assert kind_mismatches(specs, kinds) == []
    for declarations in kinds.values():
        for declaration in declarations.values():
            check_declaration(declaration)


def test_a_missing_or_extra_kind_is_named():
    specs = {"main": {"options": {"a_size": {}, "a_path": {}}}}
    kinds = {"main": {"a_size": {"kind": "number"}, "a_gone": {"kind": "flag"}}}
    assert kind_mismatches(specs, kinds) == ["main: option a_path has no kind", "main: kind a_gone names no option"]
