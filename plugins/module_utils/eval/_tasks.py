# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama_eval's task list: the one loader of task files (the bundled bundled_tasks.yml and the user's own, in the
same format), the checks, the selection, and the prompt each task sends. No network here; the user's task files
are read on the managed host, the bundled one on the controller by the action plugin (see bundled_tasks)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

BUNDLED = "bundled"
# Next to this file in the collection. AnsiballZ ships only Python to the managed host, so there this path does not
# exist: the action plugin reads the file on the controller and passes its tasks (module option _bundled_tasks).
BUNDLED_TASKS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bundled_tasks.yml")

LANGUAGES = ("python", "go")
FIELDS = ("id", "language", "entry_point", "prompt", "tests")
DIFFICULTIES = ("easy", "medium", "hard")
INSTRUCTIONS = {
    "python": (
        "Complete the following Python function. Reply with the complete code, including the signature, "
        "in one ```python code block. Use only the Python standard library."
    ),
    "go": (
        "Implement the following Go declarations in package solution. Reply with the complete code in one "
        "```go code block. Use only the Go standard library."
    ),
}


class TaskFileError(ValueError):
    """A task file or task that cannot be used; the message names the file, the task and the fix."""


def read_task_data(path):
    """The content of a JSON or YAML task file, parsed but not checked."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except (IOError, OSError) as exc:
        raise TaskFileError("task_files: cannot read %s on the managed host: %s" % (path, exc))
    except UnicodeDecodeError:
        raise TaskFileError("task_files: %s is not UTF-8 text" % path)
    return _parse(path, text)


def read_task_file(path):
    """The tasks of a JSON or YAML file: a list of tasks, or a dict with a ``tasks`` list."""
    return tasks_in(read_task_data(path), path)


def tasks_in(data, source):
    """The checked tasks of a task file's content; ``source`` is the file's path, or ``bundled``."""
    tasks = data.get("tasks") if isinstance(data, dict) else data
    if not isinstance(tasks, list) or not tasks:
        raise TaskFileError(
            "task_files: %s must hold a non-empty list of tasks, or a mapping with a 'tasks' "
            "list (see docs/model-strategy.md, 'Task files')" % source
        )
    return [check_task(task, source, index) for index, task in enumerate(tasks)]


def _parse(path, text):
    if path.endswith(".json"):
        try:
            return json.loads(text)
        except ValueError as exc:
            raise TaskFileError("task_files: %s is not valid JSON: %s" % (path, exc))
    try:
        import yaml  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise TaskFileError(
            "task_files: %s is YAML but PyYAML is not installed on the managed host; install "
            "python3-yaml or write the file as JSON (.json)" % path
        )
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TaskFileError("task_files: %s is not valid YAML: %s" % (path, exc))


def check_task(task, source, index):
    """The task with defaults filled in; raise TaskFileError naming the first problem."""
    where = "task_files: %s, task %d" % (source, index + 1)
    if not isinstance(task, dict):
        raise TaskFileError("%s must be a mapping with %s" % (where, ", ".join(FIELDS)))
    task = dict(task)
    task.setdefault("language", "python")
    task.setdefault("difficulty", "medium")
    missing = [field for field in FIELDS if not isinstance(task.get(field), str) or not task[field].strip()]
    if missing:
        raise TaskFileError(
            "%s (%s) lacks %s (each a non-empty string)" % (where, task.get("id", "no id"), ", ".join(missing))
        )
    if task["language"] not in LANGUAGES:
        raise TaskFileError(
            "%s (%s): language must be one of %s, got %r" % (where, task["id"], ", ".join(LANGUAGES), task["language"])
        )
    if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", task["entry_point"]):
        raise TaskFileError(
            "%s (%s): entry_point must be an identifier, got %r" % (where, task["id"], task["entry_point"])
        )
    if task["language"] == "go" and not re.search(r"^package\s+solution\s*$", task["tests"], re.M):
        raise TaskFileError(
            "%s (%s): Go tests must be a _test.go file starting with 'package solution'" % (where, task["id"])
        )
    task["source"] = source
    return task


def bundled_tasks(data=None):
    """The bundled task set: ``data`` as the action plugin read it from BUNDLED_TASKS_FILE on the controller, else
    the file itself where it exists beside this code (the module run straight from a collection on disk)."""
    if data is None:
        if not os.path.isfile(BUNDLED_TASKS_FILE):
            raise TaskFileError(
                "bundled_tasks: the bundled task set is read on the controller by the ollama_eval action plugin, "
                "which did not run here; run the module as the task local_llm.ollama.ollama_eval, or set "
                "bundled_tasks: false and give task_files"
            )
        data = read_task_data(BUNDLED_TASKS_FILE)
    return tasks_in(data, BUNDLED)


def select_tasks(task_lists, ids=None, languages=None, count=None):
    """All tasks in order, filtered by id and language, the first ``count`` of them; ids must be unique."""
    tasks = [task for tasks in task_lists for task in tasks]
    seen = {}
    for task in tasks:
        if task["id"] in seen:
            raise TaskFileError(
                "task id %r appears twice (%s and %s); task ids must be unique"
                % (task["id"], seen[task["id"]], task["source"])
            )
        seen[task["id"]] = task["source"]
    if ids:
        unknown = sorted(set(ids) - set(seen))
        if unknown:
            raise TaskFileError("task_ids: no task %s; known ids: %s" % (", ".join(unknown), ", ".join(sorted(seen))))
        tasks = [task for task in tasks if task["id"] in ids]
    if languages:
        tasks = [task for task in tasks if task["language"] in languages]
    if count is not None:
        tasks = tasks[:count]
    if not tasks:
        raise TaskFileError("no task is left to run after task_ids, languages and num_tasks")
    return tasks


def prompt_for(task):
    """The user message: instructions, then the signature and docstring in a fenced block."""
    fence = "python" if task["language"] == "python" else "go"
    return "%s\n\n```%s\n%s```\n" % (INSTRUCTIONS[task["language"]], fence, task["prompt"].rstrip("\n") + "\n")
