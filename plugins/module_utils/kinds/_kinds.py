# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One validator per kind of value, for module options and role variables alike.

A declaration is a plain dict, the same in Python and YAML: ``{"kind": "number", "min": 0, "max": 3600}``.
``problem(declaration, name, value)`` gives None for a value of that kind, else one line that names ``name``, says
what the kind accepts and what was given (never the value itself where ``secret`` is set). ``accepts(declaration)``
gives the words of what the kind accepts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import coerce_parameters
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import (
    NAME_HELP,
    InvalidModelName,
    parse_name,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import EndpointError, parse_endpoint

# Strings Ansible reads as booleans (ansible.module_utils.parsing.convert_bool).
TRUE_WORDS = frozenset(("y", "yes", "on", "1", "true", "t", "1.0"))
FALSE_WORDS = frozenset(("n", "no", "off", "0", "false", "f", "0.0"))
VERSION_NUMBER = re.compile(r"[0-9]+")
WHOLE = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
# Go's time.ParseDuration: a sequence of decimal numbers, each with a unit.
GO_DURATION = re.compile(r"[+-]?(([0-9]+\.?[0-9]*|\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+")
SHOWN_LIMIT = 60
OPTION_TOKEN = "\x00option\x00"


class _Refused(Exception):
    """Raised inside a check: the words after 'got' (what was given), or a hint replacing the usual sentence."""

    def __init__(self, given, hint=None, complete=False):
        Exception.__init__(self, given)
        self.given = given
        self.hint = hint
        self.complete = complete


def _shown(value):
    text = repr(value)
    return text if len(text) <= SHOWN_LIMIT else "%s... (%d characters)" % (text[:SHOWN_LIMIT], len(text))


def _type_words(value):
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "the boolean %s" % value
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (int, float)):
        return "the number %s" % _shown(value)
    if isinstance(value, str):
        return "the string %s" % _shown(value)
    return "a %s" % type(value).__name__


def _given(value, secret):
    if not secret:
        return _type_words(value)
    if isinstance(value, str):
        return "a string of %d characters (not shown: the option is secret)" % len(value)
    return "a %s (not shown: the option is secret)" % type(value).__name__


def _refuse(value, hint=None, complete=False):
    """Refuse ``value``; ``hint`` says why, ``complete`` when the hint (of the parser that owns the kind) already
    says what is accepted, the option standing as OPTION_TOKEN in it."""
    raise _Refused(value, hint, complete)


# ---------------------------------------------------------------- numbers


