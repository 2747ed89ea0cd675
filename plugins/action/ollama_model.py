# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Action plugin of ollama_model: runs the module asynchronously and prints its progress while a pull or a blob
upload runs (see the module's ``progress`` option for why this way)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import shlex
import time

from ansible.module_utils.common.text.converters import to_text
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._progress import ProgressThrottle, progress_line

display = Display()

MODULE = "local_llm.ollama.ollama_model"
# async_wrapper kills a job after this many seconds; the module's own pull_timeout stops a stalled pull first.
ASYNC_LIMIT = 86400
FIRST_POLLS = (0.2, 0.3, 0.5, 1.0)
POLL_SECONDS = 2.0
SEPARATOR = "--ollama-model-progress--"
ASYNC_KEYS = (
    "ansible_job_id",
    "started",
    "finished",
    "results_file",
    "stdout",
    "stderr",
    "stdout_lines",
    "stderr_lines",
    "erased",
    "async_dir",
)


class ActionModule(ActionBase):
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        if not self._shows_progress(args):
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
            result = merge_hash(
                result,
                self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars, wrap_async=wrap_async),
            )
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        return merge_hash(result, self._run_with_progress(args, task_vars))

    def _shows_progress(self, args):
        return (
            args.get("progress", True) not in (False, "false", "no", "False")
            and args.get("state", "present") == "present"
            and not self._task.async_val
            and not self._play_context.check_mode
            and not self._connection.always_pipeline_modules
            and not self._connection.has_native_async
        )

    def _run_with_progress(self, args, task_vars):
        tmpdir = self._connection._shell.tmpdir or self._make_tmp_path()
        progress_path = self._connection._shell.join_path(tmpdir, "ollama_model_progress.json")
        args["progress_file"] = progress_path
        self._task.async_val = ASYNC_LIMIT
        try:
            job = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars, wrap_async=True)
        finally:
            self._task.async_val = 0
        if job.get("failed") or "ansible_job_id" not in job or "results_file" not in job:
            return job
        # The folder async_wrapper wrote to (it expands ~ with the module's HOME, which may not be ~remote_user).
        job["async_dir"] = job["results_file"].rsplit("/", 1)[0]
        try:
            final = self._poll(job, progress_path, task_vars)
        finally:
            self._async_status(job, "cleanup", task_vars)
            self._remove_tmp_path(self._connection._shell.tmpdir)
        for key in ASYNC_KEYS:
            final.pop(key, None)
        module_args = (final.get("invocation") or {}).get("module_args")
        if isinstance(module_args, dict) and "progress_file" in module_args:
            module_args["progress_file"] = None
        return final

    def _async_status(self, job, mode, task_vars):
        return self._execute_module(
            module_name="ansible.legacy.async_status",
            task_vars=task_vars,
            module_args={"jid": job["ansible_job_id"], "mode": mode, "_async_dir": job["async_dir"]},
        )

    def _poll(self, job, progress_path, task_vars):
        """Wait for the job; print progress from the file meanwhile. Each poll is one shell read of the job file
        and the progress file (a module per poll would start Python on the host every two seconds)."""
        throttle = ProgressThrottle()
        host = task_vars.get("inventory_hostname", "host")
        command = "cat %s; echo; echo %s; cat %s 2>/dev/null" % (
            shlex.quote(job["results_file"]),
            SEPARATOR,
            shlex.quote(progress_path),
        )
        polls = 0
        while True:
            time.sleep(FIRST_POLLS[polls] if polls < len(FIRST_POLLS) else POLL_SECONDS)
            polls += 1
            read = self._low_level_execute_command(command, sudoable=True)
            job_text, _sep, progress_text = to_text(read.get("stdout", "")).partition(SEPARATOR)
            if not _running(job_text):
                return self._async_status(job, "status", task_vars)
            record = _record(progress_text)
            if record and throttle.should_print(record):
                display.display(progress_line(host, record))


def _running(job_text):
    """True while async_wrapper's job file still says started and not finished (it is replaced atomically)."""
    try:
        job = json.loads(job_text)
    except ValueError:
        return False
    return isinstance(job, dict) and bool(job.get("started")) and not job.get("finished")


def _record(text):
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) and record.get("total") else None
