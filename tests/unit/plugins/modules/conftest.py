# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ansible.module_utils.testing.patch_module_args came with ansible-core 2.19; under 2.17 and 2.18 the tests get the
same context manager, built the way those versions read module arguments (basic._ANSIBLE_ARGS)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json
import sys
import types

try:
    import ansible.module_utils.testing  # noqa: F401  pylint: disable=unused-import
except ImportError:
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args=None):
        saved = basic._ANSIBLE_ARGS
        payload = dict(args or {}, _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": payload}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

    _testing = types.ModuleType("ansible.module_utils.testing")
    _testing.patch_module_args = patch_module_args
    sys.modules["ansible.module_utils.testing"] = _testing
