"""Go-compatible text encodings: encoding/json output, fmt %v / %#v and RFC 3339 times.

The real server is written in Go, so byte-exact bodies need Go's rules: HTML-safe escaping
of <, > and &, shortest float formatting, and RFC3339Nano timestamps without trailing zeros.
"""

import datetime
import decimal
import json
import math

_HTML_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def go_string(text):
    """JSON string literal as Go's encoding/json writes it (HTML-safe)."""
    out = json.dumps(text, ensure_ascii=False)
    for raw, escaped in _HTML_ESCAPES:
        out = out.replace(raw, escaped)
    return out


def _shortest_digits(value):
    """(digits, decimal point position) of the shortest repr of a float."""
    sign, digits, exponent = decimal.Decimal(repr(abs(value))).as_tuple()
    del sign
    text = "".join(str(d) for d in digits).rstrip("0") or "0"
    point = len(digits) + exponent
    return text, point


def go_float_json(value):
    """A float64 as encoding/json formats it."""
    if value == 0:
        return "0"
    if math.isnan(value) or math.isinf(value):
        raise ValueError("unsupported float value %r" % value)
    magnitude = abs(value)
    if 1e-6 <= magnitude < 1e21:
        text = format(decimal.Decimal(repr(magnitude)), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = go_float_g(magnitude)
    return ("-" if value < 0 else "") + text


def go_float_g(value):
    """A float64 as fmt's %v (shortest %g, exponent from 1e+06 on)."""
    if value == 0:
        return "0"
    digits, point = _shortest_digits(value)
    exp = point - 1
    sign = "-" if value < 0 else ""
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return "%s%se%s%02d" % (sign, mantissa, "-" if exp < 0 else "+", abs(exp))
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


def go_value(value):
    """fmt %v of a value decoded from JSON into Go's `any`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return go_float_g(float(value))
    if value is None:
        return "<nil>"
    return str(value)


def go_quote(text):
    """strconv.Quote, used by %#v for strings."""
    out = ['"']
    named = {
        "\a": "\\a",
        "\b": "\\b",
        "\f": "\\f",
        "\n": "\\n",
        "\r": "\\r",
        "\t": "\\t",
        "\v": "\\v",
        '"': '\\"',
        "\\": "\\\\",
    }
    for char in text:
        if char in named:
            out.append(named[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append("\\x%02x" % ord(char))
        elif not char.isprintable() and char != " ":
            out.append("\\u%04x" % ord(char) if ord(char) < 0x10000 else "\\U%08x" % ord(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def go_sharp_v(value):
    """fmt %#v of a value decoded from JSON into Go's `any`."""
    if isinstance(value, str):
        return go_quote(value)
    return go_value(value)


def dumps(obj):
    """Compact JSON with Go's escaping and number formatting; dict order is kept."""
    if obj is None:
        return "null"
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return go_float_json(obj)
    if isinstance(obj, str):
        return go_string(obj)
    if isinstance(obj, dict):
        return "{" + ",".join(go_string(str(k)) + ":" + dumps(v) for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in obj) + "]"
    raise TypeError("cannot encode %r" % type(obj))


def dumps_sorted(obj):
    """Go's json.Encoder of map[string]any: keys sorted at every level, trailing newline."""
    return dumps(_sort_keys(obj)) + "\n"


def _sort_keys(obj):
    if isinstance(obj, dict):
        return {k: _sort_keys(obj[k]) for k in sorted(obj)}
    if isinstance(obj, list):
        return [_sort_keys(v) for v in obj]
    return obj


def rfc3339_nano(ns_since_epoch):
    """time.Time marshalled as JSON: RFC3339Nano in UTC, trailing zeros of the fraction dropped."""
    seconds, nanos = divmod(int(ns_since_epoch), 1000000000)
    stamp = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    text = stamp.strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        text += ("." + "%09d" % nanos).rstrip("0")
    return text + "Z"
