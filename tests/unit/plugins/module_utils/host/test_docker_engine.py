# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""host/_docker_engine: reading `docker info` and the signs of Docker Desktop, on the answers in tests/fixtures/docker-info.

The module itself runs against fake docker commands in tests/functional/test_docker_engine_info.py; these tests pin
the decisions underneath: which answer counts as an engine that answers, and which sign names Docker Desktop.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.host import _docker_engine as engine

FIXTURES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))),
    "fixtures",
    "docker-info",
)
DESKTOP_CLI = "/mnt/wsl/docker-desktop/cli-tools/usr/bin/docker"


def answer(name):
    with open(os.path.join(FIXTURES, name), "rb") as handle:
        return handle.read().decode("utf-8")


def test_docker_desktop_answers_and_is_named_by_three_signs():
    info, error = engine.parse_info(0, answer("docker-desktop-wsl2.json"), "")
    facts = engine.engine_facts(info, error, "/usr/bin/docker", "/usr/bin/docker")
    assert facts["reachable"] and facts["desktop"] and not facts["error"]
    assert facts["operating_system"] == "Docker Desktop" and facts["name"] == "docker-desktop"
    assert facts["gpu_runtime"] and "nvidia" in facts["runtimes"]
    assert facts["reasons"] == [
        'docker info reports OperatingSystem "Docker Desktop"',
        'docker info reports Name "docker-desktop"',
        "docker info reports the label com.docker.desktop.address=npipe://\\\\.\\pipe\\docker_cli",
    ]


def test_docker_ce_answers_and_is_not_docker_desktop():
    info, error = engine.parse_info(0, answer("docker-ce.json"), "")
    facts = engine.engine_facts(info, error, "/usr/bin/docker", "/usr/bin/docker", socket_realpath="/run/docker.sock")
    assert facts["reachable"] and not facts["desktop"] and facts["reasons"] == []
    assert facts["server_version"] and facts["installed"]


def test_a_daemon_that_is_down_is_not_reachable_and_says_why():
    info, error = engine.parse_info(1, answer("daemon-down.json"), "Cannot connect to the Docker daemon")
    assert isinstance(info, dict) and not info.get("ServerVersion")
    assert error.startswith("the Docker engine does not answer: ")
    assert "Cannot connect to the Docker daemon" in error
    facts = engine.engine_facts(info, error, "/usr/bin/docker", "/usr/bin/docker")
    assert not facts["reachable"] and facts["server_version"] == "" and facts["runtimes"] == []


@pytest.mark.parametrize(
    "rc, stdout, stderr, expected",
    [
        (0, "", "", "`docker info` printed no JSON object: no output"),
        (0, "WARNING: not json", "", "`docker info` printed no JSON object: WARNING: not json"),
        (1, "[1, 2]", "permission denied", "`docker info` failed (rc 1): permission denied"),
        (0, json.dumps({"ClientInfo": {}}), "", "the Docker engine does not answer: no server version in its answer"),
    ],
)
def test_answers_without_a_server_are_errors_that_say_what_came_back(rc, stdout, stderr, expected):
    info, error = engine.parse_info(rc, stdout, stderr)
    assert error == expected
    assert not engine.engine_facts(info, error, "/usr/bin/docker", "/usr/bin/docker")["reachable"]


@pytest.mark.parametrize("rc", engine.TIMEOUT_EXIT_CODES)
def test_a_command_stopped_by_timeout_names_the_limit(rc):
    assert engine.parse_info(rc, "", "", timeout=7) == (
        None,
        "`docker info` did not answer within 7 s (the engine or its socket hangs)",
    )


def test_the_exit_codes_of_timeout_mean_nothing_without_a_timeout():
    info, error = engine.parse_info(124, "", "boom")
    assert info is None and error == "`docker info` failed (rc 124): boom"


@pytest.mark.parametrize(
    "kwargs, sign",
    [
        ({"cli_path": "/usr/bin/docker", "cli_realpath": DESKTOP_CLI}, "resolves to " + DESKTOP_CLI),
        ({"cli_path": "/usr/bin/docker", "cli_link_target": DESKTOP_CLI}, "which is missing"),
        (
            {"cli_realpath": "/mnt/c/Program Files/Docker/Docker/resources/bin/docker"},
            "Windows-side wrapper: the WSL integration is off",
        ),
        (
            {"socket_realpath": "/mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock"},
            "the Docker socket resolves to",
        ),
        ({"cli_realpath": "/mnt/wsl/docker-desktop-data/x/docker"}, "resolves to"),
    ],
)
def test_paths_into_docker_desktop_are_signs_without_any_answer(kwargs, sign):
    reasons = engine.desktop_reasons(None, **kwargs)
    assert len(reasons) == 1 and sign in reasons[0]


@pytest.mark.parametrize(
    "path",
    ["/usr/bin/docker", "/mnt/wsl/docker-desktop-other/docker", "/mnt/wsl/elsewhere/docker-desktop/docker", None, ""],
)
def test_other_paths_are_no_sign(path):
    assert engine.desktop_reasons({}, cli_realpath=path, cli_link_target=path, socket_realpath=path) == []


def test_a_label_only_counts_by_its_key():
    assert engine.desktop_reasons({"Labels": ["x=com.docker.desktop.address", "com.docker.desktop.addressed=1"]}) == []
    assert engine.desktop_reasons({"Labels": ["com.docker.desktop.address=npipe://x"]}) == [
        "docker info reports the label com.docker.desktop.address=npipe://x"
    ]


def test_first_lines_joins_and_cuts():
    assert engine.first_lines("  a \n\n b  \n") == "a b"
    cut = engine.first_lines("x" * 400, limit=20)
    assert len(cut) == 20 and cut.endswith("...")
