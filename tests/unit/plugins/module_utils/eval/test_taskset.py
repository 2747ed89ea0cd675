# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bundled ollama_eval tasks (bundled_tasks.yml, read by the task-file loader): well formed, and their hidden
tests accept a known-good answer and reject a stub."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.eval import _tasks as _eval_tasks

from . import eval_reference_solutions as reference

BUNDLED_TASKS = _eval_tasks.bundled_tasks()
PYTHON_TASKS = [task for task in BUNDLED_TASKS if task["language"] == "python"]
GO_TASKS = [task for task in BUNDLED_TASKS if task["language"] == "go"]


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


def test_the_bundled_set_is_the_data_file_read_by_the_task_file_loader():
    assert _eval_tasks.BUNDLED_TASKS_FILE.endswith("/eval/bundled_tasks.yml")
    from_file = _eval_tasks.read_task_file(_eval_tasks.BUNDLED_TASKS_FILE)
    assert [dict(task, source="bundled") for task in from_file] == BUNDLED_TASKS
    assert all(task["source"] == "bundled" for task in BUNDLED_TASKS)
    assert all("\ncheck " not in "\n" + task["tests"] for task in PYTHON_TASKS), "plain assert, as in own task files"


def test_bundled_tasks_passed_by_the_action_plugin_are_checked_like_a_task_file():
    given = {"tasks": [{"id": "t-1", "entry_point": "f", "prompt": "def f():\n", "tests": "assert f() is None\n"}]}
    (task,) = _eval_tasks.bundled_tasks(given)
    assert task["source"] == "bundled" and task["language"] == "python" and task["difficulty"] == "medium"
    with pytest.raises(_eval_tasks.TaskFileError, match="task_files: bundled, task 1 .* lacks tests"):
        _eval_tasks.bundled_tasks({"tasks": [{"id": "t-1", "entry_point": "f", "prompt": "def f():\n"}]})


def test_without_the_action_plugin_and_the_file_the_module_says_what_to_do(monkeypatch, tmp_path):
    monkeypatch.setattr(_eval_tasks, "BUNDLED_TASKS_FILE", str(tmp_path / "absent.yml"))
    with pytest.raises(_eval_tasks.TaskFileError, match="action plugin, which did not run here.*bundled_tasks: false"):
        _eval_tasks.bundled_tasks()
