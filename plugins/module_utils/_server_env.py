# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules for the Ollama server environment that both deployments share (ollama_native and ollama_docker).

Names must be shell-style identifiers and values single lines without NUL: a name or value that breaks out of its
line in a systemd drop-in or a Compose file could add settings of its own. OLLAMA_ORIGINS with a wildcard or an
origin that is not on this machine lets web pages elsewhere use the unauthenticated API, so the roles ask for an
explicit opt-in.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
FORBIDDEN_IN_VALUES = (("\n", "a newline"), ("\r", "a carriage return"), ("\x00", "a NUL byte"))
LOCAL_ORIGIN_HOSTS = ("localhost",)


def value_text(value):
    """The text an environment value is written as (booleans as 1/0, None as empty)."""
    if value is True:
        return "1"
    if value is False:
        return "0"
    return "" if value is None else "%s" % (value,)


def environment_errors(environment, option):
    """Messages naming each bad name or value of ``environment`` (a dict), empty when all are fine."""
    if not isinstance(environment, dict):
        return ["%s must be a dict of NAME: value, got %s" % (option, type(environment).__name__)]
    errors = []
    for name in sorted(environment, key=lambda key: "%s" % (key,)):
        if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
            errors.append(
                "%s: the name %r is not a valid environment name (letters, digits and underscores, "
                "not starting with a digit: ^[A-Za-z_][A-Za-z0-9_]*$)" % (option, name)
            )
            continue
        text = value_text(environment[name])
        for char, words in FORBIDDEN_IN_VALUES:
            if char in text:
                errors.append(
                    "%s: the value of %s contains %s; environment values must be a single line" % (option, name, words)
                )
    return errors


def compose_environment(environment):
    """The environment as a Compose file's ``environment`` mapping: values as text, each ``$`` doubled.

    Compose interpolates ``$NAME`` and ``${NAME}`` in every string of the file; ``$$`` is its only escape for a literal
    dollar sign, so a value reaches the container exactly as written.
    """
    return dict((name, value_text(value).replace("$", "$$")) for name, value in environment.items())


def split_origins(value):
    """OLLAMA_ORIGINS is a comma-separated list (envconfig.AllowedOrigins)."""
    return [part.strip() for part in value_text(value).split(",") if part.strip()]


def _loopback_host(host):
    host = host.lower()
    if host in LOCAL_ORIGIN_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def origin_is_local(origin):
    """An origin without wildcards that only a program on this machine can have.

    http(s) origins must name a loopback host; other schemes (app://, file://, tauri://, chrome-extension://<id>,
    vscode-webview://<id>) name a local program and pass as long as they hold no wildcard.
    """
    if "*" in origin:
        return False
    scheme, sep, rest = origin.partition("://")
    if not sep:
        return False
    if scheme.lower() not in ("http", "https"):
        return True
    hostport = rest.split("/", 1)[0]
    if hostport.startswith("["):
        host = hostport[1:].partition("]")[0]
    else:
        host = hostport.rsplit(":", 1)[0] if hostport.count(":") == 1 else hostport
    return _loopback_host(host)


def remote_origins(value):
    """The origins of an OLLAMA_ORIGINS value that are not local (wildcards included)."""
    return [origin for origin in split_origins(value) if not origin_is_local(origin)]
