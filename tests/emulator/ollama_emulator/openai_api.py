"""The OpenAI-compatible routes /v1/models and /v1/chat/completions, as Ollama 0.32.15 serves them.

The real server runs the native handlers (ListHandler, ChatHandler) behind a middleware that translates the
request and rewrites the answer (middleware/openai.go, openai/openai.go at v0.32.15); this module does the same
around the emulator's /api/tags and /api/chat handlers:

- the middleware's own refusals (a body that is not JSON, no messages) use gin's AbortWithStatusJSON: content
  type with charset, no trailing newline;
- everything the handler answers goes through json.NewEncoder: `application/json` and a trailing newline, errors
  as {"error": {"message", "type", "param": null, "code": null}};
- `stream` defaults to false (OpenAI's default), streamed answers are server-sent events ending in
  `data: [DONE]`.
"""

import datetime
import json
import random
import re

from . import gojson
from .errors import HandlerError
from .names import parse_name
from .responses import JSON_CHARSET, JSON_PLAIN, Response

EVENT_STREAM = "text/event-stream"
_FRACTION = re.compile(r"\.\d+")


def unix_seconds(stamp):
    """time.Time.Unix() of an RFC 3339 timestamp as the native handlers write it."""
    parsed = datetime.datetime.fromisoformat(_FRACTION.sub("", stamp).replace("Z", "+00:00"))
    return int(parsed.timestamp())


_EXPECTING = {
    "Expecting property name enclosed in double quotes": "looking for beginning of object key string",
    "Expecting value": "looking for beginning of value",
}


def go_syntax_error(raw, exc):
    """encoding/json's SyntaxError text for the usual malformed bodies (Python's message otherwise)."""
    where = _EXPECTING.get(getattr(exc, "msg", None))
    position = getattr(exc, "pos", None)
    if where is None or position is None or position >= len(raw):
        return "invalid request body: %s" % exc
    return "invalid character %s %s" % (repr(chr(raw[position])), where)


def error_body(status, message):
    """openai.NewError: the type follows the status."""
    kind = {400: "invalid_request_error", 404: "not_found_error"}.get(status, "api_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": None}}


def middleware_error(status, message):
    """A refusal of the middleware itself (gin AbortWithStatusJSON)."""
    return Response(status, gojson.dumps(error_body(status, message)).encode("utf-8"), JSON_CHARSET)


def encoded(status, obj):
    """A body written through json.NewEncoder by the response writer."""
    return Response(status, (gojson.dumps(obj) + "\n").encode("utf-8"), JSON_PLAIN)


def _native_error(response):
    try:
        message = json.loads(response.body.decode("utf-8")).get("error", "")
    except ValueError:
        message = response.body.decode("utf-8", "replace")
    return encoded(response.status, error_body(response.status, message))


def _max_tokens_type_error(value):
    """encoding/json's refusal of a max_tokens that is not a whole number (the field is *int): "8" is refused."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return None
    kind = {str: "string", bool: "bool", list: "array", dict: "object"}.get(type(value)) or "number %r" % value
    return "json: cannot unmarshal %s into Go struct field ChatCompletionRequest.max_tokens of type int" % kind


def _messages(messages):
    """openai.FromChatRequest for text messages: a string, or a list of text parts (one message each)."""
    native = []
    for message in messages:
        content = message.get("content")
        role = message.get("role", "")
        if isinstance(content, str):
            native.append({"role": role, "content": content})
        elif isinstance(content, list):
            for part in content:
                if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
                    raise HandlerError(400, "invalid message format")
                native.append({"role": role, "content": part["text"]})
        else:
            raise HandlerError(400, "invalid message content type: <nil>")
    return native


def _options(request):
    """The sampling options FromChatRequest sets; temperature and top_p default to 1.0 like OpenAI's."""
    options = {}
    stop = request.get("stop")
    if isinstance(stop, str):
        options["stop"] = [stop]
    elif isinstance(stop, list):
        options["stop"] = [item for item in stop if isinstance(item, str)]
    if request.get("max_tokens") is not None:
        options["num_predict"] = request["max_tokens"]
    options["temperature"] = 1.0 if request.get("temperature") is None else request["temperature"]
    if request.get("seed") is not None:
        options["seed"] = request["seed"]
    for key in ("frequency_penalty", "presence_penalty"):
        if request.get(key) is not None:
            options[key] = request[key]
    options["top_p"] = 1.0 if request.get("top_p") is None else request["top_p"]
    return options


