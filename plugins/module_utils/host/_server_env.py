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

from ansible_collections.local_llm.ollama.plugins.module_utils.host._server_settings import (
    credentials_problem,
    setting_problem,
    setting_warning,
)

# The variables Ollama 0.32.15 reads (envconfig/config.go); any other OLLAMA_* name draws a warning.
KNOWN_VARIABLES = (
    "OLLAMA_HOST",
    "OLLAMA_MODELS",
    "OLLAMA_KEEP_ALIVE",
    "OLLAMA_CONTEXT_LENGTH",
    "OLLAMA_NUM_PARALLEL",
    "OLLAMA_MAX_LOADED_MODELS",
    "OLLAMA_MAX_QUEUE",
    "OLLAMA_FLASH_ATTENTION",
    "OLLAMA_KV_CACHE_TYPE",
    "OLLAMA_GPU_OVERHEAD",
    "OLLAMA_LOAD_TIMEOUT",
    "OLLAMA_ORIGINS",
    "OLLAMA_DEBUG",
    "OLLAMA_NOPRUNE",
    "OLLAMA_NOHISTORY",
    "OLLAMA_SCHED_SPREAD",
    "OLLAMA_LLM_LIBRARY",
    "OLLAMA_VULKAN",
    "OLLAMA_IGPU_ENABLE",
    "OLLAMA_GO_TEMPLATE",
    "OLLAMA_REMOTES",
    "OLLAMA_NO_CLOUD",
    "OLLAMA_AUTH",
    "OLLAMA_MAX_TRANSFER_STREAMS",
    "OLLAMA_EDITOR",
    "OLLAMA_DEBUG_LOG_REQUESTS",
)
# Names earlier releases read and 0.32.15 no longer does: setting one has no effect.
REMOVED_VARIABLES = (
    "OLLAMA_NEW_ENGINE",
    "OLLAMA_NEW_ESTIMATES",
    "OLLAMA_MULTIUSER_CACHE",
    "OLLAMA_TMPDIR",
    "OLLAMA_INTEL_GPU",
    "OLLAMA_MAX_VRAM",
    "OLLAMA_RUNNERS_DIR",
)
# strconv.ParseBool's false spellings; Ollama reads any other non-empty value as true.
FALSE_WORDS = ("0", "f", "F", "false", "FALSE", "False")
KV_CACHE_TYPES = ("f16", "q8_0", "q4_0")
# llama.cpp and Ollama quantize the KV cache only with flash attention on (else they fall back to f16).
QUANTIZED_KV_TYPES = ("q8_0", "q4_0")

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


def is_true(value):
    """How Ollama reads a boolean setting: anything but empty or one of strconv.ParseBool's false words is true."""
    text = value_text(value).strip()
    return text != "" and text not in FALSE_WORDS


def kv_cache_type(environment):
    """The OLLAMA_KV_CACHE_TYPE an environment sets, "" when none."""
    return value_text(environment.get("OLLAMA_KV_CACHE_TYPE")).strip()


def cache_problems(environment, option):
    """An unknown KV cache type, or a quantized one without flash attention."""
    cache_type = kv_cache_type(environment)
    if cache_type and cache_type not in KV_CACHE_TYPES:
        return [
            "%s: OLLAMA_KV_CACHE_TYPE=%s is not a cache type Ollama knows; use one of %s"
            % (option, cache_type, ", ".join(KV_CACHE_TYPES))
        ]
    if cache_type in QUANTIZED_KV_TYPES and not is_true(environment.get("OLLAMA_FLASH_ATTENTION")):
        flash = environment.get("OLLAMA_FLASH_ATTENTION")
        state = "not set" if flash is None else '"%s" (off)' % value_text(flash)
        return [
            "%s: OLLAMA_KV_CACHE_TYPE=%s needs flash attention, but OLLAMA_FLASH_ATTENTION is %s. Set "
            'OLLAMA_FLASH_ATTENTION: "1" in %s, or use OLLAMA_KV_CACHE_TYPE=f16' % (option, cache_type, state, option)
        ]
    return []


def name_warnings(environment, option):
    """OLLAMA_* names Ollama does not read: unknown ones (a typo?) and removed ones."""
    names = sorted(name for name in environment if isinstance(name, str) and name.startswith("OLLAMA_"))
    unknown = [name for name in names if name not in KNOWN_VARIABLES + REMOVED_VARIABLES]
    removed = [name for name in names if name in REMOVED_VARIABLES]
    warnings = []
    if unknown:
        warnings.append("%s sets %s, unknown to Ollama (typo?); passed on anyway" % (option, ", ".join(unknown)))
    if removed:
        warnings.append("%s sets %s, removed from Ollama: no effect" % (option, ", ".join(removed)))
    return warnings


