# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
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


def client_from_module(module):
    """Build the client from the module's api options; fail_json on a bad host value."""
    params = module.params
    try:
        client = OllamaClient(host=params["host"], timeout=params["timeout"],
                              validate_certs=params["validate_certs"])
    except ValueError as exc:
        # The message names the option itself (host, or OLLAMA_HOST when host is not set).
        module.fail_json(msg="%s" % exc)
    if params["wait_for_server"] > 0:
        client.wait_until_up(params["wait_for_server"])
    return client
