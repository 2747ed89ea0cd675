# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one endpoint reader (module_utils/ollama/_endpoint.py) through the path every module's host option and OLLAMA_HOST
take (_client.base_url_from): the decision table in endpoint_table.py, credentials, listen addresses. The
ollama_host filter answers the same table in filter/test_ollama_host.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import (
    EndpointError,
    credentials,
    parse_endpoint,
)

from .endpoint_table import CREDENTIALS, TABLE, module_path


def test_the_table_is_big_enough():
    assert len(TABLE) + len(CREDENTIALS) >= 30


@pytest.mark.parametrize("value, expected", TABLE)
def test_every_row_of_the_table(value, expected):
    module = module_path(value, "host")
    if expected[0] == "error":
        assert module[0] == "error"
        assert module[1].startswith("host=")
        assert expected[1] in module[1], module[1]
        assert "127.0.0.1:11434" in module[1]  # what is accepted, by example
    else:
        assert module == expected


@pytest.mark.parametrize("value", CREDENTIALS)
def test_credentials_are_refused_and_never_echoed(value):
    module = module_path(value, "host")
    assert module[0] == "error"
    assert "credentials" in module[1]
    assert "s3cr3t" not in module[1] and "tok3n" not in module[1] and ":p@" not in module[1]


def test_listen_brackets_ipv6_and_keeps_wildcards():
    assert parse_endpoint("[::]:1")["listen"] == "[::]:1"
    assert parse_endpoint(":1")["listen"] == ":1"
    assert parse_endpoint("0.0.0.0")["listen"] == "0.0.0.0:11434"


def test_not_a_string():
    with pytest.raises(EndpointError, match="host must be a string like 127.0.0.1:11434, got int"):
        parse_endpoint(11434, "host")


@pytest.mark.parametrize(
    "value, secret",
    [("http://u:p@h:1", "u:p"), ("user:s3cr3t@box:11434", "user:s3cr3t"), ("https://tok3n@example.com/x", "tok3n")],
)
def test_the_credentials_a_module_hides(value, secret):
    assert credentials(value) == secret


@pytest.mark.parametrize("value", ["box:1", "http://h/p@q", "", None, 5])
def test_no_credentials(value):
    assert credentials(value) is None
