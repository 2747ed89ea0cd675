# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters seconds_errors, model_name_errors and benchmark_settings_errors: the input rules the modules apply
(module_utils/ollama/_api_module.py, model/_names.py, benchmark/_method.py), for the roles that pass their variables on to those modules,
so that a bad value fails before anything is done, naming the role's variable; documented in seconds_errors.yml,
model_name_errors.yml and benchmark_settings_errors.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.module_utils.benchmark._method import settings_problems
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import InvalidModelName, parse_name
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import (
    SECONDS_OPTIONS,
    seconds_problem,
)


def seconds_errors(value, name, like):
    """[message] when value is not a number of seconds in the range of the module option ``like``, else []."""
    if like not in SECONDS_OPTIONS:
        raise AnsibleFilterError(
            "local_llm.ollama.seconds_errors: like=%r is none of %s" % (like, ", ".join(sorted(SECONDS_OPTIONS)))
        )
    problem = seconds_problem(name, value, like)
    return [problem] if problem else []


def model_name_errors(names, name):
    """A message naming ``name`` for each of ``names`` (a list, or one name) that is not an Ollama model name."""
    errors = []
    for value in [names] if isinstance(names, str) or not hasattr(names, "__iter__") else list(names):
        try:
            parse_name(value)
        except InvalidModelName as exc:
            errors.append("%s: %s" % (name, exc))
    return errors


def benchmark_settings_errors(settings):
    """The messages of ollama_benchmark for the options in ``settings`` it would refuse (empty when all are fine)."""
    if not isinstance(settings, dict):
        raise AnsibleFilterError("local_llm.ollama.benchmark_settings_errors: expected a dict, got %r" % (settings,))
    return settings_problems(settings)


class FilterModule(object):
    def filters(self):
        return {
            "seconds_errors": seconds_errors,
            "model_name_errors": model_name_errors,
            "benchmark_settings_errors": benchmark_settings_errors,
        }
