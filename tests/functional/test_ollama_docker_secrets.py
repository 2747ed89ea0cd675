# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama_docker's secret environment through real ansible-playbook runs with --diff and -vvv: the Compose override
file gets the values (every $ doubled, so Compose passes them unchanged) with mode 0600, and no output line shows a
value, neither when the file is created nor when a value changes, nor when a bad value is refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

import pytest
import yaml
from module_runner import run_role_tasks

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the override file is owned by root")

FIRST = 'tok3n-"first"-$HOME-${PATH}-`id`-\\end'
SECOND = "tok3n-second-value"


def run(tmp_path, tasks_from, variables):
    return run_role_tasks(tmp_path, "ollama_docker", tasks_from, variables, diff=True, env={"ANSIBLE_VERBOSITY": "3"})


def override_environment(path):
    return yaml.safe_load(path.read_text())["services"]["ollama"]["environment"]


def test_values_reach_a_0600_override_and_never_the_output(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    path = project / "docker-compose.override.yml"
    variables = {
        "ollama_docker_project_dir": str(project),
        "ollama_docker_secret_environment": {"HTTPS_PROXY": FIRST, "HF_TOKEN": "hf-abc"},
    }
    rc, output = run(tmp_path, "secrets.yml", variables)
    assert rc == 0, output
    assert "tok3n" not in output and "hf-abc" not in output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert override_environment(path) == {
        "HF_TOKEN": "hf-abc",
        "HTTPS_PROXY": 'tok3n-"first"-$$HOME-$${PATH}-`id`-\\end',
    }

    variables["ollama_docker_secret_environment"]["HTTPS_PROXY"] = SECOND
    rc, output = run(tmp_path, "secrets.yml", variables)
    assert rc == 0, output
    assert "tok3n" not in output and "hf-abc" not in output
    assert override_environment(path)["HTTPS_PROXY"] == SECOND

    variables["ollama_docker_secret_environment"] = {}
    rc, output = run(tmp_path, "secrets.yml", variables)
    assert rc == 0, output
    assert not path.exists()


@pytest.mark.parametrize(
    "secrets,message",
    [
        (
            {"HTTPS_PROXY": "tok3n\nEXTRA=1"},
            "ollama_docker_secret_environment: the value of HTTPS_PROXY contains a newline; environment values must be a "
            "single line",
        ),
        (
            {"OLLAMA_KEEP_ALIVE": "7m"},
            "ollama_docker_secret_environment sets OLLAMA_KEEP_ALIVE, which ollama_docker_environment or the role already set",
        ),
        ({"OLLAMA_HOST": "tok3n"}, "ollama_docker_secret_environment sets OLLAMA_HOST"),
    ],
)
def test_a_bad_secret_is_refused_naming_the_variable_not_the_value(tmp_path, secrets, message):
    variables = {"ollama_docker_secret_environment": secrets}
    rc, output = run(tmp_path, "validate.yml", variables)
    assert rc != 0
    assert message in output
    assert "tok3n" not in output
