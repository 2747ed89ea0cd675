# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bundled ollama_eval tasks: well formed, and their hidden tests accept a known-good answer and reject a stub."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.eval import _tasks as _eval_tasks
from ansible_collections.local_llm.ollama.plugins.module_utils.eval._taskset import GO_TASKS, PYTHON_TASKS

from . import eval_reference_solutions as reference


def run_tests(task, code):
    namespace = {"__name__": "solution"}
    exec(compile(code, "solution.py", "exec"), namespace)  # pylint: disable=exec-used
    namespace["__name__"] = "hidden_tests"
    exec(compile(task["tests"], "hidden_tests.py", "exec"), namespace)  # pylint: disable=exec-used


def stub(task):
    """The prompt's own code: the signature and docstring, no body (a class keeps its `...` methods)."""
    return task["prompt"] + ("    pass\n" if task["prompt"].lstrip().startswith("def") else "")


def test_the_set_has_at_least_30_python_and_some_go_tasks_from_easy_to_hard():
    assert len(PYTHON_TASKS) >= 30 and len(GO_TASKS) >= 3
    assert set(task["difficulty"] for task in PYTHON_TASKS) == {"easy", "medium", "hard"}
    ids = [task["id"] for task in PYTHON_TASKS + GO_TASKS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("task", PYTHON_TASKS + GO_TASKS, ids=lambda task: task["id"])
def test_every_task_is_valid_as_a_task_file_entry(task):
    assert _eval_tasks.check_task(task, "bundled", 0)["id"] == task["id"]
    assert set(reference.PYTHON) | set(reference.GO) >= {task["id"]}


@pytest.mark.parametrize("task", PYTHON_TASKS, ids=lambda task: task["id"])
def test_the_hidden_tests_pass_a_good_answer(task):
    run_tests(task, reference.PYTHON[task["id"]])


@pytest.mark.parametrize("task", PYTHON_TASKS, ids=lambda task: task["id"])
def test_the_hidden_tests_fail_the_bare_signature(task):
    with pytest.raises(Exception):  # noqa: B017 - any failure will do: AssertionError, TypeError, ...
        run_tests(task, stub(task))


@pytest.mark.parametrize("task", PYTHON_TASKS + GO_TASKS, ids=lambda task: task["id"])
def test_the_prompt_shows_the_signature_but_never_the_tests(task):
    prompt = _eval_tasks.prompt_for(task)
    assert task["prompt"].strip() in prompt and task["tests"].strip() not in prompt
    assert ("```%s\n" % task["language"]) in prompt
