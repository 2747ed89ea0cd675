#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: role_inputs
short_description: Check every variable of the calling role by its declared kind of value
version_added: 0.1.0
description:
  - Reads the calling role's C(meta/kinds.yml), which declares the kind of value of every option of each entry point
    of C(meta/argument_specs.yml) (a number with its range, an absolute path, a URL with its schemes, a model name,
    a version X.Y.Z, an Ollama duration...).
  - Templates each variable from the task's variables and checks the value as given with the same validator the
    modules use (C(plugins/module_utils/kinds/_kinds.py)), so C(nan), C(12GB) for a number, a relative path or an
    C(ftp://) URL fail instead of being converted.
  - Fails with every problem at once, each naming the variable and what it accepts. Runs on the controller and
    never contacts the managed host; each role runs it as its first task.
  - A variable whose value needs facts that are not gathered yet is left out and listed in RV(unresolved).
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.info_module
options:
  entry_point:
    description: The entry point of C(meta/argument_specs.yml) whose variables to check.
    type: str
    default: main
  kinds:
    description:
      - The kinds of the variables to check, each variable mapped to its declaration as in C(meta/kinds.yml), instead of the calling
        role's. Playbooks check their own variables with it.
    type: dict
notes:
  - Without O(kinds), only inside a role; the action plugin finds the role's path itself.
"""

EXAMPLES = r"""
- name: Check the role's variables by their kinds before anything else
  local_llm.ollama.role_inputs:

- name: Check a playbook's own variables by their kinds
  local_llm.ollama.role_inputs:
    kinds:
      eval_report_root: {kind: text, nonempty: true, single_line: true, "null": true}
      eval_require_network_isolation: {kind: flag, "null": true}
"""

RETURN = r"""
checked:
  description: The variables that were checked.
  returned: always
  type: list
  elements: str
unresolved:
  description: The variables left out because their values need facts that are not gathered yet.
  returned: always
  type: list
  elements: str
problems:
  description: One line per variable whose value is not of its kind, naming the variable and what it accepts.
  returned: failed
  type: list
  elements: str
"""
