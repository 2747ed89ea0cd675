"""Response objects and the real server's rules for delivering results and errors (ref section 3)."""

from . import gojson
from .errors import StreamError

JSON_CHARSET = "application/json; charset=utf-8"  # gin c.JSON / AbortWithStatusJSON
JSON_PLAIN = "application/json"  # stream:false results and worker errors
NDJSON = "application/x-ndjson"
TEXT = "text/plain; charset=utf-8"  # gin c.String
NOT_FOUND_TEXT = "text/plain"  # gin's default 404 page


class Response:
    """A complete body, or `lines` (an iterator of objects) sent as chunked NDJSON; `headers`: extra headers."""

    def __init__(self, status, body=b"", content_type=None, lines=None, headers=None):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.content_type = content_type
        self.lines = lines


def json_response(status, obj, content_type=JSON_CHARSET):
    return Response(status, gojson.dumps(obj).encode("utf-8"), content_type)


def error_response(status, message, content_type=JSON_CHARSET):
    return json_response(status, {"error": message}, content_type)


def empty_response(status=200):
    return Response(status)


def text_response(status, text, content_type=TEXT):
    return Response(status, text.encode("utf-8"), content_type)


def deliver(worker, stream, legacy_errors=False):
    """Run a progress generator like streamResponse / waitForStream do.

    legacy_errors: servers <= 0.12.5 sent every worker error as an NDJSON line on HTTP 200,
    with the attached status inside the object.
    """
    if not stream:
        last = None
        try:
            for event in worker:
                last = event
        except StreamError as exc:
            return error_response(exc.status or 500, exc.message, JSON_PLAIN)
        return json_response(200, last, JSON_PLAIN)
    try:
        first = next(worker)
    except StopIteration:
        return Response(200, b"", NDJSON)
    except StreamError as exc:
        if legacy_errors:
            return Response(200, lines=iter([_legacy_error(exc)]), content_type=NDJSON)
        return error_response(exc.status or 500, exc.message, JSON_PLAIN)
    return Response(200, lines=_continue(first, worker, legacy_errors), content_type=NDJSON)


def _legacy_error(exc):
    line = {"error": exc.message}
    if exc.status:
        line["status"] = exc.status
    return line


def _continue(first, worker, legacy_errors):
    try:
        yield first
        yield from worker
    except StreamError as exc:
        yield _legacy_error(exc) if legacy_errors else {"error": exc.message}
    finally:
        worker.close()
