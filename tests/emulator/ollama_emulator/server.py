"""HTTP plumbing: routing, body parsing, chunked NDJSON streaming, faults and the request log."""

import json
import re
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import gojson, hostcheck
from .errors import HandlerError
from .jsonerrors import decode_error_text
from .responses import JSON_PLAIN, NOT_FOUND_TEXT, Response, error_response, json_response, text_response

CONTROL_PREFIX = "/__emulator/"
_BLOB_ROUTE = re.compile(r"^/api/blobs/(?P<digest>[^/]+)$")


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, emu):
        self.emu = emu
        ThreadingHTTPServer.__init__(self, address, Handler)


def parse_json_body(raw):
    if not raw.strip():
        raise HandlerError(400, "missing request body")
    text = raw.decode("utf-8", "replace")
    try:
        # gin decodes one JSON value with json.Decoder: whatever follows it is not read
        body = json.JSONDecoder().raw_decode(text, len(text) - len(text.lstrip()))[0]
    except ValueError as exc:
        raise HandlerError(400, decode_error_text(text, exc)) from None
    if not isinstance(body, dict):
        raise HandlerError(400, "json: cannot unmarshal %s into Go value of type api.Request" % type(body).__name__)
    return body


class Handler(BaseHTTPRequestHandler):
    """One HTTP/1.1 connection; every request goes through `_handle`."""

    protocol_version = "HTTP/1.1"
    server_version = "ollama-emulator"

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silence the default stderr access log (the emulator keeps its own)."""

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PUT(self):
        self._handle("PUT")

    def do_OPTIONS(self):
        self._handle("OPTIONS")

    # ------------------------------------------------------------ request side
    def _content_length(self):
        try:
            return int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return 0

    def _read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(self._content_length())

    def _handle(self, method):
        emu = self.server.emu
        path = self.path.split("?", 1)[0]
        entry = {"method": method, "path": path, "status": None, "body": None}
        try:
            response = self._dispatch(emu, method, path, entry)
        except HandlerError as exc:
            response = error_response(exc.status, exc.message)
        entry["status"] = response.status
        if not path.startswith(CONTROL_PREFIX):
            emu.record(entry)
        self._write(method, path, response)

    def _dispatch(self, emu, method, path, entry):
        if path.startswith(CONTROL_PREFIX):
            return emu.control(method, path[len(CONTROL_PREFIX) :], self._json_or_none())
        refused = self._host_check(emu, method, path)
        if refused:
            self._read_body()
            return refused
        if method == "OPTIONS":
            self._read_body()
            return self._method_not_allowed(emu, path)
        blob = _BLOB_ROUTE.match(path)
        if blob and method == "POST":
            failure = self._apply_faults(emu, path)
            if failure:
                self._read_body()
                return failure
            return emu.models_api.blob_upload(blob.group("digest"), self.rfile.read, self._content_length())
        raw = self._read_body()
        body = None
        if raw.strip():
            try:
                body = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                body = None
        entry["body"] = body
        failure = self._apply_faults(emu, path)
        if failure:
            return failure
        if blob and method == "HEAD":
            return emu.models_api.blob_head(blob.group("digest"))
        route = emu.routes.get((method, path))
        if route is None:
            return text_response(404, "404 page not found", NOT_FOUND_TEXT)
        handler, needs_body = route
        if needs_body == "raw":
            return handler(raw)
        return handler(parse_json_body(raw)) if needs_body else handler({})

    def _host_check(self, emu, method, path):
        """allowedHostsMiddleware: 403 (empty body) for a foreign Host while listening on loopback; 204 for OPTIONS."""
        if not hostcheck.listens_on_loopback(self.server.server_address[0]):
            return None
        allow = _allow_header(emu, path)
        if not hostcheck.host_allowed(self.headers.get("Host")):
            return Response(403, headers=allow)
        if method == "OPTIONS":
            return Response(204, headers=allow)
        return None

    @staticmethod
    def _method_not_allowed(emu, path):
        allow = _allow_header(emu, path)
        if not allow:
            return text_response(404, "404 page not found")
        response = Response(405, b"405 method not allowed", "text/plain", headers=allow)
        return response

    def _json_or_none(self):
        raw = self._read_body()
        try:
            return json.loads(raw.decode("utf-8")) if raw.strip() else None
        except ValueError:
            return None

    @staticmethod
    def _apply_faults(emu, path):
        emu.faults.sleep_before(path)
        failure = emu.faults.failure_for(path)
        if failure:
            return error_response(failure[0], failure[1], JSON_PLAIN)
        return None

    # ------------------------------------------------------------ response side
    def _start(self, status, content_type, length=None, chunked=False, headers=None):
        self.send_response_only(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Date", self.date_time_string())
        if content_type:
            self.send_header("Content-Type", content_type)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif status != 204:
            self.send_header("Content-Length", str(length or 0))
        self.end_headers()

    def _write(self, method, path, response):
        if response.lines is None:
            self._start(response.status, response.content_type, len(response.body), headers=response.headers)
            if method != "HEAD" and response.body:
                self.wfile.write(response.body)
            return
        limit = self.server.emu.faults.stream_line_limit(path)
        self._start(response.status, response.content_type, chunked=True)
        sent = 0
        try:
            for item in response.lines:
                if limit is not None and sent >= limit:
                    self._drop_connection()
                    return
                line = item if isinstance(item, bytes) else (gojson.dumps(item) + "\n").encode("utf-8")
                self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
                sent += 1
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            close = getattr(response.lines, "close", None)
            if close:
                close()

    def _drop_connection(self):
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _allow_header(emu, path):
    """gin's Allow header (HandleMethodNotAllowed): the methods routed on this path, in registration order."""
    methods = [m for m in ("HEAD", "GET", "POST", "DELETE", "PUT") if (m, path) in emu.routes]
    if _BLOB_ROUTE.match(path):
        methods = ["HEAD", "POST"]
    return {"Allow": ", ".join(methods)} if methods else {}


def control_response(status, obj):
    return json_response(status, obj)
