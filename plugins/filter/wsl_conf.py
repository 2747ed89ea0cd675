# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters wsl_conf_systemd and wsl_conf_enable_systemd: read and set [boot] systemd in /etc/wsl.conf the way WSL
reads it; documented in the .yml files next to this file.

WSL's parser (microsoft/WSL src/shared/configfile/configfile.cpp and ParseBool in src/shared/inc/stringshared.h):
section and key names are matched without regard to case ("[Boot]", "SystemD"), spaces may surround "=", a value may
be quoted and may end in a "# comment", the first occurrence of a key wins (later ones are ignored with a warning),
and a boolean is "1"/"0" or "true"/"false" in any case. Anything else is a warning and leaves the default (off).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

_SECTION = re.compile(r"^[ \t]*\[([A-Za-z][A-Za-z0-9]*)\][ \t]*(#.*)?$")
_KEY = re.compile(r"^[ \t]*([A-Za-z][A-Za-z0-9]*)[ \t]*=[ \t]*(.*)$")


def _value(raw):
    """The value of a key line: quotes removed, \\ escapes applied, a # comment outside quotes and trailing
    space dropped. None when a quote is left open (WSL ignores such a line)."""
    value, in_quote, trimmed, index = "", False, 0, 0
    while index < len(raw):
        char = raw[index]
        if char == '"':
            in_quote = not in_quote
        elif char == "\\" and index + 1 < len(raw):
            index += 1
            value += {"n": "\n", "t": "\t", "b": "\b"}.get(raw[index], raw[index])
        elif char == "#" and not in_quote:
            break
        else:
            value += char
        if char not in " \t":
            trimmed = len(value)
        index += 1
    return None if in_quote else value[:trimmed]


def _boot_systemd_line(lines):
    """(index, value) of the line WSL takes boot.systemd from (the first one), or (None, None)."""
    section = ""
    for index, line in enumerate(lines):
        header = _SECTION.match(line)
        if header:
            section = header.group(1).lower()
            continue
        key = _KEY.match(line)
        if key and section == "boot" and key.group(1).lower() == "systemd":
            value = _value(key.group(2))
            if value is not None:
                return index, value
    return None, None


def _parse_bool(value):
    lowered = (value or "").lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    return None


def _text(content, name):
    if content is None:
        return ""
    if not isinstance(content, string_types):
        raise AnsibleFilterError(
            "local_llm.ollama.%s: expects the text of wsl.conf, got %s" % (name, type(content).__name__)
        )
    return content


def wsl_conf_systemd(content):
    """Whether WSL starts systemd with this wsl.conf text (True only for a [boot] systemd value WSL reads as true)."""
    dummy, value = _boot_systemd_line(_text(content, "wsl_conf_systemd").splitlines())
    return _parse_bool(value) is True


def wsl_conf_enable_systemd(content):
    """The wsl.conf text with systemd on: the line WSL reads is set to systemd=true, or the key is added to the first
    [boot] section, or a [boot] section is appended. Every other line is kept; text already on is returned as is."""
    content = _text(content, "wsl_conf_enable_systemd")
    if wsl_conf_systemd(content):
        return content
    lines = content.splitlines()
    index, dummy = _boot_systemd_line(lines)
    if index is not None:
        lines[index] = "systemd=true"
    else:
        boot = [
            number
            for number, line in enumerate(lines)
            if _SECTION.match(line) and _SECTION.match(line).group(1).lower() == "boot"
        ]
        if boot:
            lines.insert(boot[0] + 1, "systemd=true")
        else:
            if lines and lines[-1].strip():
                lines.append("")
            lines += ["[boot]", "systemd=true"]
    return "\n".join(lines) + "\n"


class FilterModule(object):
    def filters(self):
        return {"wsl_conf_systemd": wsl_conf_systemd, "wsl_conf_enable_systemd": wsl_conf_enable_systemd}
