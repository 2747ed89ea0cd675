"""Server-side Modelfile parsing for the old `/api/create {modelfile}` form (Ollama <= 0.5.4).

It repeats plugins/module_utils/model/_modelfile.py on purpose: the emulator imports nothing from plugins/, so that
it stays a second opinion on the server's side rather than agreeing with the client's code by construction."""

import re

from .errors import HandlerError

INT_PARAMS = (
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
    "mirostat",
)
FLOAT_PARAMS = (
    "top_p",
    "min_p",
    "typical_p",
    "temperature",
    "repeat_penalty",
    "presence_penalty",
    "frequency_penalty",
    "mirostat_tau",
    "mirostat_eta",
    "tfs_z",
)
BOOL_PARAMS = ("use_mmap", "use_mlock", "numa", "low_vram", "f16_kv", "penalize_newline")
LIST_PARAMS = ("stop",)
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s+(.*)$", re.S)


def _read_quoted(lines, index, rest):
    """Collect a "..." or \"\"\"...\"\"\" value that may span lines; returns (value, next index)."""
    delimiter = '"""' if rest.startswith('"""') else '"'
    body = rest[len(delimiter) :]
    collected = []
    while True:
        end = body.find(delimiter)
        if end >= 0:
            collected.append(body[:end])
            return "\n".join(collected), index + 1
        collected.append(body)
        index += 1
        if index >= len(lines):
            raise HandlerError(400, "unexpected EOF")
        body = lines[index]


def parse(text):
    """Return [(instruction lower-case, argument)] in file order."""
    lines = text.lstrip("\ufeff").split("\n")
    commands, index = [], 0
    while index < len(lines):
        line = lines[index].rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            index += 1
            continue
        match = _INSTRUCTION.match(line)
        if not match:
            raise HandlerError(
                400,
                'command must be one of "from", "license", "template", "system", "adapter", "parameter", or "message"',
            )
        instruction, rest = match.group(1).lower(), match.group(2).strip()
        if rest.startswith('"'):
            rest, index = _read_quoted(lines, index, rest)
        else:
            index += 1
        commands.append((instruction, rest))
    return commands


def typed_parameter(key, value):
    """api.FormatParams for one value."""
    try:
        if key in INT_PARAMS:
            return int(value)
        if key in FLOAT_PARAMS:
            return float(value)
        if key in BOOL_PARAMS:
            return value.lower() in ("1", "t", "true")
    except ValueError:
        raise HandlerError(400, 'invalid %s value "%s"' % (key, value)) from None
    if key in LIST_PARAMS:
        return value
    raise HandlerError(400, "unknown parameter '%s'" % key)


def to_request(commands):
    """Fold parsed commands into the structured create fields."""
    request = {"parameters": {}, "license": [], "messages": []}
    for instruction, argument in commands:
        if instruction == "from":
            request["from"] = argument
        elif instruction == "parameter":
            key, value = (argument.split(" ", 1) + [""])[:2]
            value = value.strip().strip('"')
            typed = typed_parameter(key, value)
            if key in LIST_PARAMS:
                request["parameters"].setdefault(key, []).append(typed)
            else:
                request["parameters"][key] = typed
        elif instruction in ("template", "system"):
            request[instruction] = argument
        elif instruction == "license":
            request["license"].append(argument)
        elif instruction == "adapter":
            request["adapter"] = argument
        elif instruction == "message":
            role, content = (argument.split(" ", 1) + [""])[:2]
            request["messages"].append({"role": role, "content": content.strip()})
        else:
            raise HandlerError(400, "unknown instruction '%s'" % instruction)
    if "from" not in request:
        raise HandlerError(400, "no FROM line")
    return request
