# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP client for the Ollama REST API over ansible.module_utils.urls (no third-party library)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import json
import os
import re
import socket
import time
from http.client import HTTPException, RemoteDisconnected
from urllib.error import HTTPError, URLError

from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.urls import Request

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama import _version
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import EndpointError, parse_endpoint

DEFAULT_TIMEOUT = 30
# The module option that sets the timeout of pulls, creates and blob uploads (ollama_model's), named when one runs out.
STREAM_TIMEOUT_OPTION = "pull_timeout"
STRUCTURED_CREATE_VERSION = "0.5.5"

NOT_OLLAMA_HINT = "is this really an Ollama server? check the host option or OLLAMA_HOST (address and port)"
SERVICE_HINT = (
    "is the ollama service running? check `systemctl status ollama` or the container "
    "(`docker ps`, `docker logs ollama`); wrong host? set the module's host option or OLLAMA_HOST"
)
REGISTRY_HINT = (
    "the Ollama server cannot reach the model registry (offline host, DNS, proxy or firewall). "
    "Import the model from a local GGUF file with gguf_path, or copy a seeded model store "
    "(blobs/ and manifests/ of an archive) into the server's OLLAMA_MODELS directory"
)
MISSING_MODEL_HINT = "the registry has no such model or tag; check the name on https://ollama.com/library"
_REGISTRY_ERROR = re.compile(
    r"registry|dial tcp|no such host|lookup |i/o timeout|connection refused|"
    r"tls:|x509|proxyconnect|network is unreachable",
    re.IGNORECASE,
)


class OllamaError(Exception):
    """A failed API call; ``str()`` names the request, the HTTP status, the server's text and a hint."""

    def __init__(self, method, url, status=None, server_message=None, reason=None, hint=None):
        self.method = method
        self.url = url
        self.status = status
        self.server_message = server_message
        self.reason = reason
        self.hint = hint
        super(OllamaError, self).__init__(self._format())

    def _format(self):
        parts = ["%s %s failed" % (self.method, self.url)]
        if self.status is not None:
            parts.append("HTTP %s" % self.status)
        if self.server_message:
            parts.append("server said: %s" % self.server_message)
        if self.reason:
            parts.append(self.reason)
        text = ": ".join(parts[:1]) + (" (" + "; ".join(parts[1:]) + ")" if len(parts) > 1 else "")
        return text + (". Hint: %s" % self.hint if self.hint else "")


class OllamaNotFound(OllamaError):
    """HTTP 404: the model (or blob) does not exist."""


class OllamaConnectionError(OllamaError):
    """No HTTP answer at all: refused, reset, DNS, timeout."""


# ---------------------------------------------------------------- base URL (envconfig.Host semantics)


def base_url_from(value, option="host"):
    """The base URL (scheme://host:port[/path]) of an OLLAMA_HOST style value (module_utils/ollama/_endpoint.py)."""
    return parse_endpoint(value, option)["url"]


def resolve_base_url(host=None, environ=None):
    """Module option ``host`` first, else OLLAMA_HOST, else http://127.0.0.1:11434."""
    environ = os.environ if environ is None else environ
    if host is not None:
        if not host.strip():
            raise EndpointError(
                "host is empty; leave it out to use OLLAMA_HOST (or 127.0.0.1:11434), or give "
                "[http:// or https://]HOST[:PORT]"
            )
        return base_url_from(host, "host")
    return base_url_from(environ.get("OLLAMA_HOST", ""), "OLLAMA_HOST")


# ---------------------------------------------------------------- versions


# ---------------------------------------------------------------- errors


