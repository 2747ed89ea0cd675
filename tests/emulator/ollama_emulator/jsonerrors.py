"""The texts of Go's encoding/json syntax errors, as Ollama returns them for a request body it cannot decode."""

import json

_EXPECTING = {
    "Expecting property name enclosed in double quotes": "looking for beginning of object key string",
    "Expecting value": "looking for beginning of value",
    "Expecting ':' delimiter": "after object key",
}


def quote_char(char):
    """encoding/json quoteChar: 'x', with \\' and \\" escaped as Go does."""
    if char == "'":
        return "'\\''"
    if char == '"':
        return "'\"'"
    return "'" + json.dumps(char)[1:-1] + "'"


def _container(text, pos):
    """'object' or 'array': the innermost open bracket before pos (strings skipped)."""
    stack, in_string, escaped = [], False, False
    for char in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append(char)
        elif char in "}]" and stack:
            stack.pop()
    return "array" if stack and stack[-1] == "[" else "object"


def decode_error_text(text, exc):
    """Go's error for the JSONDecodeError exc of text: unexpected EOF or invalid character 'c' <where>."""
    pos = getattr(exc, "pos", len(text))
    message = getattr(exc, "msg", str(exc))
    if pos >= len(text.rstrip()) or message.startswith("Unterminated string"):
        return "unexpected EOF"
    char = text[pos]
    if message.startswith("Invalid control character"):
        return "invalid character %s in string literal" % quote_char(char)
    if message == "Expecting ',' delimiter":
        where = "after array element" if _container(text, pos) == "array" else "after object key:value pair"
    else:
        where = _EXPECTING.get(message, "looking for beginning of value")
    return "invalid character %s %s" % (quote_char(char), where)
