"""The emulator held to the real Ollama 0.32.15: one request sequence, a recording of the real answers, a comparison.

`run_sequence(url, gguf_path)` sends SEQUENCE to a server and returns one exchange per step (status, content type,
body). `shape(exchange)` reduces an exchange to what must agree between the real server and the emulator: the status,
the content type, the set of keys with their value types (recursively; a list is described by the distinct shapes of
its elements, an NDJSON stream by its first line, its last line and the distinct shapes of the lines between), the
error texts and the `status` texts of progress lines, with timestamps, digests, durations, sizes, addresses and ports
normalised. `differences(real, emulated)` lists where two shapes disagree, as "step: where: real | emulator".

The recording (tests/fixtures/ollama-0.32.15-conformance/real-responses.json) keeps the real exchanges, so the
emulator stays checked against the real server even where the real tier is skipped.
"""

import json
import os
import re
import socket
import urllib.parse

FIXTURE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "fixtures",
    "ollama-0.32.15-conformance",
    "real-responses.json",
)
BASE = "conf-base"
DERIVED = "conf-derived"
COPY = "conf-copy"
PROMPT = "Why is the sky blue?"
OPTIONS = {"num_predict": 8, "seed": 42, "temperature": 0}
DERIVED_BODY = {
    "model": DERIVED,
    "from": BASE,
    "system": "You are a terse assistant.",
    "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
}
ZERO_DIGEST = "sha256:" + "0" * 64
MAX_LIST = 5  # lists in the recording are cut to their first MAX_LIST elements (token tables, context)


# What the comparison found in the emulator, and was fixed there (printed by the real tier).
FIXED = [
    "show: model_info lacked general.parameter_count when the GGUF has none (the server counts the tensors' elements)",
    "create: a layer whose blob was already stored said 'creating new layer' (server.NewLayer: 'using existing layer')",
    "bad JSON: the error was Python's text, not encoding/json's ('invalid character ... looking for beginning of "
    "object key string', 'unexpected EOF'); trailing data after the JSON value is ignored as gin does",
    "unknown route: Content-Type 'text/plain; charset=utf-8' instead of gin's 'text/plain'",
    "Host check (allowedHostsMiddleware): a foreign Host got the normal answer instead of 403 with an empty body",
]

# Differences between the real server and the emulator that stay, with the reason. A key matches every difference
# line that starts with it ("step: where"). An entry that no longer matches anything fails the test: drop it.
ALLOWED = {}


def _step(name, method, path, body=None, raw=None, host=None, upload=False):
    return {"name": name, "method": method, "path": path, "body": body, "raw": raw, "host": host, "upload": upload}


