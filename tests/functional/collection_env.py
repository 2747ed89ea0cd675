# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run real ansible-playbook against localhost with this checkout installed as local_llm.ollama."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import shutil
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ansible_playbook_binary():
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return candidate if os.path.exists(candidate) else shutil.which('ansible-playbook')


def collection_environment(tmp_dir):
    """Environment whose ANSIBLE_COLLECTIONS_PATH starts with a tree holding this checkout as local_llm.ollama,
    followed by the caller's ANSIBLE_COLLECTIONS_PATH (where community.general, ansible.posix ... live)."""
    namespace = os.path.join(str(tmp_dir), 'ansible_collections', 'local_llm')
    os.makedirs(namespace)
    os.symlink(REPO_ROOT, os.path.join(namespace, 'ollama'))
    paths = [str(tmp_dir)] + [path for path in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep) if path]
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': os.pathsep.join(paths),
        'ANSIBLE_STDOUT_CALLBACK': 'ansible.posix.json',
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': 'false',
        'ANSIBLE_HOME': os.path.join(str(tmp_dir), 'ansible-home'),
        'ANSIBLE_NOCOLOR': '1',
    })
    return env


def run_playbook(tmp_dir, playbook_text, extra_args=()):
    """Run the playbook on localhost with this Python as interpreter; returns (rc, parsed json callback output)."""
    playbook = os.path.join(str(tmp_dir), 'playbook.yml')
    with open(playbook, 'w') as handle:
        handle.write(playbook_text)
    command = [ansible_playbook_binary(), '-i', 'localhost,', '-c', 'local',
               '-e', 'ansible_python_interpreter=%s' % sys.executable, playbook] + list(extra_args)
    completed = subprocess.run(command, env=collection_environment(tmp_dir), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, universal_newlines=True, timeout=300, check=False)
    try:
        output = json.loads(completed.stdout)
    except ValueError:
        raise AssertionError('ansible-playbook printed no JSON (rc=%s)\nstdout:\n%s\nstderr:\n%s'
                             % (completed.returncode, completed.stdout, completed.stderr))
    return completed.returncode, output


def task_results(output):
    """{task name: localhost result} from the ansible.posix.json callback output."""
    results = {}
    for play in output['plays']:
        for task in play['tasks']:
            results[task['task']['name']] = task['hosts']['localhost']
    return results
