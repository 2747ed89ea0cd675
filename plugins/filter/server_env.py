# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters server_env_report, server_env_errors, remote_origins, compose_environment, systemd_environment and
environment_file: the shared server environment rules of module_utils/host/_server_env.py for the roles; each documented
in the .yml file of its name next to this file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.host._server_env import (
    compose_environment,
    environment_errors,
    environment_file,
    environment_report,
    remote_origins,
    systemd_environment,
)


def server_env_report(environment, option, secret_environment=None, secret_option=None):
    """Errors, warnings, flash attention, KV cache type, OLLAMA_HOST and remote origins of a server environment dict
    (with its secret environment: both as one set), by Ollama's own rules."""
    return environment_report(environment, option, secret_environment, secret_option)


def server_env_errors(environment, option):
    """Messages naming every invalid name or value in a server environment dict (empty when valid)."""
    return environment_errors(environment, option)


def ollama_remote_origins(value):
    """The origins of an OLLAMA_ORIGINS value that are not local to this machine."""
    return remote_origins(value)


def ollama_compose_environment(environment):
    """The environment as Compose writes it: values as text with every $ doubled (no interpolation)."""
    return compose_environment(environment)


def ollama_systemd_environment(environment):
    """The quoted values of a systemd drop-in's Environment= lines (booleans as 1/0, escaped)."""
    return systemd_environment(environment)


def ollama_environment_file(environment):
    """The NAME="value" lines of a systemd EnvironmentFile (booleans as 1/0, escaped)."""
    return environment_file(environment)


class FilterModule(object):
    def filters(self):
        return {
            "server_env_report": server_env_report,
            "server_env_errors": server_env_errors,
            "remote_origins": ollama_remote_origins,
            "compose_environment": ollama_compose_environment,
            "systemd_environment": ollama_systemd_environment,
            "environment_file": ollama_environment_file,
        }
