# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of ollama_eval: carries the bundled task set to the module.

The bundled tasks are data (plugins/module_utils/eval/bundled_tasks.yml, the format of the users' task files),
and AnsiballZ ships only the Python of module_utils to the managed host. So the file is read here, on the
controller, and its content goes to the module as the hidden option ``_bundled_tasks``, where the same loader that
reads the users' task files checks it. The content is left out of the returned ``invocation`` again."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.local_llm.ollama.plugins.module_utils.eval._tasks import (
    BUNDLED_TASKS_FILE,
    TaskFileError,
    read_task_data,
)

MODULE = "local_llm.ollama.ollama_eval"
HIDDEN = "_bundled_tasks"


def with_bundled_tasks(task_args):
    """The task's arguments, plus the bundled task set unless bundled_tasks is false."""
    args = dict(task_args)
    args.pop(HIDDEN, None)
    if boolean(args.get("bundled_tasks", True), strict=False):
        args[HIDDEN] = read_task_data(BUNDLED_TASKS_FILE)
    return args


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        try:
            module_args = with_bundled_tasks(self._task.args)
        except TaskFileError as exc:
            result.update(failed=True, msg="bundled_tasks: %s on the controller" % exc)
            return result
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        result.update(
            self._execute_module(
                module_name=MODULE, module_args=module_args, task_vars=task_vars, wrap_async=wrap_async
            )
        )
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        invocation_args = (result.get("invocation") or {}).get("module_args")
        if isinstance(invocation_args, dict):
            invocation_args.pop(HIDDEN, None)
        return result
