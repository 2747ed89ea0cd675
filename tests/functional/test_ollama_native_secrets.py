# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama_native's secret environment through real ansible-playbook runs with --diff and -vvv: the file gets the
values in systemd's EnvironmentFile syntax with mode 0600, and no output line shows a value, neither when the file is
created nor when a value changes, nor when a bad value is refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest
from module_runner import run_role_tasks

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the secrets file is owned by root")

FIRST = 'tok3n-"first"-$HOME-`id`-\\end'
SECOND = "tok3n-second-value"


def run(tmp_path, tasks_from, variables):
    return run_role_tasks(tmp_path, "ollama_native", tasks_from, variables, diff=True, env={"ANSIBLE_VERBOSITY": "3"})


def test_values_reach_a_0600_file_and_never_the_output(tmp_path):
    path = tmp_path / "etc" / "secrets.env"
    variables = {
        "ollama_native_secret_env_path": str(path),
        "ollama_native_secret_environment": {"HTTPS_PROXY": FIRST, "HF_TOKEN": "hf-abc"},
    }
    rc, output = run(tmp_path, "secrets.yml", variables)
    assert rc == 0, output
    assert "tok3n" not in output and "hf-abc" not in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    lines = path.read_text().splitlines()
    # systemd's EnvironmentFile syntax: in double quotes, \\ " ` $ are escaped with a backslash.
    assert lines[3:] == ['HF_TOKEN="hf-abc"', 'HTTPS_PROXY="tok3n-\\"first\\"-\\$HOME-\\`id\\`-\\\\end"']

    variables["ollama_native_secret_environment"]["HTTPS_PROXY"] = SECOND
    rc, output = run(tmp_path, "secrets.yml", variables)
    assert rc == 0, output
    assert "tok3n" not in output and "hf-abc" not in output
    assert 'HTTPS_PROXY="tok3n-second-value"' in path.read_text()

    variables["ollama_native_secret_environment"] = {}
    rc, output = run(tmp_path, "secrets.yml", variables)
    assert rc == 0, output
    assert not path.exists()


def test_a_multi_line_value_is_refused_naming_the_variable_not_the_value(tmp_path):
    variables = {
        "ollama_native_secret_environment": {"HTTPS_PROXY": "tok3n\nEXTRA=1"},
        "ansible_facts": {"architecture": "x86_64"},
    }
    rc, output = run(tmp_path, "validate.yml", variables)
    assert rc != 0
    assert "ollama_native_secret_environment (HTTPS_PROXY)" in output
    assert "values single lines without NUL (HTTPS_PROXY)" in output
    assert "tok3n" not in output
