# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one endpoint reader (module_utils/_endpoint.py): a decision table, run through the module path (_client, what
every module's host option and OLLAMA_HOST go through) and the filter path (ollama_host, what the roles use), which
must give identical answers."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.ollama_host import ollama_host
from ansible_collections.local_llm.ollama.plugins.module_utils._client import base_url_from, resolve_base_url
from ansible_collections.local_llm.ollama.plugins.module_utils._endpoint import (
    EndpointError,
    credentials,
    parse_endpoint,
)

# value -> (url, host, port, loopback, all_interfaces), or an error: ("error", words the message must contain).
TABLE = [
    ("", ("http://127.0.0.1:11434", "127.0.0.1", 11434, True, False)),
    ("127.0.0.1", ("http://127.0.0.1:11434", "127.0.0.1", 11434, True, False)),
    ("127.0.0.1:11501", ("http://127.0.0.1:11501", "127.0.0.1", 11501, True, False)),
    ("localhost", ("http://localhost:11434", "localhost", 11434, True, False)),
    ("LOCALHOST:1", ("http://LOCALHOST:1", "LOCALHOST", 1, True, False)),
    ("127.9.9.9:65535", ("http://127.9.9.9:65535", "127.9.9.9", 65535, True, False)),
    ("box", ("http://box:11434", "box", 11434, False, False)),
    ("box:2", ("http://box:2", "box", 2, False, False)),
    ("lab-01.example.org:11434", ("http://lab-01.example.org:11434", "lab-01.example.org", 11434, False, False)),
    (":9999", ("http://127.0.0.1:9999", "", 9999, False, True)),
    ("0.0.0.0", ("http://127.0.0.1:11434", "0.0.0.0", 11434, False, True)),
    ("0.0.0.0:8080", ("http://127.0.0.1:8080", "0.0.0.0", 8080, False, True)),
    ("[::1]:11435", ("http://[::1]:11435", "::1", 11435, True, False)),
    ("[::1]", ("http://[::1]:11434", "::1", 11434, True, False)),
    ("::1", ("http://[::1]:11434", "::1", 11434, True, False)),
    ("[::]:11434", ("http://[::1]:11434", "::", 11434, False, True)),
    ("[fe80::1%eth0]:1", ("http://[fe80::1%eth0]:1", "fe80::1%eth0", 1, False, False)),
    ("http://example.com", ("http://example.com:80", "example.com", 80, False, False)),
    ("https://example.com", ("https://example.com:443", "example.com", 443, False, False)),
    ("HTTPS://example.com:8443", ("https://example.com:8443", "example.com", 8443, False, False)),
    ("https://example.com:8443/ollama/", ("https://example.com:8443/ollama", "example.com", 8443, False, False)),
    ("http://h/path", ("http://h:80/path", "h", 80, False, False)),
    ("http://10.0.0.5:11434", ("http://10.0.0.5:11434", "10.0.0.5", 11434, False, False)),
    ('"127.0.0.1:1234"', ("http://127.0.0.1:1234", "127.0.0.1", 1234, True, False)),
    ("  '127.0.0.2:9'  ", ("http://127.0.0.2:9", "127.0.0.2", 9, True, False)),
    ("box:abc", ("error", "the port 'abc', which is not a number in 1-65535")),
    ("box:70000", ("error", "the port '70000', which is not a number in 1-65535")),
    ("localhost:99999", ("error", "the port '99999'")),
    ("127.0.0.1:0", ("error", "the port '0'")),
    ("127.0.0.1:-1", ("error", "the port '-1'")),
    ("box:", ("http://box:11434", "box", 11434, False, False)),
    ("ftp://x:1", ("error", "the scheme 'ftp', which Ollama does not serve")),
    ("unix:///x", ("error", "the scheme 'unix'")),
    ("http://", ("error", "names no host")),
    ("https:///path", ("error", "names no host")),
    ("[::1:12345", ("error", "opens a [ it does not close")),
    ("[::1]x", ("error", "has 'x' after the bracketed address")),
    ("bad host", ("error", "the host 'bad host', which is neither a host name nor an IP address")),
    ("box;rm -rf:1", ("error", "neither a host name nor an IP address")),
]
CREDENTIALS = ["http://u:p@h:1", "user:s3cr3t@box:11434", "https://tok3n@example.com/x"]


def module_path(value, option):
    try:
        url = base_url_from(value, option)
    except EndpointError as exc:
        return ("error", "%s" % exc)
    endpoint = parse_endpoint(value, option)
    return (url, endpoint["host"], endpoint["port"], endpoint["loopback"], endpoint["all_interfaces"])


def filter_path(value, option):
    try:
        endpoint = ollama_host(value, option)
    except AnsibleFilterError as exc:
        return ("error", ("%s" % exc.message).replace("local_llm.ollama.ollama_host: ", "", 1))
    return (endpoint["url"], endpoint["host"], endpoint["port"], endpoint["loopback"], endpoint["all_interfaces"])


def test_the_table_is_big_enough():
    assert len(TABLE) + len(CREDENTIALS) >= 30


@pytest.mark.parametrize("value, expected", TABLE)
def test_module_and_filter_agree_on_every_row(value, expected):
    module, filtered = module_path(value, "host"), filter_path(value, "host")
    assert module == filtered
    if expected[0] == "error":
        assert module[0] == "error"
        assert module[1].startswith("host=")
        assert expected[1] in module[1], module[1]
        assert "127.0.0.1:11434" in module[1]  # what is accepted, by example
    else:
        assert module == expected


@pytest.mark.parametrize("value", CREDENTIALS)
def test_credentials_are_refused_and_never_echoed(value):
    module, filtered = module_path(value, "host"), filter_path(value, "host")
    assert module == filtered and module[0] == "error"
    assert "credentials" in module[1]
    assert "s3cr3t" not in module[1] and "tok3n" not in module[1] and ":p@" not in module[1]


def test_listen_brackets_ipv6_and_keeps_wildcards():
    assert parse_endpoint("[::]:1")["listen"] == "[::]:1"
    assert parse_endpoint(":1")["listen"] == ":1"
    assert parse_endpoint("0.0.0.0")["listen"] == "0.0.0.0:11434"


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


def test_not_a_string():
    with pytest.raises(EndpointError, match="host must be a string like 127.0.0.1:11434, got int"):
        parse_endpoint(11434, "host")


def test_module_host_option_wins_over_the_environment_and_an_empty_one_is_refused():
    env = {"OLLAMA_HOST": "10.1.1.1:1"}
    assert resolve_base_url("box:2", env) == "http://box:2"
    assert resolve_base_url(None, env) == "http://10.1.1.1:1"
    assert resolve_base_url(None, {}) == "http://127.0.0.1:11434"
    with pytest.raises(EndpointError, match="host is empty; leave it out to use OLLAMA_HOST"):
        resolve_base_url("  ", env)


def test_a_bad_environment_value_names_ollama_host():
    with pytest.raises(EndpointError, match=r"^OLLAMA_HOST='box:abc' has the port"):
        resolve_base_url(None, {"OLLAMA_HOST": "box:abc"})


@pytest.mark.parametrize(
    "value, secret",
    [("http://u:p@h:1", "u:p"), ("user:s3cr3t@box:11434", "user:s3cr3t"), ("https://tok3n@example.com/x", "tok3n")],
)
def test_the_credentials_a_module_hides(value, secret):
    assert credentials(value) == secret


@pytest.mark.parametrize("value", ["box:1", "http://h/p@q", "", None, 5])
def test_no_credentials(value):
    assert credentials(value) is None
