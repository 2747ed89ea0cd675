# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generated bad values for every role variable (meta/argument_specs.yml + meta/kinds.yml) fail at the role's input
checks, clearly, before any task reaches the host.

One real ansible-playbook run per role, in check mode, with one inventory host per bad value (the variable under test
set on that host) and one host with every default. Every host is an ssh connection to 127.0.0.2 port 9, where nothing
listens, so a task that reaches the host shows as unreachable: a defect for a bad value. A bad value must fail at
Ansible's argument validation or at role_inputs, with a message that names the variable and what it accepts, without
a traceback; the host with the defaults must pass both. The run ends with the tally per role.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys
import tempfile
import time

import pytest
import yaml
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from bad_value_tally import registered_tally
from bad_values import accepted_words, bad_values
from module_runner import BIN_DIR, COLLECTION_DIR, COLLECTIONS_ROOT, module_env

VERDICTS = ("clear", "unclear", "traceback", "wrong success", "reached the host")
ROLES_DIR = os.path.join(COLLECTION_DIR, "roles")
ROLES = sorted(
    name for name in os.listdir(ROLES_DIR) if os.path.isfile(os.path.join(ROLES_DIR, name, "meta", "kinds.yml"))
)
GOOD_HOST = "defaults"
ARGUMENT_CHECK = "Validating arguments against arg spec"
KIND_CHECK = "Check every variable by its kind of value"
# Ansible's own argument validation words for what an option accepts.
ANSIBLE_WORDS = ("is of type", "must be one of", "unable to convert", "elements", "is not a valid", "cannot be")
BOUND_SECONDS = 120
INCLUDES = ("include_tasks", "ansible.builtin.include_tasks")
# Valid values for defaults that need facts (gather_facts is off); the variable under test replaces its own.
WITHOUT_FACTS = {"docker_nvidia": {"docker_nvidia_docker_repo_url": "https://download.docker.com/linux/debian"}}
UNREACHABLE = {"ansible_connection": "ssh", "ansible_host": "127.0.0.2", "ansible_port": 9, "ansible_user": "nobody"}


def _read(role, name):
    with open(os.path.join(ROLES_DIR, role, "meta", name)) as handle:
        return yaml.safe_load(handle)


def cases(role):
    """[(variable, label, value)]: every generated bad value of every variable of the role's main entry point."""
    kinds = _read(role, "kinds.yml")["kinds"]["main"]
    return [
        (variable, label, value) for variable, declaration in kinds.items() for label, value in bad_values(declaration)
    ]


def ansible_refuses(spec, variable, value):
    """Whether Ansible's own argument validation refuses the value (it then reports before role_inputs runs)."""
    try:
        return bool(ArgumentSpecValidator({variable: spec}).validate({variable: value}).error_messages)
    except Exception:  # pylint: disable=broad-exception-caught
        return True


def packed_hosts(role, role_cases):
    """{host: [(variable, label, value)]}: each host carries at most one bad value per variable, since both checks
    report every problem at once; values Ansible's own validation refuses go to hosts of their own, as that check
    stops the role before role_inputs."""
    options = _read(role, "argument_specs.yml")["argument_specs"]["main"]["options"]
    hosts = {}
    for variable, label, value in role_cases:
        lane = "ansible" if ansible_refuses(options[variable], variable, value) else "kinds"
        index = 0
        while any(case[0] == variable for case in hosts.get("%s_%d" % (lane, index), [])):
            index += 1
        hosts.setdefault("%s_%d" % (lane, index), []).append((variable, label, value))
    return hosts


def inventory(role, hosts_cases):
    common = dict(UNREACHABLE, **WITHOUT_FACTS.get(role, {}))
    hosts = {GOOD_HOST: dict(common)}
    for host, host_cases in hosts_cases.items():
        hosts[host] = dict(common, **dict((variable, value) for variable, _label, value in host_cases))
    return {"all": {"hosts": hosts}}


def run_playbook_on(folder, inventory_data, roles):
    """The json callback's output of ``roles`` applied, in check mode, to the hosts of ``inventory_data``."""
    with open(os.path.join(folder, "inventory.yml"), "w") as handle:
        yaml.safe_dump(inventory_data, handle, allow_unicode=True)
    with open(os.path.join(folder, "playbook.yml"), "w") as handle:
        yaml.safe_dump([{"name": "Bad inputs", "hosts": "all", "gather_facts": False, "roles": roles}], handle)
    env = module_env(
        {
            "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join(
                [COLLECTIONS_ROOT] + [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
            ),
            "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_HOME": folder,
            "ANSIBLE_FORKS": "8",
            "ANSIBLE_TIMEOUT": "5",
            "ANSIBLE_HOST_KEY_CHECKING": "0",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "ANSIBLE_SSH_ARGS": "-o ControlMaster=no -o BatchMode=yes",
        }
    )
    command = [os.path.join(BIN_DIR, "ansible-playbook"), "-i", "inventory.yml", "playbook.yml", "--check"]
    proc = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=600, check=False)
    try:
        return json.loads(proc.stdout[proc.stdout.index("{") : proc.stdout.rindex("}") + 1])
    except ValueError:
        raise AssertionError(
            "ansible-playbook printed no JSON (rc=%s):\n%s" % (proc.returncode, proc.stdout + proc.stderr)
        )


