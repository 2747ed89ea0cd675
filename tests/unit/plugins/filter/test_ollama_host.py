# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama_host filter: every row of the endpoint decision table (module_utils/ollama/endpoint_table.py, which
module_utils/ollama/test_endpoint.py runs through the modules' path) gives the same answer here, the error a role sees, and
a port given separately."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.ollama_host import ollama_host
from ansible_collections.local_llm.ollama.tests.unit.plugins.module_utils.ollama.endpoint_table import (
    CREDENTIALS,
    TABLE,
    module_path,
)


def test_null_is_the_default():
    assert ollama_host(None)["url"] == "http://127.0.0.1:11434"


@pytest.mark.parametrize("value", ["127.0.0.1:http", "127.0.0.1:70000", "127.0.0.1:0"])
def test_bad_port_is_a_filter_error_naming_the_option(value):
    with pytest.raises(AnsibleFilterError, match=r"^local_llm.ollama.ollama_host: ollama_listen=.* has the port"):
        ollama_host(value, "ollama_listen")


def filter_path(value, option):
    try:
        endpoint = ollama_host(value, option)
    except AnsibleFilterError as exc:
        return ("error", ("%s" % exc.message).replace("local_llm.ollama.ollama_host: ", "", 1))
    return (endpoint["url"], endpoint["host"], endpoint["port"], endpoint["loopback"], endpoint["all_interfaces"])


@pytest.mark.parametrize("value, expected", TABLE)
def test_every_row_of_the_table_as_the_modules_read_it(value, expected):
    filtered = filter_path(value, "host")
    assert filtered == module_path(value, "host")
    if expected[0] == "error":
        assert filtered[0] == "error"
        assert filtered[1].startswith("host=")
        assert expected[1] in filtered[1], filtered[1]
    else:
        assert filtered == expected


@pytest.mark.parametrize("value", CREDENTIALS)
def test_credentials_are_refused_and_never_echoed(value):
    filtered = filter_path(value, "host")
    assert filtered == module_path(value, "host")
    assert filtered[0] == "error" and "credentials" in filtered[1]
    assert "s3cr3t" not in filtered[1] and "tok3n" not in filtered[1] and ":p@" not in filtered[1]


@pytest.mark.parametrize(
    "host, port, listen, url, loopback",
    [
        ("127.0.0.1", 11500, "127.0.0.1:11500", "http://127.0.0.1:11500", True),
        ("::1", "11500", "[::1]:11500", "http://[::1]:11500", True),
        ("", 11434, ":11434", "http://127.0.0.1:11434", False),
        ("0.0.0.0", 1, "0.0.0.0:1", "http://127.0.0.1:1", False),
    ],
)
def test_a_bare_address_with_its_port_given_separately(host, port, listen, url, loopback):
    endpoint = ollama_host(host, "ollama_docker_bind_address", port=port)
    assert (endpoint["listen"], endpoint["url"], endpoint["loopback"]) == (listen, url, loopback)


@pytest.mark.parametrize(
    "host, port, words",
    [
        ("127.0.0.1:1", 2, "has a port of its own while the port is given separately"),
        ("127.0.0.1", "http", "the port 'http'"),
        ("127.0.0.1", 0, "the port '0'"),
    ],
)
def test_a_separate_port_is_checked_too(host, port, words):
    with pytest.raises(AnsibleFilterError, match="ollama_docker_bind_address.*" + words.replace("(", r"\(")):
        ollama_host(host, "ollama_docker_bind_address", port=port)