def _messages(environment, check):
    """check(name, value as text) for each variable in name order, the messages it gave (None: nothing to say)."""
    found = [check(name, value_text(environment[name])) for name in sorted(environment)]
    return [message for message in found if message]


def setting_problems(environment, option, secret=False):
    """Each OLLAMA_* value checked by the kind Ollama reads it as (module_utils/host/_server_settings.py)."""
    return _messages(environment, lambda name, text: setting_problem(name, text, option, secret))


def setting_warnings(environment, option):
    return _messages(environment, lambda name, text: setting_warning(name, text, option))


def credential_problems(environment, option, secret_option):
    return _messages(environment, lambda name, text: credentials_problem(name, text, option, secret_option))


def _shown_remote_origins(environment, secret, secret_option):
    """The remote origins of OLLAMA_ORIGINS; those of the secret environment as a count, never their values."""
    if "OLLAMA_ORIGINS" in environment:
        return remote_origins(environment["OLLAMA_ORIGINS"])
    hidden = remote_origins(secret.get("OLLAMA_ORIGINS", ""))
    return ["%d origin(s) in %s (not shown)" % (len(hidden), secret_option)] if hidden else []


def environment_report(environment, option, secret_environment=None, secret_option=None):
    """Every rule for a server environment at once: errors (refuse), warnings (say), and the settings read from it.

    With ``secret_environment`` the two are checked as one set: each value by its kind in both (secret values never
    shown), credentials refused in the normal one, the KV cache, OLLAMA_HOST and OLLAMA_ORIGINS read from both
    (``remote_origins``, for the opt-in of the roles)."""
    errors = environment_errors(environment, option)
    secret = secret_environment if secret_environment is not None else {}
    if secret_environment is not None and not isinstance(secret_environment, dict):
        errors += ["%s must be a dict of NAME: value, got %s" % (secret_option, type(secret_environment).__name__)]
    if errors and not (isinstance(environment, dict) and isinstance(secret, dict)):
        return {
            "errors": errors,
            "warnings": [],
            "flash_attention": False,
            "kv_cache_type": "",
            "host": "",
            "remote_origins": [],
        }
    merged = dict(secret, **environment)
    if secret_environment is not None:
        errors += credential_problems(environment, option, secret_option)
        errors += setting_problems(secret, secret_option, secret=True)
    errors += setting_problems(environment, option)
    return {
        "errors": errors + cache_problems(merged, option),
        "warnings": name_warnings(merged, option) + setting_warnings(environment, option),
        "flash_attention": is_true(merged.get("OLLAMA_FLASH_ATTENTION")),
        "kv_cache_type": kv_cache_type(merged),
        "remote_origins": _shown_remote_origins(environment, secret, secret_option),
    }


def compose_environment(environment):
    """The environment as a Compose file's ``environment`` mapping: values as text, each ``$`` doubled.

    Compose interpolates ``$NAME`` and ``${NAME}`` in every string of the file; ``$$`` is its only escape for a literal
    dollar sign, so a value reaches the container exactly as written.
    """
    return dict((name, value_text(value).replace("$", "$$")) for name, value in environment.items())


def _by_name(environment):
    """Names in the order Jinja's dictsort gives (case-insensitive), so files written before keep their order."""
    return sorted(environment, key=lambda name: name.lower())


def systemd_environment(environment):
    """The environment as the values of a systemd drop-in's ``Environment=`` lines, sorted by name: each
    ``"NAME=value"`` in double quotes, with backslash and double quote escaped and ``%`` doubled (a specifier)."""
    return [
        '"%s"'
        % ("%s=%s" % (name, value_text(environment[name]))).replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
        for name in _by_name(environment)
    ]


def environment_file(environment):
    """The environment as the lines of a systemd EnvironmentFile, sorted by name: ``NAME="value"`` with backslash,
    double quote, backquote and dollar sign escaped by a backslash."""
    lines = []
    for name in _by_name(environment):
        value = value_text(environment[name])
        for char in ("\\", '"', "`", "$"):
            value = value.replace(char, "\\" + char)
        lines.append('%s="%s"' % (name, value))
    return lines


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
