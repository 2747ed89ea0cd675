# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared argument spec and client construction for modules using the local_llm.ollama.api fragment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import OllamaClient
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import credentials


def api_argument_spec():
    return dict(
        host=dict(type="str"),
        timeout=dict(type="int", default=30),
        validate_certs=dict(type="bool", default=True),
        wait_for_server=dict(type="int", default=0),
    )


DAY = 86400


def seconds_kind(option):
    """The kind of a duration option of SECONDS_OPTIONS: whole seconds in its range."""
    smallest, largest = SECONDS_OPTIONS[option][:2]
    return {"kind": "number", "integer": True, "min": smallest, "max": largest, "unit": "seconds"}


def api_kinds():
    """The kind of each option of api_argument_spec (kinds/_kinds.py)."""
    return dict(
        host={"kind": "endpoint"},
        timeout=seconds_kind("timeout"),
        validate_certs={"kind": "flag"},
        wait_for_server=seconds_kind("wait_for_server"),
    )


# Every duration option of the modules (and, through the seconds_errors filter, of the roles): (smallest, largest)
# seconds and what the option governs.
SECONDS_OPTIONS = {
    "timeout": (1, DAY, "how long one API request may take"),
    "wait_for_server": (0, DAY, "how long to wait for the server to answer first (0: do not wait)"),
    "pull_timeout": (1, 7 * DAY, "how long to wait for the next progress line of a pull or create, or a blob upload"),
    "task_timeout": (1, DAY, "how long one task's tests may run"),
    "go_build_timeout": (1, DAY, "how long compiling one Go task may take"),
    "wait_timeout": (1, DAY, "how long to wait for a started server to answer"),
    "deadline": (1, DAY, "how long all the requests of one task may take together"),
}


def _whole_number(value):
    """An int, a whole float or the text of an integer (a role variable) as an int; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def seconds_problem(name, value, like=None, meaning=None):
    """The message for a duration outside the range of the option ``like`` (default: ``name`` itself), else None.

    ``name`` is what the message calls it (an option or a role variable); ``meaning`` replaces the option's own."""
    smallest, largest, own_meaning = SECONDS_OPTIONS[like or name]
    number = _whole_number(value)
    if value is None or (number is not None and smallest <= number <= largest):
        return None
    return "%s=%s is not a number of seconds in %d-%d (%s)" % (name, value, smallest, largest, meaning or own_meaning)


def seconds_problems(params, meanings=None):
    """A message for each duration option in ``params`` outside its range (empty when all are fine); ``meanings``
    replaces what an option governs where a module's option of that name governs something else."""
    problems = [
        seconds_problem(option, params.get(option), meaning=(meanings or {}).get(option))
        for option in sorted(SECONDS_OPTIONS)
    ]
    return [problem for problem in problems if problem]


def check_seconds(module, meanings=None):
    """fail_json before anything is done when a duration option is out of range."""
    problems = seconds_problems(module.params, meanings)
    if problems:
        module.fail_json(msg="; ".join(problems))


def hide_credentials(module):
    """Keep the user:password@ of a host value (refused when the client is built) out of every output of the module,
    the echo of its arguments included."""
    for value in (module.params.get("host"), os.environ.get("OLLAMA_HOST")):
        secret = credentials(value)
        if secret:
            module.no_log_values.add(secret)


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
