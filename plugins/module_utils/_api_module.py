# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared argument spec and client construction for modules using the local_llm.ollama.api fragment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils._client import OllamaClient


def api_argument_spec():
    return dict(
        host=dict(type="str"),
        timeout=dict(type="int", default=30),
        validate_certs=dict(type="bool", default=True),
        wait_for_server=dict(type="int", default=0),
    )


DAY = 86400
# Every duration option of the modules: (smallest, largest) seconds and what the option governs.
SECONDS_OPTIONS = {
    "timeout": (1, DAY, "how long one API request may take"),
    "wait_for_server": (0, DAY, "how long to wait for the server to answer first (0: do not wait)"),
    "pull_timeout": (1, 7 * DAY, "how long to wait for the next progress line of a pull or create, or a blob upload"),
    "task_timeout": (1, DAY, "how long one task's tests may run"),
    "go_build_timeout": (1, DAY, "how long compiling one Go task may take"),
}


def seconds_problems(params):
    """A message for each duration option in ``params`` outside its range (empty when all are fine)."""
    problems = []
    for option in sorted(SECONDS_OPTIONS):
        value = params.get(option)
        smallest, largest, meaning = SECONDS_OPTIONS[option]
        if value is not None and not smallest <= value <= largest:
            problems.append(
                "%s=%s is not a number of seconds in %d-%d (%s)" % (option, value, smallest, largest, meaning)
            )
    return problems


def check_seconds(module):
    """fail_json before anything is done when a duration option is out of range."""
    problems = seconds_problems(module.params)
    if problems:
        module.fail_json(msg="; ".join(problems))


def client_from_module(module):
    """Build the client from the module's api options; fail_json on a bad host value or duration."""
    params = module.params
    check_seconds(module)
    try:
        client = OllamaClient(host=params["host"], timeout=params["timeout"], validate_certs=params["validate_certs"])
    except ValueError as exc:
        # The message names the option itself (host, or OLLAMA_HOST when host is not set).
        module.fail_json(msg="%s" % exc)
    if params["wait_for_server"] > 0:
        client.wait_until_up(params["wait_for_server"])
    return client