def _usage(native):
    prompt, completion = native.get("prompt_eval_count", 0), native.get("eval_count", 0)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _chunk(chat_id, created, model, delta, finish_reason=None):
    return {
        "id": chat_id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "system_fingerprint": "fp_ollama",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


def _event(obj):
    return ("data: %s\n\n" % gojson.dumps(obj)).encode("utf-8")


class OpenAIApi:
    """The /v1 routes over the emulator's native handlers; `emu` is the owning Emulator."""

    def __init__(self, emu):
        self.emu = emu

    def models(self, _request):
        """ListMiddleware over /api/tags: `data` is null when there is no model."""
        listed = json.loads(self.emu.models_api.tags({}).body.decode("utf-8"))["models"]
        data = None
        for entry in listed:
            model_id = entry.get("model") or entry["name"]
            data = (data or []) + [
                {
                    "id": model_id,
                    "object": "model",
                    "created": unix_seconds(entry["modified_at"]),
                    "owned_by": parse_name(model_id).namespace,
                }
            ]
        return encoded(200, {"object": "list", "data": data})

    def chat_completions(self, raw):
        """ChatMiddleware + ChatHandler + ChatWriter."""
        try:
            request = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (ValueError, UnicodeDecodeError) as exc:
            return middleware_error(400, go_syntax_error(raw, exc))
        if request is None:
            return middleware_error(400, "EOF")
        if not isinstance(request, dict):
            return middleware_error(
                400,
                "json: cannot unmarshal %s into Go value of type openai.ChatCompletionRequest" % type(request).__name__,
            )
        type_error = _max_tokens_type_error(request.get("max_tokens"))
        if type_error:
            return middleware_error(400, type_error)
        if not request.get("messages"):
            return middleware_error(400, "[] is too short - 'messages'")
        try:
            messages = _messages(request["messages"])
        except HandlerError as exc:
            return middleware_error(exc.status, exc.message)
        stream = request.get("stream") is True
        native_request = {
            "model": request.get("model") or "",
            "messages": messages,
            "options": _options(request),
            "stream": stream,
        }
        if request.get("tools"):
            native_request["tools"] = request["tools"]
        try:
            native = self.emu.generate_api.chat(native_request)
        except HandlerError as exc:
            return encoded(exc.status, error_body(exc.status, exc.message))
        if native.status != 200:
            return _native_error(native)
        chat_id = "chatcmpl-%d" % random.randrange(999)
        if not stream:
            return encoded(200, self._completion(chat_id, json.loads(native.body.decode("utf-8"))))
        usage = bool((request.get("stream_options") or {}).get("include_usage"))
        return Response(200, lines=self._events(chat_id, native.lines, usage), content_type=EVENT_STREAM)

    @staticmethod
    def _completion(chat_id, native):
        """openai.ToChatCompletion."""
        message = native.get("message") or {}
        reason = native.get("done_reason") or None
        return {
            "id": chat_id,
            "object": "chat.completion",
            "created": unix_seconds(native["created_at"]),
            "model": native["model"],
            "system_fingerprint": "fp_ollama",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": message.get("role", ""), "content": message.get("content", "")},
                    "finish_reason": reason,
                }
            ],
            "usage": _usage(native),
        }

    @staticmethod
    def _events(chat_id, lines, include_usage):
        """ChatWriter in stream mode: a role chunk first, content chunks, a finish chunk, [DONE]."""
        created = None
        first_sent = False
        try:
            for native in lines:
                if created is None:
                    created = unix_seconds(native["created_at"])
                content = (native.get("message") or {}).get("content", "")
                if not (native.get("done") and first_sent and content == ""):
                    delta = {"role": "assistant", "content": content} if not first_sent else {"content": content}
                    yield _event(_chunk(chat_id, created, native["model"], delta))
                    first_sent = True
                if native.get("done"):
                    finish = _chunk(chat_id, created, native["model"], {}, native.get("done_reason") or "stop")
                    yield _event(finish)
                    if include_usage:
                        finish["choices"] = []
                        finish["usage"] = _usage(native)
                        yield _event(finish)
                    yield b"data: [DONE]\n\n"
        finally:
            close = getattr(lines, "close", None)
            if close:
                close()