def _number_value(value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        _refuse(value)
    if isinstance(value, str):
        if not DECIMAL.fullmatch(value.strip()):
            _refuse(value)
        value = float(value.strip())
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


def _check_number(declaration, value):
    number = _number_value(value)
    if isinstance(number, float) and (math.isnan(number) or math.isinf(number)):
        _refuse(value)
    if declaration.get("integer") and not float(number).is_integer():
        _refuse(value)
    low, high, above = declaration.get("min"), declaration.get("max"), declaration.get("above")
    if (low is not None and number < low) or (high is not None and number > high):
        _refuse(value)
    if above is not None and not number > above:
        _refuse(value)


def _accepts_number(declaration):
    words = "a whole number" if declaration.get("integer") else "a finite number"
    if declaration.get("unit"):
        words += " of %s" % declaration["unit"]
    low, high = declaration.get("min"), declaration.get("max")
    if declaration.get("above") is not None:
        words += " greater than %s" % declaration["above"]
        return words + (" and at most %s" % high if high is not None else "")
    if low is not None and high is not None:
        return "%s from %s to %s" % (words, low, high)
    if low is not None:
        return "%s of at least %s" % (words, low)
    if high is not None:
        return "%s of at most %s" % (words, high)
    return words


# ---------------------------------------------------------------- text


def _check_text(declaration, value):
    if not isinstance(value, str):
        _refuse(value)
    if declaration.get("nonempty") and not value.strip():
        _refuse(value)
    if declaration.get("single_line") and ("\n" in value or "\r" in value):
        _refuse(value)
    if declaration.get("max_length") is not None and len(value) > declaration["max_length"]:
        _refuse(value)
    if declaration.get("prefix") and not value.lstrip().startswith(declaration["prefix"]):
        _refuse(value)


def _accepts_text(declaration):
    words = ["a"]
    if declaration.get("nonempty"):
        words.append("non-empty")
    if declaration.get("single_line"):
        words.append("single-line")
    words.append("string")
    if declaration.get("prefix"):
        words.append("starting with %s" % declaration["prefix"])
    if declaration.get("max_length") is not None:
        words.append("of at most %d characters" % declaration["max_length"])
    return " ".join(words)


def _check_text_list(declaration, value):
    if declaration.get("or_text") and isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        _refuse(value)
    item = dict(declaration.get("items") or {"kind": "text"})
    for index, element in enumerate(value):
        if _problem_words(item, element) is not None:
            _refuse(value, problem(item, "%s: item %d" % (OPTION_TOKEN, index + 1), element), True)
    if declaration.get("nonempty") and not value:
        _refuse(value)


def _accepts_text_list(declaration):
    item = declaration.get("items") or {"kind": "text"}
    if declaration.get("or_text"):
        return "%s, or a %slist of them" % (accepts(item), "non-empty " if declaration.get("nonempty") else "")
    return "a %slist of which each item is %s (a bare string is not a list)" % (
        "non-empty " if declaration.get("nonempty") else "",
        accepts(item),
    )


# ---------------------------------------------------------------- paths


def _check_absolute_path(declaration, value):
    if not isinstance(value, str) or not value.startswith("/"):
        _refuse(value)
    if any(character.isspace() for character in value) or "\x00" in value:
        _refuse(value)
    suffix = declaration.get("not_suffix")
    if suffix and value.lower().endswith(suffix.lower()):
        _refuse(value, declaration.get("hint"))


def _accepts_absolute_path(declaration):
    words = "an absolute path (starting with /) without spaces or line breaks"
    if declaration.get("what"):
        words = "the absolute path of %s (starting with /, without spaces or line breaks)" % declaration["what"]
    if declaration.get("not_suffix"):
        words += ", not a %s file" % declaration["not_suffix"]
    return words


# ---------------------------------------------------------------- URLs and endpoints


def _ascii_port(authority):
    host_end = authority.rfind("]")
    port = authority[host_end + 1 :].rpartition(":")[2] if ":" in authority[host_end + 1 :] else ""
    return port == "" or (port.isascii() and port.isdigit() and 0 < int(port) < 65536)


def _check_url(declaration, value):
    if not isinstance(value, str) or value != value.strip() or not value.isprintable():
        _refuse(value)
    schemes = declaration.get("schemes") or ["https"]
    scheme, sep, rest = value.partition("://")
    if not sep or scheme.lower() not in schemes:
        _refuse(value)
    if scheme.lower() == "file":
        _check_absolute_path({}, rest)
        return
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if not authority or "@" in authority or not authority.isascii() or not _ascii_port(authority):
        _refuse(value)
    host = authority.rpartition(":")[0] if not authority.endswith("]") and ":" in authority else authority
    if not host or any(character.isspace() for character in value):
        _refuse(value)


def _accepts_url(declaration):
    schemes = declaration.get("schemes") or ["https"]
    return "a URL of the form %s://HOST[:PORT]/PATH (ASCII host, port 1-65535, no credentials)" % "|".join(schemes)


def _check_endpoint(declaration, value):
    if not isinstance(value, str):
        _refuse(value)
    try:
        parse_endpoint(value, option=OPTION_TOKEN)
    except EndpointError as exc:
        _refuse(value, "%s" % exc, complete=True)
    if declaration.get("nonempty", True) and not value.strip():
        _refuse(value)


def _accepts_endpoint(declaration):
    return "an Ollama endpoint [http:// or https://]HOST[:PORT] with a port in 1-65535, for example 127.0.0.1:11434"


# ---------------------------------------------------------------- names, versions, flags, choices


def _check_model_name(declaration, value):
    if not isinstance(value, str):
        _refuse(value)
    try:
        parse_name(value)
    except InvalidModelName as exc:
        _refuse(value, "%s" % exc, complete=True)
    if value != value.strip():
        _refuse(value, "model name %s has spaces or line breaks around it; %s" % (_shown(value), NAME_HELP), True)


def _accepts_model_name(declaration):
    return "a model name [host/][namespace/]model[:tag] of letters, digits, '_', '-' and '.', for example llama3.2:3b"


def _check_version(declaration, value):
    fewest, most = declaration.get("parts") or (3, 3)
    if not isinstance(value, str) or not value.isascii():
        _refuse(value)
    numbers = value.split(".")
    if not fewest <= len(numbers) <= most or not all(VERSION_NUMBER.fullmatch(number) for number in numbers):
        _refuse(value)


def _accepts_version(declaration):
    fewest, most = declaration.get("parts") or (3, 3)
    if (fewest, most) == (3, 3):
        return "a version X.Y.Z of digits, for example 0.32.15 (no 'v', not 'latest')"
    return "a version of %d to %d numbers and dots, for example %s (no 'v', not 'latest')" % (
        fewest,
        most,
        " or ".join(".".join(["550", "54", "15"][:count]) for count in sorted({fewest, most})),
    )


def _check_flag(declaration, value):
    if isinstance(value, bool):
        return
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return
    if isinstance(value, int) and value in (0, 1):
        return
    _refuse(value)


def _accepts_flag(declaration):
    return "a boolean (true or false)"


def _check_choice(declaration, value):
    choices = declaration["choices"]
    if isinstance(value, bool) or isinstance(value, (list, dict)) or value not in choices:
        _refuse(value)


def _accepts_choice(declaration):
    return "one of %s" % ", ".join("%s" % (choice,) for choice in declaration["choices"])


# ---------------------------------------------------------------- durations


def _check_duration(declaration, value):
    """As Ollama reads a duration. reads: api (keep_alive of a request, api.Duration): a number of seconds or a Go
    duration ('5m', '1h30m'); reads: env (OLLAMA_KEEP_ALIVE, OLLAMA_LOAD_TIMEOUT, envconfig): a Go duration or a whole
    number of seconds, since Ollama silently takes its default for anything else. Negative means forever."""
    if isinstance(value, bool):
        _refuse(value)
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        _refuse(value)
    env = declaration.get("reads", "api") == "env"
    if isinstance(value, (int, float)):
        if env and not float(value).is_integer():
            _refuse(value)
        negative = value < 0
    elif isinstance(value, str):
        text = value.strip()
        if (env and WHOLE.fullmatch(text)) or (not env and DECIMAL.fullmatch(text) and "e" not in text.lower()):
            negative = text.startswith("-")
        elif text == "0" or GO_DURATION.fullmatch(text):
            negative = text.startswith("-")
        else:
            _refuse(value)
    else:
        _refuse(value)
    if negative and declaration.get("allow_negative", True) is False:
        _refuse(value)


def _accepts_duration(declaration):
    seconds = "a whole number of seconds" if declaration.get("reads", "api") == "env" else "a number of seconds"
    words = "a duration like 5m, 1h30m or 300s (Go units ns, us, ms, s, m, h) or %s" % seconds
    if declaration.get("allow_negative", True) is not False:
        words += "; a negative value means forever"
    else:
        words += ", not negative"
    return words


# ---------------------------------------------------------------- lists of records


def _check_records(declaration, value):
    """A list of mappings, each with only the declared fields; a field whose declaration has no null: true must be
    there."""
    fields = declaration["fields"]
    if not isinstance(value, (list, tuple)):
        _refuse(value)
    for record in value:
        if not isinstance(record, dict) or set(record) - set(fields):
            _refuse(value)
        for field, field_declaration in fields.items():
            if _problem_words(field_declaration, record.get(field)) is not None:
                _refuse(value)


def _accepts_records(declaration):
    return "a list of mappings, each with %s" % "; ".join(
        "%s: %s" % (field, accepts(field_declaration)) for field, field_declaration in declaration["fields"].items()
    )


# ---------------------------------------------------------------- mappings and the rest


def _check_mapping(declaration, value):
    if not isinstance(value, dict):
        _refuse(value)
    values = declaration.get("values")
    for key, item in value.items():
        if not isinstance(key, str):
            _refuse(value)
        if values and _problem_words(values, item) is not None:
            _refuse(value)


def _accepts_mapping(declaration):
    values = declaration.get("values")
    if values:
        return "a mapping of which each value is %s" % accepts(values)
    return "a mapping (name: value)"


def _check_model_parameters(declaration, value):
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        _refuse(value)
    try:
        coerce_parameters(value)
    except ValueError as exc:
        _refuse(value, "%s" % exc)


def _accepts_model_parameters(declaration):
    return (
        "a mapping of Ollama PARAMETER names to values of their type (numbers finite, integers whole, "
        "stop a list of strings)"
    )


def _check_any_of(declaration, value):
    if all(_problem_words(option, value) is not None for option in declaration["of"]):
        _refuse(value)


def _accepts_any_of(declaration):
    return ", or ".join(accepts(option) for option in declaration["of"])


def _check_free(declaration, value):
    return


def _accepts_free(declaration):
    return "any value (%s)" % declaration.get("why", "no rule")


KINDS = {
    "number": (_check_number, _accepts_number, ("min", "max", "above", "integer", "unit")),
    "text": (_check_text, _accepts_text, ("nonempty", "single_line", "max_length", "prefix")),
    "text_list": (_check_text_list, _accepts_text_list, ("items", "nonempty", "or_text")),
    "absolute_path": (_check_absolute_path, _accepts_absolute_path, ("not_suffix", "hint", "what")),
    "url": (_check_url, _accepts_url, ("schemes",)),
    "endpoint": (_check_endpoint, _accepts_endpoint, ("nonempty",)),
    "model_name": (_check_model_name, _accepts_model_name, ()),
    "version": (_check_version, _accepts_version, ("parts",)),
    "flag": (_check_flag, _accepts_flag, ()),
    "choice": (_check_choice, _accepts_choice, ("choices",)),
    "duration": (_check_duration, _accepts_duration, ("allow_negative", "reads")),
    "records": (_check_records, _accepts_records, ("fields",)),
    "mapping": (_check_mapping, _accepts_mapping, ("values",)),
    "model_parameters": (_check_model_parameters, _accepts_model_parameters, ()),
    "any_of": (_check_any_of, _accepts_any_of, ("of",)),
    "free": (_check_free, _accepts_free, ("why",)),
}
KIND_NAMES = frozenset(KINDS)
# Keys every declaration may carry: null (None is accepted, as for an option left unset) and secret (no_log).
COMMON_KEYS = ("kind", "null", "secret", "description")


def check_declaration(declaration):
    """Raise ValueError unless ``declaration`` is a well-formed kind declaration."""
    if not isinstance(declaration, dict) or declaration.get("kind") not in KINDS:
        raise ValueError(
            "a kind declaration is a mapping with kind: one of %s, got %r" % (", ".join(sorted(KINDS)), declaration)
        )
    allowed = set(COMMON_KEYS) | set(KINDS[declaration["kind"]][2])
    unknown = sorted(set(declaration) - allowed)
    if unknown:
        raise ValueError(
            "kind %s takes %s, not %s" % (declaration["kind"], ", ".join(sorted(allowed)), ", ".join(unknown))
        )
    kind = declaration["kind"]
    if kind == "choice" and not isinstance(declaration.get("choices"), (list, tuple)):
        raise ValueError("kind choice needs choices: a list")
    if kind == "records" and not isinstance(declaration.get("fields"), dict):
        raise ValueError("kind records needs fields: a mapping of field name to declaration")
    for field_declaration in (declaration.get("fields") or {}).values() if kind == "records" else ():
        check_declaration(field_declaration)
    if kind == "duration" and declaration.get("reads", "api") not in ("api", "env"):
        raise ValueError("kind duration: reads is api or env")
    if kind == "any_of":
        if not isinstance(declaration.get("of"), list) or not declaration["of"]:
            raise ValueError("kind any_of needs of: a list of declarations")
        for option in declaration["of"]:
            check_declaration(option)
    if kind == "free" and not declaration.get("why"):
        raise ValueError("kind free needs why: the reason the value has no rule")
    for bound in ("min", "max", "above"):
        limit = declaration.get(bound)
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float))):
            raise ValueError("kind number: %s must be a number, got %r" % (bound, limit))
    for nested in ("values", "items"):
        if declaration.get(nested) is not None:
            check_declaration(declaration[nested])


