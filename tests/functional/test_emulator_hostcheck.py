"""The emulator's DNS rebinding defence against what the real Ollama 0.32.15 answers.

Every (Host header -> status) pair below was measured on the real server (../shared/ollama-0.32.15-cpu, serving on
127.0.0.1:11570 and on 0.0.0.0:11571) with `curl -H 'Host: ...'`; the rules are allowedHostsMiddleware, allowedHost
and isLocalIP in server/routes.go at v0.32.15.
"""

import http.client
import ipaddress
import socket

import pytest
from ollama_emulator import hostcheck

# Measured on the real 0.32.15 server listening on 127.0.0.1.
REAL_ON_LOOPBACK = [
    ("rebind.attacker.example", 403),
    ("rebind.attacker.example:11434", 403),
    ("127.0.0.1:11570", 200),
    ("localhost:11570", 200),
    ("LOCALHOST", 200),
    ("[::1]", 403),  # SplitHostPort fails without a port: "[::1]" is no IP and no name
    ("[::1]:11570", 200),
    ("foo.localhost:1", 200),
    ("x.internal", 200),
    ("a.local", 200),
    ("a.localhost.", 403),
    ("internal", 403),
    ("10.1.2.3", 200),
    ("172.16.0.1", 200),
    ("100.64.0.1", 403),
    ("169.254.1.1", 403),
    ("8.8.8.8", 403),
    ("0.0.0.0", 200),
    ("[::]:5", 200),
    ("fd00::2", 200),
    ("[::ffff:127.0.0.1]:1", 200),
    ("127.1.2.3", 200),
]


def request(port, method, path, host):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("host,status", REAL_ON_LOOPBACK)
def test_host_header_on_loopback_like_the_real_server(emulator, host, status):
    got, headers, body = request(emulator.port, "GET", "/api/version", host)
    assert got == status
    if status == 403:
        assert body == b""
        assert "Content-Type" not in headers
        assert headers["Content-Length"] == "0"
    else:
        assert body == b'{"version":"0.32.15"}'


def test_hostname_and_local_interface_addresses_pass(emulator):
    """allowedHost accepts os.Hostname (any case); isLocalIP every interface address."""
    assert request(emulator.port, "GET", "/api/version", socket.gethostname().upper())[0] == 200
    for address in hostcheck.local_addresses():
        addr = ipaddress.ip_address(address)
        host = "[%s]:1" % address if addr.version == 6 else "%s:1" % address
        assert request(emulator.port, "GET", "/api/version", host)[0] == 200, host


def test_every_route_refused_for_a_foreign_host(emulator):
    """The middleware runs before routing: model routes, unknown paths and HEAD all get 403."""
    for method, path in (
        ("POST", "/api/pull"),
        ("DELETE", "/api/delete"),
        ("POST", "/api/create"),
        ("GET", "/nope"),
        ("HEAD", "/"),
        ("GET", "/api/tags"),
    ):
        assert request(emulator.port, method, path, "rebind.attacker.example")[0] == 403, (method, path)


def test_options_answered_by_the_middleware(emulator):
    """OPTIONS: 204 for an allowed Host, 403 otherwise, with gin's Allow header."""
    status, headers, body = request(emulator.port, "OPTIONS", "/api/version", "localhost")
    assert (status, headers["Allow"], body) == (204, "HEAD, GET", b"")
    assert "Content-Length" not in headers
    status, headers, _body = request(emulator.port, "OPTIONS", "/api/version", "evil.example")
    assert (status, headers["Allow"]) == (403, "HEAD, GET")
    assert request(emulator.port, "OPTIONS", "/nope", "localhost")[0] == 204


def test_no_check_when_listening_on_all_addresses(make_emulator):
    """Listening on 0.0.0.0 (as inside a container) the real server answers any Host: the Docker hole."""
    emu = make_emulator(host="0.0.0.0")
    assert request(emu.port, "GET", "/api/version", "rebind.attacker.example")[0] == 200
    status, headers, body = request(emu.port, "OPTIONS", "/api/version", "rebind.attacker.example")
    assert (status, headers["Allow"], body) == (405, "HEAD, GET", b"405 method not allowed")
    assert request(emu.port, "OPTIONS", "/nope", "localhost")[0] == 404


@pytest.mark.parametrize(
    "listen,on",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
    ],
)
def test_check_follows_the_listen_address(listen, on):
    assert hostcheck.listens_on_loopback(listen) is on


@pytest.mark.parametrize(
    "header,host",
    [("a:1", "a"), ("[::1]:2", "::1"), ("[::1]", "[::1]"), ("::1", "::1"), ("a", "a"), ("[::1]:", "::1"), ("", "")],
)
def test_split_host_port_like_go(header, host):
    assert hostcheck.split_host_port(header) == host
