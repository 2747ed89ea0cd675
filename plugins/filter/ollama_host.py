# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filter ollama_host: the endpoint reader of module_utils/ollama/_endpoint.py (the one the modules use) for the roles;
documented in ollama_host.yml."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import EndpointError, parse_endpoint


def ollama_host(value, option="OLLAMA_HOST", port=None):
    """Scheme, host, port, path, client URL, listen address and loopback-ness of an OLLAMA_HOST value."""
    try:
        return parse_endpoint(value, option, port)
    except EndpointError as exc:
        raise AnsibleFilterError("local_llm.ollama.ollama_host: %s" % exc)


class FilterModule(object):
    def filters(self):
        return {"ollama_host": ollama_host}
