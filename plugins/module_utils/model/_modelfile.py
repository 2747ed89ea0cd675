# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Modelfile parsing and rendering, typed PARAMETERs, and the /api/show ``parameters`` table.

A parsed Modelfile is a *spec* dict: ``from`` (str), ``template`` / ``system`` (str or None),
``parameters`` (dict of typed values, ``stop`` always a list), ``messages`` (list of {role, content}),
``license`` (list of str), ``adapters`` (list of str).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math

from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpec

INT_PARAMETERS = frozenset(
    (
        "num_ctx",
        "num_batch",
        "num_gpu",
        "main_gpu",
        "num_thread",
        "num_keep",
        "seed",
        "num_predict",
        "top_k",
        "repeat_last_n",
        "draft_num_predict",
    )
)
# Ollama keeps these in Go ints and llama.cpp in 32-bit ones; num_ctx and num_batch count tokens and must be positive.
INT_RANGE = (-(2**31), 2**31 - 1)
POSITIVE_INT_PARAMETERS = frozenset(("num_ctx", "num_batch"))
FLOAT_PARAMETERS = frozenset(
    (
        "top_p",
        "min_p",
        "typical_p",
        "temperature",
        "repeat_penalty",
        "presence_penalty",
        "frequency_penalty",
    )
)
BOOL_PARAMETERS = frozenset(("use_mmap",))
LIST_PARAMETERS = frozenset(("stop",))
KNOWN_PARAMETERS = INT_PARAMETERS | FLOAT_PARAMETERS | BOOL_PARAMETERS | LIST_PARAMETERS
REMOVED_PARAMETERS = {
    "mirostat": "v0.7.0",
    "mirostat_tau": "v0.7.0",
    "mirostat_eta": "v0.7.0",
    "low_vram": "v0.7.0",
    "f16_kv": "v0.7.0",
    "logits_all": "v0.7.0",
    "vocab_only": "v0.7.0",
    "use_mlock": "v0.7.0",
    "penalize_newline": "v0.5.5",
    "numa": "an earlier release",
    "tfs_z": "an earlier release",
}
MESSAGE_ROLES = ("system", "user", "assistant")
SUPPORTED_INSTRUCTIONS = ("FROM", "PARAMETER", "TEMPLATE", "SYSTEM", "ADAPTER", "LICENSE", "MESSAGE")
UNSUPPORTED_INSTRUCTIONS = ("REQUIRES", "RENDERER", "PARSER", "DRAFT")
_GO_BOOL = {
    "1": True,
    "t": True,
    "T": True,
    "TRUE": True,
    "true": True,
    "True": True,
    "0": False,
    "f": False,
    "F": False,
    "FALSE": False,
    "false": False,
    "False": False,
}


class ModelfileError(ValueError):
    def __init__(self, message, line=None):
        self.line = line
        super(ModelfileError, self).__init__("line %d: %s" % (line, message) if line else message)


def empty_spec():
    """A ModelSpec with nothing set yet (the parser fills in what the Modelfile says)."""
    return ModelSpec()


# ---------------------------------------------------------------- parameter typing


def _parse_int(text):
    try:
        return int(text.strip(), 10)
    except ValueError:
        raise ValueError("expected an integer, got %r" % text)


