# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Playbook text run through module_runner.run_playbook with the ansible.posix.json callback, and its results."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from module_runner import run_playbook as run_playbook_file


def run_playbook(tmp_dir, playbook_text, extra_args=(), env=None):
    """Run the playbook text on localhost; returns (rc, parsed json callback output). extra_args: ('--check',);
    env: more environment for ansible-playbook."""
    playbook = os.path.join(str(tmp_dir), "playbook.yml")
    with open(playbook, "w") as handle:
        handle.write(playbook_text)
    rc, output = run_playbook_file(
        playbook, check="--check" in extra_args, env=dict(env or {}, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")
    )
    try:
        return rc, json.loads(output[output.index("{") : output.rindex("}") + 1])
    except ValueError:
        raise AssertionError("ansible-playbook printed no JSON (rc=%s):\n%s" % (rc, output))


def task_results(output):
    """{task name: localhost result} from the ansible.posix.json callback output."""
    results = {}
    for play in output["plays"]:
        for task in play["tasks"]:
            results[task["task"]["name"]] = task["hosts"]["localhost"]
    return results