def sequence(digest):
    """The steps, in order; `digest` is the sha256 of the GGUF file that the upload steps send."""
    blob = "/api/blobs/sha256:" + digest
    generate = {"model": BASE, "prompt": PROMPT, "options": OPTIONS}
    chat = {"model": BASE, "messages": [{"role": "user", "content": PROMPT}], "options": OPTIONS}
    return [
        _step("version", "GET", "/api/version"),
        _step("tags_empty", "GET", "/api/tags"),
        _step("blob_head_missing", "HEAD", blob),
        _step("blob_upload", "POST", blob, upload=True),
        _step("blob_upload_again", "POST", blob, upload=True),
        _step("blob_head_present", "HEAD", blob),
        _step("blob_upload_wrong_digest", "POST", "/api/blobs/" + ZERO_DIGEST, raw=b"not the right bytes"),
        _step(
            "create_files",
            "POST",
            "/api/create",
            {"model": BASE, "files": {"model.gguf": "sha256:" + digest}, "stream": False},
        ),
        _step("tags", "GET", "/api/tags"),
        _step("show", "POST", "/api/show", {"model": BASE}),
        _step("show_verbose", "POST", "/api/show", {"model": BASE, "verbose": True}),
        _step("create_from", "POST", "/api/create", dict(DERIVED_BODY, stream=False)),
        _step("create_from_stream", "POST", "/api/create", dict(DERIVED_BODY)),
        _step("show_derived", "POST", "/api/show", {"model": DERIVED}),
        _step(
            "create_missing_base",
            "POST",
            "/api/create",
            {"model": "conf-orphan", "from": "does-not-exist", "stream": False},
        ),
        _step(
            "create_missing_blob",
            "POST",
            "/api/create",
            {"model": "conf-orphan", "files": {"model.gguf": ZERO_DIGEST}, "stream": False},
        ),
        _step("pull", "POST", "/api/pull", {"model": "all-minilm", "stream": False}),
        _step("pull_stream", "POST", "/api/pull", {"model": "all-minilm"}),
        _step("generate", "POST", "/api/generate", dict(generate, stream=False)),
        _step("generate_stream", "POST", "/api/generate", dict(generate)),
        _step("chat", "POST", "/api/chat", dict(chat, stream=False)),
        _step("chat_stream", "POST", "/api/chat", dict(chat)),
        _step("ps", "GET", "/api/ps"),
        _step("copy", "POST", "/api/copy", {"source": DERIVED, "destination": COPY}),
        _step("copy_missing", "POST", "/api/copy", {"source": "does-not-exist", "destination": COPY}),
        _step("delete", "DELETE", "/api/delete", {"model": COPY}),
        _step("delete_again", "DELETE", "/api/delete", {"model": COPY}),
        _step("bad_json", "POST", "/api/show", raw=b"{bad"),
        _step("empty_body", "POST", "/api/show", raw=b""),
        _step("show_unknown", "POST", "/api/show", {"model": "does-not-exist"}),
        _step("generate_unknown", "POST", "/api/generate", {"model": "does-not-exist", "prompt": "hi"}),
        _step(
            "chat_unknown",
            "POST",
            "/api/chat",
            {"model": "does-not-exist", "messages": [{"role": "user", "content": "hi"}]},
        ),
        _step("unknown_route", "GET", "/api/does-not-exist"),
        _step("host_localhost", "GET", "/api/version", host="localhost"),
        _step("host_foreign", "GET", "/api/version", host="evil.example.com"),
        _step("delete_derived", "DELETE", "/api/delete", {"model": DERIVED}),
        _step("delete_base", "DELETE", "/api/delete", {"model": BASE}),
        _step("tags_final", "GET", "/api/tags"),
    ]


# ---------------------------------------------------------------- sending


def _request(url, step, data, timeout):
    """One HTTP/1.1 exchange over a plain socket, so the Host header is exactly the step's."""
    parsed = urllib.parse.urlsplit(url)
    host = step["host"] or parsed.netloc
    headers = [
        "%s %s HTTP/1.1" % (step["method"], step["path"]),
        "Host: " + host,
        "Connection: close",
        "User-Agent: llo-conformance",
    ]
    if data is not None:
        headers += ["Content-Type: application/json", "Content-Length: %d" % len(data)]
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode("ascii"))
        if data is not None:
            if hasattr(data, "read"):
                for chunk in iter(lambda: data.read(1 << 20), b""):
                    sock.sendall(chunk)
            else:
                sock.sendall(data)
        answer = b""
        for chunk in iter(lambda: sock.recv(1 << 16), b""):
            answer += chunk
    return _parse_response(answer, step["method"])


def _parse_response(answer, method):
    head, _separator, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        key, _separator, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    if method == "HEAD":
        body = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(body)
    return status, headers.get("content-type"), body


def _dechunk(data):
    out = b""
    while data:
        size_line, _separator, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += data[:size]
        data = data[size + 2 :]
    return out


def _decode_body(content_type, body):
    text = body.decode("utf-8", "replace")
    if not body:
        return ""
    if content_type and "ndjson" in content_type:
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if content_type and "json" in content_type:
        return json.loads(text)
    return text


def _trim(value):
    if isinstance(value, dict):
        return {key: _trim(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trim(item) for item in value[:MAX_LIST]]
    return value


def run_sequence(url, gguf_path, timeout=600):
    """Send every step to the server at url; returns [{name, request, status, content_type, body}]."""
    digest = _sha256(gguf_path)
    exchanges = []
    for step in sequence(digest):
        if step["upload"]:
            with open(gguf_path, "rb") as handle:
                size = os.fstat(handle.fileno()).st_size
                status, content_type, body = _upload(url, step, handle, size, timeout)
        else:
            data = (
                step["raw"]
                if step["raw"] is not None
                else (json.dumps(step["body"]).encode("utf-8") if step["body"] is not None else None)
            )
            status, content_type, body = _request(url, step, data, timeout)
        request = {"method": step["method"], "path": step["path"].replace(digest, "<gguf digest>")}
        for key in ("body", "host"):
            if step[key] is not None:
                request[key] = step[key]
        if step["raw"] is not None:
            request["raw"] = step["raw"].decode("utf-8")
        exchanges.append(
            {
                "name": step["name"],
                "request": request,
                "status": status,
                "content_type": content_type,
                "body": _trim(_decode_body(content_type, body)),
            }
        )
    return exchanges


def _upload(url, step, handle, size, timeout):
    parsed = urllib.parse.urlsplit(url)
    headers = [
        "POST %s HTTP/1.1" % step["path"],
        "Host: " + parsed.netloc,
        "Connection: close",
        "Content-Length: %d" % size,
    ]
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode("ascii"))
        try:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (and closed) before reading the whole body: a blob it already has
        answer = b""
        for chunk in iter(lambda: sock.recv(1 << 16), b""):
            answer += chunk
    return _parse_response(answer, "POST")


