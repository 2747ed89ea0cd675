# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The decision table of the one endpoint reader (module_utils/ollama/_endpoint.py): forms of an OLLAMA_HOST-style value and
what each means. test_endpoint.py holds the modules' path (_client) to it; filter/test_ollama_host.py checks that the
ollama_host filter (what the roles use) gives the modules' answer, word for word, on every row."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import base_url_from
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import EndpointError, parse_endpoint

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
    """A row's answer as the modules get it: (url, host, port, loopback, all_interfaces) or ("error", message)."""
    try:
        url = base_url_from(value, option)
    except EndpointError as exc:
        return ("error", "%s" % exc)
    endpoint = parse_endpoint(value, option)
    return (url, endpoint["host"], endpoint["port"], endpoint["loopback"], endpoint["all_interfaces"])