def _parse_float(text):
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError("expected a number, got %r" % text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError("expected a finite number, got %r" % text)
    return value


def _as_int(value):
    if isinstance(value, bool):
        raise ValueError("expected an integer, got the boolean %r" % value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return _parse_int(value)
    raise ValueError("expected an integer, got %r" % (value,))


def _in_range(name, value):
    smallest = 1 if name in POSITIVE_INT_PARAMETERS else INT_RANGE[0]
    if not smallest <= value <= INT_RANGE[1]:
        raise ValueError("expected an integer in %d..%d, got %d" % (smallest, INT_RANGE[1], value))
    return value


def _as_float(value):
    if isinstance(value, bool):
        raise ValueError("expected a number, got the boolean %r" % value)
    if isinstance(value, (int, float)):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("expected a finite number, got %r" % (value,))
        return float(value)
    if isinstance(value, str):
        return _parse_float(value)
    raise ValueError("expected a number, got %r" % (value,))


def _as_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip() in _GO_BOOL:
        return _GO_BOOL[value.strip()]
    raise ValueError("expected true or false, got %r" % (value,))


def _as_list(value):
    values = value if isinstance(value, (list, tuple)) else [value]
    if not all(isinstance(item, str) for item in values):
        raise ValueError("expected a string or a list of strings, got %r" % (value,))
    return list(values)


def check_parameter_name(name):
    if name in REMOVED_PARAMETERS:
        raise ValueError(
            "parameter %r was removed from Ollama in %s and is ignored by the server; delete it"
            % (name, REMOVED_PARAMETERS[name])
        )
    if name not in KNOWN_PARAMETERS:
        raise ValueError(
            "unknown parameter %r; known parameters (names are case-sensitive): %s"
            % (name, ", ".join(sorted(KNOWN_PARAMETERS)))
        )


def coerce_parameter(name, value):
    """Type one parameter value the way the Ollama CLI does (api.FormatParams); raise ValueError."""
    check_parameter_name(name)
    try:
        if name in LIST_PARAMETERS:
            return _as_list(value)
        if isinstance(value, (list, tuple)):
            raise ValueError("expected a single value, got a list")
        if name in INT_PARAMETERS:
            return _in_range(name, _as_int(value))
        if name in FLOAT_PARAMETERS:
            return _as_float(value)
        return _as_bool(value)
    except ValueError as exc:
        raise ValueError("parameter %r: %s" % (name, exc))


def coerce_parameters(parameters):
    """Type a whole ``parameters`` dict (from YAML); raise ValueError naming the first bad entry."""
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        raise ValueError("parameters must be a dict of name: value, got %r" % (parameters,))
    for name, value in parameters.items():
        if name in LIST_PARAMETERS and not isinstance(value, (list, tuple)):
            raise ValueError(
                "parameter %r: expected a list of strings (one per stop sequence), got %r%s"
                % (name, value, "; write %s: [%r]" % (name, value) if isinstance(value, str) else "")
            )
    return dict((name, coerce_parameter(name, value)) for name, value in parameters.items())


def parameters_equal(left, right):
    """Compare typed parameter values: numbers numerically (float32 storage tolerated), lists whole."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return math.isclose(left, right, rel_tol=1e-6, abs_tol=1e-9)
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(parameters_equal(a, b) for a, b in zip(left, right))
    return left == right


# ---------------------------------------------------------------- lexer


class _Reader:
    def __init__(self, text):
        self.text = text[1:] if text.startswith("\ufeff") else text
        self.pos = 0
        self.line = 1

    def eof(self):
        return self.pos >= len(self.text)

    def peek(self, size=1):
        return self.text[self.pos : self.pos + size]

    def advance(self, count):
        chunk = self.text[self.pos : self.pos + count]
        self.line += chunk.count("\n")
        self.pos += count
        return chunk

    def skip_blank(self, newlines):
        while not self.eof() and self.peek() in (" \t\r\n" if newlines else " \t\r"):
            self.advance(1)

    def rest_of_line(self):
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end < 0 else end
        return self.advance(end - self.pos)

    def word(self):
        start = self.pos
        while not self.eof() and not self.peek().isspace():
            self.advance(1)
        return self.text[start : self.pos]

    def value(self, keyword, start_line):
        self.skip_blank(newlines=False)
        if self.eof() or self.peek() == "\n":
            raise ModelfileError("%s needs a value" % keyword, start_line)
        quote = '"""' if self.peek(3) == '"""' else '"' if self.peek() == '"' else None
        if quote is None:
            return self.rest_of_line().strip()
        self.advance(len(quote))
        end = self.text.find(quote, self.pos)
        if end < 0:
            raise ModelfileError(
                "unterminated %s quote in %s (reached the end of the file); close it with %s" % (quote, keyword, quote),
                start_line,
            )
        content = self.advance(end - self.pos)
        self.advance(len(quote))
        trailing = self.rest_of_line().strip()
        if trailing:
            raise ModelfileError("unexpected text %r after the closing quote of %s" % (trailing, keyword), self.line)
        return content


def parse_modelfile(text):
    """Parse Modelfile text into a spec; raise ModelfileError naming the line."""
    if not isinstance(text, str):
        raise ModelfileError("the Modelfile must be text")
    spec = empty_spec()
    from_lines = []
    reader = _Reader(text)
    while True:
        reader.skip_blank(newlines=True)
        if reader.eof():
            break
        if reader.peek() == "#":
            reader.rest_of_line()
            continue
        line = reader.line
        keyword = reader.word()
        _parse_instruction(reader, keyword, line, spec, from_lines)
    if not spec["from"]:
        raise ModelfileError("no FROM line; a Modelfile needs 'FROM <model name or GGUF file path>'")
    return spec


def _parse_instruction(reader, keyword, line, spec, from_lines):
    """One instruction into ``spec``; ``from_lines`` collects the line numbers of FROM (there must be one)."""
    upper = keyword.upper()
    if upper in UNSUPPORTED_INSTRUCTIONS:
        raise ModelfileError("%s is not supported by this collection yet; remove it" % upper, line)
    if upper not in SUPPORTED_INSTRUCTIONS:
        raise ModelfileError(
            "unknown instruction %r; expected one of %s" % (keyword, ", ".join(SUPPORTED_INSTRUCTIONS)), line
        )
    if upper == "PARAMETER":
        _parse_parameter(reader, line, spec)
    elif upper == "MESSAGE":
        _parse_message(reader, line, spec)
    else:
        value = reader.value(upper, line)
        if upper == "FROM":
            if spec["from"] is not None:
                raise ModelfileError(
                    "a second FROM (%s) after FROM %s on line %d; a Modelfile has exactly one FROM "
                    '(a quoted SYSTEM, TEMPLATE, LICENSE or MESSAGE value that contains """ '
                    "ends early and turns its remaining lines into instructions)"
                    % (value, spec["from"], from_lines[0]),
                    line,
                )
            spec["from"] = value
            from_lines.append(line)
        elif upper == "ADAPTER":
            spec["adapters"].append(value)
        elif upper == "LICENSE":
            spec["license"].append(value)
        else:
            spec[upper.lower()] = value


def _parse_parameter(reader, line, spec):
    reader.skip_blank(newlines=False)
    name = reader.word()
    if not name:
        raise ModelfileError("PARAMETER needs a name and a value, e.g. 'PARAMETER num_ctx 4096'", line)
    raw = reader.value("PARAMETER %s" % name, line)
    try:
        value = coerce_parameter(name, raw)
    except ValueError as exc:
        raise ModelfileError(str(exc), line)
    if name in LIST_PARAMETERS:
        spec["parameters"].setdefault(name, []).extend(value)
    else:
        spec["parameters"][name] = value


def _parse_message(reader, line, spec):
    reader.skip_blank(newlines=False)
    role = reader.word()
    if role not in MESSAGE_ROLES:
        raise ModelfileError(
            "MESSAGE role %r is invalid; use one of %s (lowercase)" % (role, ", ".join(MESSAGE_ROLES)), line
        )
    spec["messages"].append({"role": role, "content": reader.value("MESSAGE %s" % role, line)})


# ---------------------------------------------------------------- renderer

TRIPLE_QUOTE = '"""'


def triple_quote_error(keyword, value):
    """The message refusing a text value that holds \"\"\" (it would end a quoted Modelfile value), else None."""
    if isinstance(value, str) and TRIPLE_QUOTE in value:
        return (
            '%s contains """, which ends a quoted Modelfile value early: the text after it would be read as '
            'Modelfile instructions (FROM, PARAMETER, ...). Remove the """ from the %s text' % (keyword, keyword)
        )
    return None


def _is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and value == value.strip() and "\n" not in value


def modelfile_variable_errors(values):
    """Messages for template variables that would not stay inside their place in a Modelfile template.

    ``values``: a dict of Modelfile fields as a template inserts them (from, system, template, license, messages,
    stop and numeric PARAMETER names). A SYSTEM/TEMPLATE/LICENSE/MESSAGE text with \"\"\", a stop string with ",
    a FROM that is not one word and a number that is not a number could each add instructions of their own; a number
    the PARAMETER does not take (num_ctx 1e20, 2.5 or -5) would be refused only by the create, after the base model
    was pulled.
    """
    errors = []
    texts = [("SYSTEM", values.get("system")), ("TEMPLATE", values.get("template"))]
    license_value = values.get("license")
    texts += [("LICENSE", item) for item in (license_value if isinstance(license_value, list) else [license_value])]
    texts += [
        ("MESSAGE", (message or {}).get("content") if isinstance(message, dict) else message)
        for message in values.get("messages") or []
    ]
    errors += [error for error in (triple_quote_error(keyword, text) for keyword, text in texts) if error]
    stops = values.get("stop")
    for stop in stops if isinstance(stops, list) else ([] if stops is None else [stops]):
        if '"' in "%s" % (stop,):
            errors.append('stop %r contains ", which ends its quoted PARAMETER stop value early; remove it' % (stop,))
    source = values.get("from")
    if source is not None and (
        not isinstance(source, str) or not source or len(source.split()) != 1 or source != source.strip()
    ):
        errors.append("from %r must be one model name or file path, without spaces or line breaks" % (source,))
    for name in sorted(INT_PARAMETERS | FLOAT_PARAMETERS):
        if name not in values or values[name] is None:
            continue
        if not _is_number(values[name]):
            errors.append("%s %r is not a number" % (name, values[name]))
            continue
        try:
            coerce_parameter(name, values[name])
        except ValueError as exc:
            errors.append("%s" % exc)
    return errors


def quote(value, keyword=None):
    """Quote a Modelfile value only when it needs it (as ollama's parser.quote does).

    With ``keyword`` a value that cannot be quoted safely (it holds \"\"\") raises ModelfileError naming it;
    without, it is rendered as is (for --diff output, which is never parsed).
    """
    if keyword is not None and triple_quote_error(keyword, value):
        raise ModelfileError(triple_quote_error(keyword, value))
    if value == "" or "\n" in value or value != value.strip() or value.startswith('"'):
        return '"""%s"""' % value if '"' in value else '"%s"' % value
    return value


def format_parameter(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return quote(value)


def render_modelfile(spec, header=None, strict=False):
    """Render a spec (or a model state of the same shape) as Modelfile text; stable order for diffs.

    strict: for text a server will parse; refuse (ModelfileError) values that cannot be quoted safely.
    """

    def text(keyword, value):
        return quote(value, keyword if strict else None)

    lines = ["# %s" % line for line in (header or [])]
    if spec.get("from"):
        lines.append("FROM %s" % spec["from"])
    lines.extend("ADAPTER %s" % adapter for adapter in spec.get("adapters") or [])
    if spec.get("quantize"):
        lines.append("# quantize: %s" % spec["quantize"])
    if spec.get("template") is not None:
        lines.append("TEMPLATE %s" % text("TEMPLATE", spec["template"]))
    if spec.get("system") is not None:
        lines.append("SYSTEM %s" % text("SYSTEM", spec["system"]))
    for name in sorted(spec.get("parameters") or {}):
        value = spec["parameters"][name]
        for item in value if isinstance(value, list) else [value]:
            lines.append("PARAMETER %s %s" % (name, format_parameter(item)))
    lines.extend("LICENSE %s" % text("LICENSE", item) for item in spec.get("license") or [])
    lines.extend("MESSAGE %s %s" % (m["role"], text("MESSAGE", m["content"])) for m in spec.get("messages") or [])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- /api/show parameters table

_GO_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "'": "'",
}


def go_unquote(text):
    """Decode a Go ``%#v`` / strconv.Quote string literal (JSON lacks \\a, \\v, \\x, \\U)."""
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError("not a Go string literal: %r" % text)
    body, out, i, raw = text[1:-1], [], 0, bytearray()
    while i < len(body):
        char = body[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        code = body[i + 1 : i + 2]
        if code == "x":
            raw.append(int(body[i + 2 : i + 4], 16))
            i += 4
            if not body.startswith("\\x", i):
                out.append(raw.decode("utf-8", "replace"))
                raw = bytearray()
            continue
        if code in ("u", "U"):
            width = 4 if code == "u" else 8
            out.append(chr(int(body[i + 2 : i + 2 + width], 16)))
            i += 2 + width
            continue
        if code not in _GO_ESCAPES:
            raise ValueError("unknown escape \\%s in %r" % (code, text))
        out.append(_GO_ESCAPES[code])
        i += 2
    return "".join(out)


def _parse_go_value(text):
    if text.startswith('"'):
        return go_unquote(text)
    if text in ("true", "false"):
        return text == "true"
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def parse_show_parameters(table):
    """Parse /api/show ``parameters`` (key padded to 30 columns, Go %#v values, repeated key = list)."""
    collected = {}
    for line in (table or "").splitlines():
        if not line.strip():
            continue
        key, _sep, raw = line.strip().partition(" ")
        collected.setdefault(key, []).append(_parse_go_value(raw.strip()))
    typed = {}
    for key, values in collected.items():
        if key in LIST_PARAMETERS:
            typed[key] = [str(v) for v in values]
            continue
        value = values[0] if len(values) == 1 else values
        try:
            typed[key] = coerce_parameter(key, value) if key in KNOWN_PARAMETERS else value
        except ValueError:
            typed[key] = value
    return typed


def parameters_to_json(parameters):
    return json.loads(json.dumps(parameters))
