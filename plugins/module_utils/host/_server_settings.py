# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each OLLAMA_* setting checked by the kind Ollama 0.32.15 reads it as (envconfig/config.go).

Ollama trims spaces and quotes (envconfig.Var) and then silently takes its default for a number or a duration it
cannot parse (OLLAMA_NUM_PARALLEL: auto runs one request at a time, OLLAMA_KEEP_ALIVE: forever keeps five minutes),
and reads any boolean that strconv.ParseBool refuses as true; so such values are refused here instead.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._kinds import problem

# strconv.ParseBool
BOOL_WORDS = ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False")
BOOL_SETTINGS = (
    "OLLAMA_FLASH_ATTENTION",
    "OLLAMA_GO_TEMPLATE",
    "OLLAMA_DEBUG_LOG_REQUESTS",
    "OLLAMA_NOHISTORY",
    "OLLAMA_NOPRUNE",
    "OLLAMA_SCHED_SPREAD",
    "OLLAMA_AUTH",
    "OLLAMA_VULKAN",
    "OLLAMA_IGPU_ENABLE",
    "OLLAMA_NO_CLOUD",
)
# envconfig.Uint / Uint64 and the default Ollama takes for anything strconv.ParseUint refuses.
WHOLE_SETTINGS = {
    "OLLAMA_CONTEXT_LENGTH": 0,
    "OLLAMA_NUM_PARALLEL": 1,
    "OLLAMA_MAX_LOADED_MODELS": 0,
    "OLLAMA_MAX_QUEUE": 512,
    "OLLAMA_MAX_TRANSFER_STREAMS": 4,
    "OLLAMA_GPU_OVERHEAD": 0,
}
DURATION_SETTINGS = ("OLLAMA_KEEP_ALIVE", "OLLAMA_LOAD_TIMEOUT")
PATH_SETTINGS = ("OLLAMA_MODELS",)
# Words that mean true to a person and that Ollama also reads as true (anything ParseBool refuses): a warning only.
TRUE_LOOKING = ("yes", "y", "on", "enable", "enabled")
ASCII_DIGITS = re.compile(r"[0-9]+")
WHOLE_LIMIT = 2**64 - 1
# user:password@ in a URL or a proxy setting
CREDENTIALS = re.compile(r"[^\s/@:]+:[^\s/@]*@")


def as_ollama_reads(text):
    """envconfig.Var: spaces, then single and double quotes, trimmed from both ends."""
    return text.strip().strip("\"'")


def _shown(text, secret):
    return "a value of %d characters (not shown: secret)" % len(text) if secret else repr(text)


def _bool_problem(name, text, where, secret):
    if text in BOOL_WORDS or text.lower() in TRUE_LOOKING:
        return None
    return "%s: %s accepts a boolean as Ollama reads it (%s), got %s, which Ollama would silently read as true" % (
        where,
        name,
        ", ".join(BOOL_WORDS),
        _shown(text, secret),
    )


def _whole_problem(name, text, where, secret):
    if ASCII_DIGITS.fullmatch(text) and int(text) <= WHOLE_LIMIT:
        return None
    return (
        "%s: %s accepts a whole number of ASCII digits (0 or more), got %s, for which Ollama would silently take %d"
        % (
            where,
            name,
            _shown(text, secret),
            WHOLE_SETTINGS[name],
        )
    )


def _debug_problem(name, text, where, secret):
    if text in BOOL_WORDS or re.fullmatch(r"[+-]?[0-9]+", text):
        return None
    return "%s: %s accepts a boolean or a log level number (0, 1, 2), got %s" % (where, name, _shown(text, secret))


def setting_problem(name, text, where, secret=False):
    """None when Ollama reads ``text`` (the value as written to the environment) as meant for ``name``, else a line
    naming ``where`` (the role variable), the setting and what it accepts."""
    text = as_ollama_reads(text)
    if text == "":
        return None
    label = "%s: %s" % (where, name)
    if name in BOOL_SETTINGS:
        return _bool_problem(name, text, where, secret)
    if name in WHOLE_SETTINGS:
        return _whole_problem(name, text, where, secret)
    if name == "OLLAMA_DEBUG":
        return _debug_problem(name, text, where, secret)
    if name in DURATION_SETTINGS:
        return problem({"kind": "duration", "reads": "env"}, label, text, secret)
    if name in PATH_SETTINGS:
        return problem({"kind": "absolute_path"}, label, text, secret)
    return None


def setting_warning(name, text, where):
    """A boolean setting written as yes/on: Ollama reads it as true, as meant, though strconv.ParseBool refuses it."""
    text = as_ollama_reads(text)
    if name in BOOL_SETTINGS and text not in BOOL_WORDS and text.lower() in TRUE_LOOKING:
        return "%s: %s=%s reads as true in Ollama only because it reads any unknown word as true; write 1 or true" % (
            where,
            name,
            text,
        )
    return None


def credentials_problem(name, text, where, secret_where):
    """A value holding user:password@ in the normal environment, which ends up in world-readable files and --diff."""
    if not CREDENTIALS.search(text):
        return None
    return (
        "%s: the value of %s holds credentials (user:password@); put it in the secret environment %s, which is "
        "written only to root-readable files and never shown" % (where, name, secret_where)
    )
