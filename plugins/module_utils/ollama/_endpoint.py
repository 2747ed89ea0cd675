# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one reader of OLLAMA_HOST-style endpoints, for the modules (``_client``), the ``ollama_host`` filter and,
through it, the roles.

It reads a value the way Ollama's ``envconfig.Host`` does (an optional ``http://`` or ``https://``, a host, an
optional port, an optional path; no scheme means port 11434, ``http://`` alone 80 and ``https://`` 443; an empty value
is ``127.0.0.1:11434``), but where Ollama falls back to port 11434 with a log warning, a provisioning tool refuses: a
port that is not a number in 1-65535, another scheme, an unbalanced ``[``, a scheme with no host, and credentials
(which are never repeated in the message) are errors.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 11434
SCHEME_PORTS = {"http": 80, "https": 443}
ALL_INTERFACES = ("", "0.0.0.0", "::")
# A host name or IPv4 address (letters, digits, dots, hyphens, underscores); IPv6 addresses are checked by ipaddress.
HOST_NAME = re.compile(r"[A-Za-z0-9._-]*")
# "http:/host" (one slash), which would otherwise read as the host "http" with an empty port.
ONE_SLASH_SCHEME = re.compile(r"(?i)https?:/(?!/)")


class EndpointError(ValueError):
    """An endpoint value that cannot be used; the message names the option and what is accepted."""


def _fail(option, value, problem):
    raise EndpointError(
        "%s=%r %s; use [http:// or https://]HOST[:PORT] with a port in 1-65535, for example "
        "127.0.0.1:11434" % (option, value, problem)
    )


def _split_scheme(text, option, value):
    scheme, sep, rest = text.partition("://")
    if not sep and ONE_SLASH_SCHEME.match(text):
        _fail(option, value, "has a scheme with one slash (%s:/); write %s://" % ((text.split(":", 1)[0],) * 2))
    if not sep:
        return "http", DEFAULT_PORT, text
    if scheme.lower() not in SCHEME_PORTS:
        _fail(option, value, "has the scheme %r, which Ollama does not serve" % scheme)
    return scheme.lower(), SCHEME_PORTS[scheme.lower()], rest


def _split_host_port(hostport, option, value):
    """(host, port text or None) like Go's net.SplitHostPort, where a missing port is not an error."""
    if hostport.startswith("["):
        host, sep, rest = hostport[1:].partition("]")
        if not sep:
            _fail(option, value, "opens a [ it does not close")
        if rest and not rest.startswith(":"):
            _fail(option, value, "has %r after the bracketed address" % rest)
        return host, rest[1:] if rest else None
    if hostport.count(":") == 1:
        host, port = hostport.split(":")
        return host, port
    # No colon, or a bare IPv6 address (as Ollama reads it: the whole text is the host).
    return hostport, None


def _port_number(text, default, option, value):
    if text is None or text == "":
        return default
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 65536:
        _fail(option, value, "has the port %r, which is not a number in 1-65535" % text)
    return int(text)


def _check_host(host, option, value):
    if HOST_NAME.fullmatch(host):
        return
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        _fail(option, value, "has the host %r, which is neither a host name nor an IP address" % host)


def is_loopback(host):
    """localhost, 127.0.0.0/8 and ::1 (the addresses only this machine can reach)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bracketed(host):
    return "[%s]" % host if ":" in host else host


def _connect_host(host):
    """0.0.0.0 and :: are listen addresses; a client connects to loopback, as the ollama CLI does."""
    if host in ("", "0.0.0.0"):
        return DEFAULT_HOST
    if host == "::":
        return "::1"
    return host


def _clean(value):
    return (value or "").strip().strip("\"'").strip()


def _authority(text):
    """The part between the scheme and the path (all of the text up to the first / without a scheme)."""
    return text.split("/", 3)[2 if "://" in text else 0]


def credentials(value):
    """The ``user:password`` of a value that holds credentials (which parse_endpoint refuses), else None; modules hide
    it from every output, the echo of their arguments included."""
    if not isinstance(value, str):
        return None
    authority = _authority(_clean(value))
    return authority.rpartition("@")[0] or None


def parse_endpoint(value, option="OLLAMA_HOST", port=None):
    """Read an OLLAMA_HOST-style value; ``port`` (when given) is the port of a bare host or address (then an empty
    host means every interface, as in ``:PORT``).

    Returns a dict: scheme, host (as listened on, without brackets), port, path ("" or "/..."), url (what a client
    connects to: a wildcard host becomes loopback), listen (host:port as OLLAMA_HOST for a server), loopback,
    all_interfaces. Raises EndpointError naming the option.
    """
    if value is not None and not isinstance(value, str):
        raise EndpointError("%s must be a string like 127.0.0.1:11434, got %s" % (option, type(value).__name__))
    text = _clean(value)
    if "@" in _authority(text):
        raise EndpointError(
            "%s holds credentials (user:password@); Ollama has no authentication, so put them in "
            "a proxy in front of it and give only [http(s)://]HOST[:PORT] here" % option
        )
    scheme, default_port, rest = _split_scheme(text, option, value)
    hostport, slash, path = rest.partition("/")
    if not hostport and "://" in text:
        _fail(option, value, "names no host")
    host, port_text = _split_host_port(hostport, option, value)
    if port is not None:
        if port_text is not None:
            _fail(option, value, "has a port of its own while the port is given separately (%s)" % port)
        port_text = "%s" % (port,)
    number = _port_number(port_text, default_port, option, value)
    if not host and port is None and not hostport.startswith(("[", ":")):
        host = DEFAULT_HOST
    _check_host(host, option, value)
    path = ("/" + path).rstrip("/") if slash else ""
    return {
        "scheme": scheme,
        "host": host,
        "port": number,
        "path": path,
        "url": "%s://%s:%d%s" % (scheme, _bracketed(_connect_host(host)), number, path),
        "listen": "%s:%d" % (_bracketed(host), number),
        "loopback": host not in ALL_INTERFACES and is_loopback(host),
        "all_interfaces": host in ALL_INTERFACES,
    }