def _server_message(body):
    text = to_text(body or b"", errors="surrogate_or_replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:500] or None
    if isinstance(data, dict) and "error" in data:
        return to_text(data["error"])
    return text[:500] or None


def _reason_of(exc):
    return getattr(exc, "reason", exc)


def _is_refused(exc):
    reason = _reason_of(exc)
    return isinstance(reason, ConnectionRefusedError) or getattr(reason, "errno", None) == errno.ECONNREFUSED


def _is_transient(exc):
    reason = _reason_of(exc)
    return isinstance(
        reason, (ConnectionResetError, RemoteDisconnected, socket.timeout, TimeoutError, BrokenPipeError)
    ) or isinstance(exc, (HTTPException, ConnectionResetError))


def _connection_hint(exc, timeout, option=None):
    """(reason, hint) of a request without an HTTP answer; a timeout names the option that set it."""
    reason = _reason_of(exc)
    if _is_refused(exc):
        return "connection refused", SERVICE_HINT
    if isinstance(reason, socket.gaierror):
        return "cannot resolve the host name (%s)" % reason, "check the host option / OLLAMA_HOST; " + SERVICE_HINT
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return (
            "no answer within %s s" % timeout,
            "the server is busy or unreachable; raise the %s option, or %s" % (option or "timeout", SERVICE_HINT),
        )
    return to_text(reason), SERVICE_HINT


def error_hint(path, status, server_message):
    message = server_message or ""
    if path in ("/api/pull", "/api/create") and "file does not exist" in message:
        return MISSING_MODEL_HINT
    if path in ("/api/pull", "/api/create") and _REGISTRY_ERROR.search(message):
        return REGISTRY_HINT
    if status == 503:
        return "the server queue is full (OLLAMA_MAX_QUEUE); retry later"
    if status is not None and status >= 500:
        return "see the server log (`journalctl -u ollama` or `docker logs ollama`)"
    return None


# ---------------------------------------------------------------- client


def parse_stream_line(url, path, status, line):
    """One NDJSON line of a POST stream as a dict (None for a blank line). A line carrying ``error`` raises
    OllamaError with the server's text (and the in-band ``status`` servers up to 0.12.5 put there)."""
    text = to_text(line).strip()
    if not text:
        return None
    try:
        event = json.loads(text)
    except ValueError:
        raise OllamaError("POST", url, status=status, reason="unreadable stream line %r" % text[:200])
    if not isinstance(event, dict):
        raise OllamaError("POST", url, status=status, reason="unexpected stream line %r" % text[:200])
    if event.get("error"):
        message = to_text(event["error"])
        raise OllamaError(
            "POST",
            url,
            status=event.get("status", status),
            server_message=message,
            hint=error_hint(path, status, message),
        )
    return event


class OllamaClient:
    """One Ollama server. Reads are retried with exponential backoff; writes only when refused."""

    IDEMPOTENT_POSTS = ("/api/show",)

    def __init__(
        self,
        host=None,
        timeout=DEFAULT_TIMEOUT,
        validate_certs=True,
        retries=2,
        backoff=0.5,
        environ=None,
        sleep=time.sleep,
    ):
        self.base_url = resolve_base_url(host, environ)
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep
        self._version = None
        self._request = Request(
            validate_certs=validate_certs, follow_redirects="all", timeout=timeout, http_agent="local_llm.ollama"
        )

    # -- transport

    def url(self, path):
        return self.base_url + path

    def _open(self, method, path, data=None, headers=None, timeout=None):
        return self._request.open(
            method, self.url(path), data=data, headers=headers or {}, timeout=timeout or self.timeout
        )

    def _idempotent(self, method, path):
        return method in ("GET", "HEAD") or path in self.IDEMPOTENT_POSTS

    def open(self, method, path, data=None, headers=None, timeout=None, timeout_option=None):
        """Send one request; return the open response. Raise OllamaError subclasses (a timeout names
        ``timeout_option``, the option that set ``timeout``; the timeout option when it is the client's)."""
        attempt = 0
        while True:
            try:
                return self._open(method, path, data, headers, timeout)
            except HTTPError as exc:
                status, message = exc.code, _server_message(exc.read())
                if status >= 500 and self._idempotent(method, path) and attempt < self.retries:
                    attempt = self._wait(attempt)
                    continue
                raise self._http_error(method, path, status, message)
            except (URLError, HTTPException, OSError) as exc:
                retry = _is_refused(exc) or (_is_transient(exc) and self._idempotent(method, path))
                if retry and attempt < self.retries and not hasattr(data, "read"):
                    attempt = self._wait(attempt)
                    continue
                reason, hint = _connection_hint(exc, timeout or self.timeout, timeout and timeout_option)
                raise OllamaConnectionError(method, self.url(path), reason=reason, hint=hint)

    def _wait(self, attempt):
        self._sleep(self.backoff * (2**attempt))
        return attempt + 1

    def _http_error(self, method, path, status, message):
        cls = OllamaNotFound if status == 404 else OllamaError
        return cls(
            method, self.url(path), status=status, server_message=message, hint=error_hint(path, status, message)
        )

    def request_json(self, method, path, body=None, timeout=None):
        """One JSON request/response; an empty body returns None."""
        data = None if body is None else json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"} if body is not None else {}
        response = self.open(method, path, data=data, headers=headers, timeout=timeout)
        try:
            raw = response.read()
        except (HTTPException, OSError) as exc:
            reason, hint = _connection_hint(exc, timeout or self.timeout)
            raise OllamaConnectionError(method, self.url(path), reason=reason, hint=hint)
        finally:
            response.close()
        if not raw.strip():
            return None
        try:
            data = json.loads(to_text(raw))
        except ValueError:
            raise OllamaError(
                method,
                self.url(path),
                status=response.status,
                reason="the answer is not JSON: %r" % raw[:200],
                hint=NOT_OLLAMA_HINT,
            )
        if isinstance(data, dict) and data.get("error"):
            raise self._http_error(method, path, response.status, to_text(data["error"]))
        return data

    def events(self, path, body, timeout=None, timeout_option=None):
        """POST ``body`` with ``stream: true`` and yield each NDJSON object of the answer (the one stream reader).

        An ``{"error": ...}`` line (sent on HTTP 200 once streaming started) raises OllamaError; a connection lost
        mid-stream raises OllamaConnectionError. The response is closed when the caller stops iterating.
        """
        payload = json.dumps(dict(body, stream=True)).encode("utf-8")
        response = self.open(
            "POST",
            path,
            data=payload,
            headers={"Content-Type": "application/json"},
            timeout=timeout,
            timeout_option=timeout_option,
        )
        try:
            for line in response:
                event = parse_stream_line(self.url(path), path, response.status, line)
                if event is not None:
                    yield event
        except (HTTPException, OSError) as exc:
            reason, hint = _connection_hint(exc, timeout or self.timeout, timeout and timeout_option)
            raise OllamaConnectionError("POST", self.url(path), reason="stream interrupted: %s" % reason, hint=hint)
        finally:
            response.close()

    def stream(self, path, body, on_progress=None, timeout=None, timeout_option=None):
        """POST a streaming request (pull, create, push); feed each object to ``on_progress``; return the last one,
        which must say ``{"status": "success"}``."""
        last = None
        for event in self.events(path, body, timeout, timeout_option):
            if on_progress is not None:
                on_progress(event)
            last = event
        if last is None or last.get("status") != "success":
            raise OllamaError(
                "POST",
                self.url(path),
                status=200,
                reason='the progress stream ended without {"status": "success"} (last: %s)' % json.dumps(last),
                hint="see the server log (`journalctl -u ollama`)",
            )
        return last

    # -- readiness and version

    def wait_until_up(self, timeout):
        """Poll GET /api/version until the server answers or ``timeout`` seconds pass (then raise)."""
        deadline = time.monotonic() + timeout
        delay = 0.25
        while True:
            try:
                self._version = self._field(
                    "GET", "/api/version", "version", str, "version", timeout=max(1, min(5, timeout))
                )
                return self._version
            except OllamaConnectionError as exc:
                if time.monotonic() + delay > deadline:
                    raise OllamaConnectionError(
                        "GET",
                        self.url("/api/version"),
                        reason="no answer within %s s (%s)" % (timeout, exc.reason),
                        hint=SERVICE_HINT,
                    )
                self._sleep(delay)
                delay = min(delay * 2, 2.0)

    def version(self):
        if self._version is None:
            self._version = self._field("GET", "/api/version", "version", str, "version")
        return self._version

    def _field(self, method, path, key, kind, what, body=None, timeout=None):
        """``key`` of the JSON object an endpoint every Ollama has answers with, checked to be a ``kind``.

        Something else answering there (a web server, a proxy's error page, another API) raises OllamaError that
        says so, instead of a KeyError or an empty list taken for "no models"."""
        try:
            data = self.request_json(method, path, body, timeout=timeout)
        except OllamaNotFound as exc:
            raise OllamaError(
                method, self.url(path), status=404, server_message=exc.server_message, hint=NOT_OLLAMA_HINT
            )
        if not isinstance(data, dict) or key not in data or not isinstance(data[key], kind):
            raise OllamaError(
                method,
                self.url(path),
                status=200,
                reason="the answer has no %s (%r): %s" % (what, key, json.dumps(data)[:200]),
                hint=NOT_OLLAMA_HINT,
            )
        return data[key]

    def supports_structured_create(self):
        return _version.server_at_least(self.version(), STRUCTURED_CREATE_VERSION)

    # -- endpoints

    def list_models(self):
        return self._models("/api/tags")

    def running_models(self):
        return self._models("/api/ps")

    def _models(self, path):
        """The ``models`` list of /api/tags or /api/ps; Ollama sends ``[]``, or ``null`` for none (0.1.x)."""
        models = self._field("GET", path, "models", (list, type(None)), "list of models") or []
        if not all(isinstance(entry, dict) for entry in models):
            raise OllamaError(
                "GET",
                self.url(path),
                status=200,
                reason="the answer's models are not JSON objects: %s" % json.dumps(models)[:200],
                hint=NOT_OLLAMA_HINT,
            )
        return models

    def show(self, name, verbose=False):
        body = {"model": name}
        if verbose:
            body["verbose"] = True
        data = self.request_json("POST", "/api/show", body)
        if not isinstance(data, dict):
            raise OllamaError(
                "POST",
                self.url("/api/show"),
                status=200,
                reason="the answer is not a JSON object: %s" % json.dumps(data)[:200],
                hint=NOT_OLLAMA_HINT,
            )
        return data

    def pull(self, name, insecure=False, on_progress=None, timeout=None):
        body = {"model": name, "insecure": insecure}
        return self.stream("/api/pull", body, on_progress, timeout, STREAM_TIMEOUT_OPTION)

    def create(self, request, on_progress=None, timeout=None):
        return self.stream("/api/create", request, on_progress, timeout, STREAM_TIMEOUT_OPTION)

    def delete(self, name):
        self.request_json("DELETE", "/api/delete", {"model": name})

    def blob_exists(self, digest):
        try:
            self.open("HEAD", "/api/blobs/%s" % digest).close()
            return True
        except OllamaNotFound:
            return False

    def upload_blob(self, digest, path, timeout=None, wrap=None):
        """POST a local file as a blob; ``wrap(handle, size)`` may return a reader that reports progress."""
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            body = wrap(handle, size) if wrap else handle
            response = self.open(
                "POST",
                "/api/blobs/%s" % digest,
                data=body,
                timeout=timeout,
                timeout_option=STREAM_TIMEOUT_OPTION,
                headers={"Content-Type": "application/octet-stream", "Content-Length": str(size)},
            )
        response.close()
