# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters modelfile_variable_errors and modelfile_errors (module_utils/model/_modelfile.py) for roles that render
Modelfile templates; documented in modelfile_variable_errors.yml and modelfile_errors.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import (
    ModelfileError,
    parse_modelfile,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import (
    modelfile_variable_errors as _errors,
)


def modelfile_variable_errors(values):
    """Messages for Modelfile template variables that could add instructions of their own (empty when safe)."""
    if not isinstance(values, dict):
        raise AnsibleFilterError("local_llm.ollama.modelfile_variable_errors: expected a dict, got %r" % (values,))
    return _errors(values)


def modelfile_errors(text, where):
    """The parser's message for a rendered Modelfile that ollama_model would refuse, naming ``where``; empty when it
    parses."""
    try:
        parse_modelfile(text)
    except ModelfileError as exc:
        return ["%s: %s" % (where, exc)]
    return []


class FilterModule(object):
    def filters(self):
        return {"modelfile_variable_errors": modelfile_variable_errors, "modelfile_errors": modelfile_errors}