def accepts(declaration):
    """The words of what ``declaration`` accepts."""
    check_declaration(declaration)
    words = KINDS[declaration["kind"]][1](declaration)
    return words + " or null" if declaration.get("null") else words


def _problem_words(declaration, value):
    """None, or (given, hint) for a value the declaration refuses."""
    if value is None and declaration.get("null"):
        return None
    try:
        KINDS[declaration["kind"]][0](declaration, value)
    except _Refused as refused:
        return refused
    return None


def _holds_credentials(declaration, value):
    """A URL or endpoint with user:password@ is never shown."""
    return declaration["kind"] in ("url", "endpoint") and isinstance(value, str) and "@" in value


def problem(declaration, name, value, secret=False):
    """None when ``value`` is of the declared kind, else one line naming ``name``, what it accepts and what it got."""
    check_declaration(declaration)
    refused = _problem_words(declaration, value)
    if refused is None:
        return None
    secret = secret or declaration.get("secret", False)
    if value is None:
        return "%s is required; it accepts %s" % (name, accepts(declaration))
    if isinstance(value, str) and not value.strip() and declaration["kind"] not in ("text", "any_of"):
        return "%s is empty; it accepts %s" % (name, accepts(declaration))
    if refused.hint and refused.complete and not secret:
        hint = refused.hint.replace(OPTION_TOKEN, name)
        return hint if refused.hint != hint else "%s: %s" % (name, hint)
    given = _given(value, secret or _holds_credentials(declaration, value))
    if refused.hint and not secret:
        return "%s: %s; it accepts %s, got %s" % (name, refused.hint, accepts(declaration), given)
    return "%s accepts %s, got %s" % (name, accepts(declaration), given)
