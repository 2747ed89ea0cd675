# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters server_env_errors, remote_origins and compose_environment: the shared server environment rules of
module_utils/_server_env.py for the roles; documented in server_env_errors.yml, remote_origins.yml and
compose_environment.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils._server_env import (
    compose_environment,
    environment_errors,
    remote_origins,
)


def server_env_errors(environment, option):
    """Messages naming every invalid name or value in a server environment dict (empty when valid)."""
    return environment_errors(environment, option)


def ollama_remote_origins(value):
    """The origins of an OLLAMA_ORIGINS value that are not local to this machine."""
    return remote_origins(value)


def ollama_compose_environment(environment):
    """The environment as Compose writes it: values as text with every $ doubled (no interpolation)."""
    return compose_environment(environment)


class FilterModule(object):
    def filters(self):
        return {
            "server_env_errors": server_env_errors,
            "remote_origins": ollama_remote_origins,
            "compose_environment": ollama_compose_environment,
        }
