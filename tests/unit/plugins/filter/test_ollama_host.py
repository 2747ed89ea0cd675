"""ollama_host filter: OLLAMA_HOST forms from the reference's section 9."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.local_llm.ollama.plugins.filter.ollama_host import ollama_host


@pytest.mark.parametrize("value, host, port, loopback, url", [
    (None, "127.0.0.1", 11434, True, "http://127.0.0.1:11434"),
    ("", "127.0.0.1", 11434, True, "http://127.0.0.1:11434"),
    ("127.0.0.1:11501", "127.0.0.1", 11501, True, "http://127.0.0.1:11501"),
    ("localhost", "localhost", 11434, True, "http://localhost:11434"),
    (":11434", "", 11434, False, "http://127.0.0.1:11434"),
    ("0.0.0.0:8080", "0.0.0.0", 8080, False, "http://127.0.0.1:8080"),
    ("[::1]:11434", "::1", 11434, True, "http://[::1]:11434"),
    ("[::]:11434", "::", 11434, False, "http://[::1]:11434"),
    ("http://192.168.1.5", "192.168.1.5", 80, False, "http://192.168.1.5:80"),
    ("https://example.org/ollama", "example.org", 443, False, "https://example.org:443"),
    ('"127.0.0.2:9"', "127.0.0.2", 9, True, "http://127.0.0.2:9"),
])
def test_forms(value, host, port, loopback, url):
    result = ollama_host(value)
    assert (result["host"], result["port"], result["loopback"], result["url"]) == (host, port, loopback, url)


def test_wildcard_is_all_interfaces():
    assert ollama_host("0.0.0.0")["all_interfaces"] is True
    assert ollama_host("127.0.0.1")["all_interfaces"] is False


@pytest.mark.parametrize("value", ["127.0.0.1:http", "127.0.0.1:70000", "127.0.0.1:0"])
def test_bad_port_is_a_clear_error(value):
    with pytest.raises(AnsibleFilterError, match="OLLAMA_HOST"):
        ollama_host(value)
