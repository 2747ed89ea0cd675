# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of role_inputs: checks every variable of the calling role by its declared kind.

The kinds are in the role's meta/kinds.yml, beside meta/argument_specs.yml; each value is templated from the task's
variables and given, as it is, to problem() of plugins/module_utils/kinds/_kinds.py, the validator the modules use.
Every problem is reported at once, on the controller, before the role's first request to the host. A playbook
passes its own variables' kinds as ``kinds``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

import yaml
from ansible.errors import AnsibleUndefinedVariable
from ansible.plugins.action import ActionBase

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import check_declaration, problem

KINDS_FILE = os.path.join("meta", "kinds.yml")
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)")


def read_kinds(role_path, entry_point):
    """The declarations of ``entry_point`` in ``role_path``/meta/kinds.yml: {variable: declaration}."""
    with open(os.path.join(role_path, KINDS_FILE)) as handle:
        data = yaml.safe_load(handle) or {}
    declarations = (data.get("kinds") or {}).get(entry_point)
    if not isinstance(declarations, dict):
        raise ValueError("%s has no kinds for the entry point %s" % (KINDS_FILE, entry_point))
    for declaration in declarations.values():
        check_declaration(declaration)
    return declarations


def plain(value):
    """The value as plain Python data (Ansible's templating gives subclasses of dict, list and str)."""
    if isinstance(value, dict):
        return dict((plain(key), plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value


def shown_name(name, raw):
    """The variable's name, and the variable its value comes from when that is a template ('custom_model_host
    (default: ollama_listen)'), so the message leads to what the user set."""
    sources = TEMPLATE_VARIABLE.findall(raw) if isinstance(raw, str) else []
    sources = [source for source in sources if source != name]
    return "%s (default: %s)" % (name, ", ".join(sources)) if sources else name


def input_problems(declarations, values, raw_values=None):
    """One line per variable whose value is not of its kind; ``values`` maps each variable to its templated value,
    variables that are not set are missing from it; ``raw_values`` holds them before templating."""
    problems = []
    for name, declaration in declarations.items():
        words = problem(declaration, shown_name(name, (raw_values or {}).get(name)), values.get(name))
        if words is not None:
            problems.append(words)
    return problems


class ActionModule(ActionBase):
    _supports_check_mode = True

    def _role_path(self):
        role = self._task._role
        if role is None:
            raise ValueError("outside a role, role_inputs needs kinds: (a role's come from its meta/kinds.yml)")
        return role._role_path

    def _value(self, name, task_vars):
        """The variable's value, templated; missing when not set, or when it needs facts not gathered yet."""
        if name not in task_vars:
            return False, None
        try:
            return True, plain(self._templar.template(task_vars[name]))
        except AnsibleUndefinedVariable:
            return False, None

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        entry_point = self._task.args.get("entry_point", "main")
        try:
            declarations = self._task.args.get("kinds") or read_kinds(self._role_path(), entry_point)
            for declaration in declarations.values():
                check_declaration(declaration)
        except (OSError, ValueError, AttributeError, yaml.YAMLError) as exc:
            result.update(failed=True, msg="role_inputs: %s" % exc)
            return result
        values, unresolved = {}, []
        for name in declarations:
            found, value = self._value(name, task_vars or {})
            if found:
                values[name] = value
            elif name in (task_vars or {}):
                unresolved.append(name)
        checked = dict((name, declaration) for name, declaration in declarations.items() if name not in unresolved)
        problems = input_problems(checked, values, task_vars)
        result.update(changed=False, checked=sorted(set(declarations) - set(unresolved)), unresolved=unresolved)
        if problems:
            result.update(failed=True, problems=problems, msg="; ".join(problems) + ".")
        else:
            result["msg"] = "%d variables of %s are of their kinds" % (len(result["checked"]), entry_point)
        return result
