# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""KindCheckedModule: an AnsibleModule that checks every option's value as the task gave it against the option's
declared kind (kinds/_kinds.py), before AnsibleModule's type conversion turns a list into its repr or splits 'a,b'
into a list, and before the module does anything. All problems are reported at once, each naming the option."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import check_declaration, problem
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import credentials

NO_LOG_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def undeclared_options(argument_spec, kinds):
    """The options of ``argument_spec`` with no kind, and the kinds of no option (both sorted)."""
    return sorted(set(argument_spec) - set(kinds)), sorted(set(kinds) - set(argument_spec))


def check_kinds(argument_spec, kinds):
    """Raise ValueError unless every option has exactly one well-formed declaration."""
    missing, extra = undeclared_options(argument_spec, kinds)
    if missing or extra:
        raise ValueError("options without a kind: %s; kinds of no option: %s" % (missing, extra))
    for declaration in kinds.values():
        check_declaration(declaration)


def _given_values(argument_spec, raw):
    """{option: value as given}, aliases read as their option; None is an option left unset, as Ansible reads it. A
    type path option's text is read after ~ and $VAR are expanded, as AnsibleModule expands it on the host."""
    given = {}
    for option, spec in argument_spec.items():
        for name in [option] + list(spec.get("aliases") or []):
            if name in raw:
                value = raw[name]
                if spec.get("type") == "path" and isinstance(value, str):
                    value = os.path.expanduser(os.path.expandvars(value))
                given[option] = value
    return given


def kind_problems(argument_spec, kinds, raw):
    """One message per option whose given value is not of its kind, or that is required and not given."""
    problems = []
    given = _given_values(argument_spec, raw)
    for option in sorted(argument_spec):
        spec, declaration = argument_spec[option], kinds[option]
        value = given.get(option)
        if value is None:
            if spec.get("required"):
                problems.append(problem(dict(declaration, null=False), option, None))
            continue
        message = problem(declaration, option, value, secret=bool(spec.get("no_log")))
        if message:
            problems.append(message)
    return problems


class KindCheckedModule(AnsibleModule):
    """AnsibleModule(argument_spec, kinds={option: declaration}, ...): fails before anything is done when a value is
    not of its option's kind; a kind missing for an option is a bug of the module (ValueError)."""

    def __init__(self, argument_spec, kinds, **kwargs):
        check_kinds(argument_spec, kinds)
        self.option_kinds = kinds
        self.raw_params = {}
        self._kinds_checked = False
        AnsibleModule.__init__(self, argument_spec=argument_spec, **kwargs)

    def _load_params(self):
        AnsibleModule._load_params(self)
        self.raw_params = copy.deepcopy(self.params)

    def _set_internal_properties(self, argument_spec=None, module_parameters=None):
        AnsibleModule._set_internal_properties(self, argument_spec, module_parameters)
        if self._kinds_checked or argument_spec is not None or module_parameters is not None:
            return
        self._kinds_checked = True
        problems = kind_problems(self.argument_spec, self.option_kinds, self.raw_params)
        if problems:
            self.fail_json(msg="; ".join(problems), invocation={"module_args": self._shown_params()})

    def _shown_params(self):
        """The arguments as the task gave them, secret ones masked (AnsibleModule has not read no_log yet)."""
        shown = {}
        for name, value in self.raw_params.items():
            if name.startswith("_ansible_"):
                continue
            spec = self.argument_spec.get(name)
            if spec is None:
                shown[name] = value
                continue
            if spec.get("no_log"):
                shown[name] = NO_LOG_MASK
                continue
            secret = credentials(value) if (self.option_kinds.get(name) or {}).get("kind") == "endpoint" else None
            if secret:
                self.no_log_values.add(secret)
            shown[name] = value
        return shown