def _sha256(path):
    import hashlib  # pylint: disable=import-outside-toplevel

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- normalising

_TEXT_RULES = [
    (re.compile(r"sha256[:-][0-9a-f]{64}"), "sha256:<digest>"),
    (re.compile(r"\b[0-9a-f]{64}\b"), "<digest>"),
    (re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"), "<address>"),
    (re.compile(r"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"), "<time>"),
    (re.compile(r"(/[\w.+-]+)+/(blobs|manifests)/"), "<models>/\\2/"),
]
_TEXT_KEYS = ("error", "status")


def normalise_text(text):
    for pattern, replacement in _TEXT_RULES:
        text = pattern.sub(replacement, text)
    return text


def _type_name(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    return "object"


def value_shape(value):
    """Keys and value types, recursively; the texts of `error` and `status` keys, normalised."""
    if isinstance(value, dict):
        return {
            key: (normalise_text(item) if key in _TEXT_KEYS and isinstance(item, str) else value_shape(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        shapes = []
        for item in value:
            item_shape = value_shape(item)
            if item_shape not in shapes:
                shapes.append(item_shape)
        return {"list of": sorted(shapes, key=json.dumps)}
    return _type_name(value)


def shape(exchange):
    body = exchange["body"]
    if isinstance(body, list) and exchange["content_type"] and "ndjson" in exchange["content_type"]:
        middle = []
        for line in body[1:-1]:
            line_shape = value_shape(line)
            if line_shape not in middle:
                middle.append(line_shape)
        body_shape = (
            {
                "first line": value_shape(body[0]),
                "last line": value_shape(body[-1]),
                "lines between": sorted(middle, key=json.dumps),
            }
            if body
            else "no lines"
        )
    elif isinstance(body, str):
        body_shape = "text: " + normalise_text(body) if body else "empty"
    else:
        body_shape = value_shape(body)
    return {"status": exchange["status"], "content_type": exchange["content_type"], "body": body_shape}


def differences(real, emulated):
    """["step: where: real | emulator", ...] for every step whose shapes disagree."""
    found = []
    emulated_by_name = {exchange["name"]: exchange for exchange in emulated}
    for exchange in real:
        other = emulated_by_name.get(exchange["name"])
        if other is None:
            found.append("%s: missing in the emulator's run" % exchange["name"])
            continue
        _compare(exchange["name"], "", shape(exchange), shape(other), found)
    return found


def _compare(step, where, real, emulated, found):
    if (
        isinstance(real, dict)
        and isinstance(emulated, dict)
        and len(real.get("list of", ())) == 1
        and len(emulated.get("list of", ())) == 1
    ):
        _compare(step, where + "[]", real["list of"][0], emulated["list of"][0], found)
    elif isinstance(real, dict) and isinstance(emulated, dict) and "list of" not in real:
        for key in sorted(set(real) | set(emulated)):
            place = "%s.%s" % (where, key) if where else key
            if key not in emulated:
                found.append("%s: %s: present | missing" % (step, place))
            elif key not in real:
                found.append("%s: %s: missing | present" % (step, place))
            else:
                _compare(step, place, real[key], emulated[key], found)
    elif real != emulated:
        found.append(
            "%s: %s: %s | %s"
            % (step, where or "(whole)", json.dumps(real, sort_keys=True), json.dumps(emulated, sort_keys=True))
        )


def unexplained(found, allowed):
    """The differences no allow-list entry explains; an entry matches a difference that starts with its key."""
    return [line for line in found if not any(line.startswith(prefix) for prefix in allowed)]


def load_recording(path=FIXTURE):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def save_recording(exchanges, path=FIXTURE):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(exchanges, handle, indent=1, sort_keys=True)
        handle.write("\n")
