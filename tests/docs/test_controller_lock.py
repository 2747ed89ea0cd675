# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The controller's lock, requirements/constraints.txt: `make provision` and `make test` install with it, so the
virtualenv the tests ran in holds exactly its versions, and the ansible commands a user runs print no warning."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

from docs_support import REPO_ROOT

LOCK = os.path.join(REPO_ROOT, "requirements", "constraints.txt")


def pinned(lines):
    """{normalized name: version} of the `name==version` lines."""
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[name.strip().lower().replace("_", "-")] = version.strip()
    return found


def test_the_tested_virtualenv_holds_exactly_the_locked_versions():
    assert os.path.isfile(LOCK), "requirements/constraints.txt, the controller's lock, is missing"
    with open(LOCK, encoding="utf-8") as handle:
        locked = pinned(handle)
    freeze = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = pinned(freeze.stdout.splitlines())
    differences = sorted(
        "%s: installed %s, locked %s" % (name, installed.get(name, "-"), locked.get(name, "-"))
        for name in set(installed) | set(locked)
        if installed.get(name) != locked.get(name)
    )
    assert not differences, (
        "the virtualenv make test runs in differs from requirements/constraints.txt, which make provision installs "
        "with; pin the versions that were tested there:\n" + "\n".join(differences)
    )


def test_the_lock_pins_an_ansible_core_the_controller_requirements_allow():
    with open(LOCK, encoding="utf-8") as handle:
        core = pinned(handle)["ansible-core"]
    assert core.startswith("2.19."), (
        "requirements/controller.txt allows ansible-core >=2.17,<2.20; the lock pins " + core
    )


def test_ansible_commands_print_no_warning():
    """ansible-core 2.19 imports cryptography's DSA names; cryptography 51 deprecates them with a warning on every
    command (ansible-playbook, ansible-galaxy, ansible-doc) unless the lock keeps it below 51."""
    venv_bin = os.path.dirname(sys.executable)
    for command in ("ansible-playbook", "ansible-galaxy", "ansible-doc"):
        result = subprocess.run(
            [os.path.join(venv_bin, command), "--version"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == "", "%s --version printed on stderr:\n%s" % (command, result.stderr)
