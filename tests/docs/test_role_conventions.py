"""The role conventions docs/development.md states, checked on every role.

- A variable a role sets for itself (register, set_fact, a task's vars) is named ``<role>__<name>``; a fact a role
  sets for others is a result its argument_specs.yml description names (as ``C(<fact>)``). A task's vars never
  share a name with a fact (a fact outranks task vars, so a fact from an earlier play would win).
- Handlers are notified through a ``<role> <action>`` topic (``listen``), never by their name.
- A role reads no other role's variables except the documented results, and those only where a playbook hands
  them over.
"""

import glob
import os
import re

import pytest
import yaml
from docs_support import REPO_ROOT

ROLES = sorted(os.path.basename(path) for path in glob.glob(os.path.join(REPO_ROOT, "roles", "*")))


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def task_files(role):
    return sorted(glob.glob(os.path.join(REPO_ROOT, "roles", role, "tasks", "*.yml")))


def walk(tasks):
    for task in tasks:
        if not isinstance(task, dict):
            continue
        yield task
        for key in ("block", "rescue", "always"):
            yield from walk(task.get(key) or [])


def names_set(task):
    names = []
    if "register" in task:
        names.append(task["register"])
    for key in ("ansible.builtin.set_fact", "set_fact"):
        if isinstance(task.get(key), dict):
            names.extend(name for name in task[key] if name != "cacheable")
    names.extend(task.get("vars") or {})
    return names


def results(role):
    """The facts a role documents as set for others: C(name) in its argument_specs description."""
    spec = load(os.path.join(REPO_ROOT, "roles", role, "meta", "argument_specs.yml"))
    description = " ".join(spec["argument_specs"]["main"].get("description") or [])
    options = spec["argument_specs"]["main"].get("options") or {}
    return {name for name in re.findall(r"C\((%s_[a-z0-9_]+)\)" % role, description) if name not in options}


@pytest.mark.parametrize("role", ROLES)
def test_variables_a_role_sets_for_itself_are_marked_internal(role):
    allowed = results(role)
    # A role may hand a value to a module or template under that one's public name (custom_model's templates).
    public_inputs = set(
        load(os.path.join(REPO_ROOT, "roles", role, "meta", "argument_specs.yml"))["argument_specs"]["main"].get(
            "options"
        )
        or {}
    )
    wrong = []
    for path in task_files(role):
        for task in walk(load(path)):
            for name in names_set(task):
                if name.startswith(role + "__") or name in allowed or name in public_inputs:
                    continue
                if name == role + "_num_ctx" or name.endswith("_item"):
                    continue  # the template variables custom_model documents for Modelfile templates
                wrong.append("%s: %s" % (os.path.relpath(path, REPO_ROOT), name))
    assert not wrong, "name these %s__<name>, or document them as results: %s" % (role, wrong)


def facts_and_task_vars(role):
    facts, task_vars = set(), set()
    for path in task_files(role):
        for task in walk(load(path)):
            if "register" in task:
                facts.add(task["register"])
            for key in ("ansible.builtin.set_fact", "set_fact"):
                if isinstance(task.get(key), dict):
                    facts.update(task[key])
            task_vars.update("%s: %s" % (os.path.relpath(path, REPO_ROOT), name) for name in task.get("vars") or {})
    return facts, task_vars


@pytest.mark.parametrize("role", ROLES)
def test_no_task_var_shares_its_name_with_a_fact(role):
    facts, task_vars = facts_and_task_vars(role)
    shadowed = sorted(entry for entry in task_vars if entry.split(": ")[1] in facts)
    assert not shadowed, "a fact of the same name outranks these task vars (rename them): %s" % shadowed


@pytest.mark.parametrize("role", ROLES)
def test_handlers_are_notified_through_a_role_topic(role):
    handlers_file = os.path.join(REPO_ROOT, "roles", role, "handlers", "main.yml")
    topics = {handler.get("listen") for handler in (load(handlers_file) if os.path.exists(handlers_file) else [])}
    assert all(topic and topic.startswith(role + " ") for topic in topics), topics
    for path in task_files(role):
        for task in walk(load(path)):
            notify = task.get("notify")
            for topic in [notify] if isinstance(notify, str) else notify or []:
                assert topic in topics, "%s notifies %r; handlers listen to %s" % (path, topic, sorted(topics))


BARE_EXPRESSIONS = ("when", "that", "failed_when", "changed_when", "until", "loop")
TEMPLATED = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def expressions(path):
    """The Jinja a file evaluates: every {{ }} and {% %}, and a task's bare conditions (words in messages aside)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    found = TEMPLATED.findall(text)
    if "/tasks/" in path:
        for task in walk(yaml.safe_load(text) or []):
            for key in BARE_EXPRESSIONS:
                value = task.get(key)
                found.extend(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
            for nested in task.values():
                if isinstance(nested, dict) and "that" in nested:
                    that = nested["that"]
                    found.extend(that if isinstance(that, list) else [that])
    return found


@pytest.mark.parametrize("role", ROLES)
def test_a_role_reads_no_other_roles_variables(role):
    others = [other for other in ROLES if other != role]
    pattern = re.compile(r"(?<![\w.])(%s)_[a-z0-9_]+" % "|".join(map(re.escape, others)))
    found = []
    for folder in ("tasks", "templates", "vars", "defaults", "handlers"):
        for path in sorted(glob.glob(os.path.join(REPO_ROOT, "roles", role, folder, "*"))):
            for expression in expressions(path):
                found.extend(
                    "%s: %s" % (os.path.relpath(path, REPO_ROOT), m.group(0)) for m in pattern.finditer(expression)
                )
    assert not found, "hand these over as %s's own arguments: %s" % (role, found)