def run_role(role, hosts_cases, folder):
    """The json callback's output of the role applied to every host, and the seconds the run took."""
    started = time.monotonic()
    output = run_playbook_on(folder, inventory(role, hosts_cases), ["local_llm.ollama.%s" % role])
    return output, time.monotonic() - started


def host_results(output):
    """{host: [(task name, result)]} in the order the tasks ran."""
    results = {}
    for play in output["plays"]:
        for task in play["tasks"]:
            for host, result in task["hosts"].items():
                results.setdefault(host, []).append((task["task"]["name"], result))
    return results


def task_title(task_name):
    """The task's name without the role prefix the callback adds ('local_llm.ollama.verify : ')."""
    return task_name.split(" : ", 1)[-1]


def is_input_check(task_name):
    return task_title(task_name).startswith((ARGUMENT_CHECK, KIND_CHECK))


def names(line, variable):
    """Whether the message line names the variable (as a whole word: verify_benchmark is not verify_benchmark_runs)."""
    return re.search(r"(?<![A-Za-z0-9_])%s(?![A-Za-z0-9_])" % re.escape(variable), line) is not None


def judge(variable, declaration, results):
    """(verdict, detail) of one bad value from the task results of its host."""
    failed = [(name, result) for name, result in results if result.get("failed") or result.get("unreachable")]
    text = json.dumps(results, default=repr)
    if "Traceback" in text:
        return "traceback", text[:300]
    if not failed:
        return "wrong success", text[:300]
    name, result = failed[0]
    later = [other for other, found in results if not is_input_check(other) and found.get("action") not in INCLUDES]
    if result.get("unreachable") or not is_input_check(name) or later:
        return "reached the host", "task %r: %s" % (name, ("%s" % result.get("msg", ""))[:200])
    if task_title(name).startswith(ARGUMENT_CHECK):
        lines, clear_words = (
            ["%s" % line for line in result.get("argument_errors") or [result.get("msg", "")]],
            ANSIBLE_WORDS,
        )
    else:
        lines, clear_words = ["%s" % line for line in result.get("problems") or [result.get("msg", "")]], None
    own = [line for line in lines if names(line, variable)]
    if not own:
        return "unclear", "no message names %s: %s" % (variable, " | ".join(lines)[:300])
    clear_words = clear_words or accepted_words(declaration)
    if not any(words in line for line in own for words in clear_words):
        return "unclear", "the message does not say what %s accepts: %s" % (variable, own[0])
    return "clear", own[0]


@pytest.fixture(scope="module")
def tally(request):
    return registered_tally(request, "generated bad input tally (roles)", VERDICTS, "generated-bad-input-tally-roles")


def test_generated_values_are_bad():
    assert all(cases(role) for role in ROLES)


def test_a_host_carries_one_value_per_variable():
    for role in ROLES:
        for host_cases in packed_hosts(role, cases(role)).values():
            assert len(set(case[0] for case in host_cases)) == len(host_cases)


@pytest.mark.parametrize("role", ROLES)
def test_generated_bad_values_fail_clearly_at_the_input_checks(role, tally):
    hosts_cases = packed_hosts(role, cases(role))
    kinds = _read(role, "kinds.yml")["kinds"]["main"]
    with tempfile.TemporaryDirectory(prefix="llo-bad-role-") as folder:
        output, seconds = run_role(role, hosts_cases, folder)
    tally.notes[role] = " (%.0f s)" % seconds
    results = host_results(output)
    defaults = dict(results.get(GOOD_HOST, []))
    passed = [name for name, result in defaults.items() if is_input_check(name) and not result.get("failed")]
    assert len(passed) == 2, "the defaults must pass both input checks: %s" % json.dumps(defaults, default=repr)[:2000]
    for host, host_cases in sorted(hosts_cases.items()):
        for variable, label, _value in host_cases:
            verdict, detail = judge(variable, kinds[variable], results.get(host, []))
            tally.record(role, verdict, "%s %s: %s" % (variable, label, detail))
    assert seconds < BOUND_SECONDS, "%s took %.0f s" % (role, seconds)
    counts = tally.counts[role]
    assert counts["clear"] == sum(counts.values()), "\n".join(
        line for line in tally.details if (": %s: " % role) in line
    )
