# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Ollama client against a small scripted HTTP server from the standard library (real sockets)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import (
    REGISTRY_HINT,
    SERVICE_HINT,
    OllamaClient,
    OllamaConnectionError,
    OllamaError,
    OllamaNotFound,
    _connection_hint,
    resolve_base_url,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._endpoint import EndpointError

try:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
except ImportError:  # pragma: no cover
    pytest.skip("needs Python 3.7+", allow_module_level=True)


class ScriptedServer:
    """Answers each (method, path) with the next scripted reply; the last reply repeats.

    A reply is (status, content_type, body) or the string "reset" (close the socket without answering).
    """

    def __init__(self, port=0, script=None):
        self.script = dict(script or {})
        self.log = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.log.append((self.command, self.path, body))
                replies = server.script.get((self.command, self.path)) or [
                    (404, "application/json", b'{"error":"no route"}')
                ]
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
                if reply == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    self.close_connection = True
                    self.connection.close()
                    return
                status, content_type, payload = reply
                self.send_response(status)
                if content_type:
                    self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = do_DELETE = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def on(self, method, path, *replies):
        self.script[(method, path)] = list(replies)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = ScriptedServer()
    yield srv
    srv.stop()


@pytest.fixture
def sleeps():
    return []


def client_for(url, sleeps, **kwargs):
    return OllamaClient(host=url, timeout=5, sleep=sleeps.append, **kwargs)


def json_reply(status, data):
    return (status, "application/json; charset=utf-8", json.dumps(data).encode())


def free_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# OLLAMA_HOST and the host option; the forms of the value: test_endpoint.py (the decision table).


def test_module_host_option_wins_over_the_environment_and_an_empty_one_is_refused():
    env = {"OLLAMA_HOST": "10.1.1.1:1"}
    assert resolve_base_url("box:2", env) == "http://box:2"
    assert resolve_base_url(None, env) == "http://10.1.1.1:1"
    assert resolve_base_url(None, {}) == "http://127.0.0.1:11434"
    with pytest.raises(EndpointError, match="host is empty; leave it out to use OLLAMA_HOST"):
        resolve_base_url("  ", env)


def test_a_bad_environment_value_names_ollama_host():
    with pytest.raises(EndpointError, match=r"^OLLAMA_HOST='box:abc' has the port"):
        resolve_base_url(None, {"OLLAMA_HOST": "box:abc"})


# ---------------------------------------------------------------- errors and retries


def test_models_null_is_none_and_entries_must_be_objects(server, sleeps):
    server.on("GET", "/api/tags", json_reply(200, {"models": None}))
    server.on("GET", "/api/ps", json_reply(200, {"models": ["not-an-object"]}))
    client = client_for(server.url, sleeps)
    assert client.list_models() == []
    with pytest.raises(OllamaError, match="the answer's models are not JSON objects.*is this really an Ollama server"):
        client.running_models()


def test_get_json_and_version(server, sleeps, recorded):
    server.on("GET", "/api/version", json_reply(200, {"version": "0.32.15"}))
    server.on("GET", "/api/tags", (200, "application/json", recorded.bytes("tags.json")))
    client = client_for(server.url, sleeps)
    assert client.version() == "0.32.15"
    assert client.supports_structured_create()
    assert client.list_models()[0]["name"] == "tiny-gemma:latest"
    client.version()
    assert [entry[1] for entry in server.log].count("/api/version") == 1


def test_not_found_is_distinct_and_names_everything(server, sleeps):
    server.on("POST", "/api/show", json_reply(404, {"error": "model 'x:latest' not found"}))
    with pytest.raises(OllamaNotFound) as info:
        client_for(server.url, sleeps).show("x")
    error = info.value
    assert (error.status, error.server_message) == (404, "model 'x:latest' not found")
    assert error.url == server.url + "/api/show"
    assert str(error) == ("POST %s/api/show failed (HTTP 404; server said: model 'x:latest' not found)" % server.url)
    assert sleeps == []


def test_5xx_on_reads_retried_with_exponential_backoff(server, sleeps):
    server.on(
        "GET",
        "/api/tags",
        json_reply(500, {"error": "boom"}),
        json_reply(503, {"error": "busy"}),
        json_reply(200, {"models": []}),
    )
    assert client_for(server.url, sleeps).list_models() == []
    assert sleeps == [0.5, 1.0]
    assert len(server.log) == 3


def test_retries_are_bounded(server, sleeps):
    server.on("GET", "/api/ps", json_reply(500, {"error": "still broken"}))
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps, retries=3).running_models()
    assert len(server.log) == 4 and sleeps == [0.5, 1.0, 2.0]
    assert "HTTP 500" in str(info.value) and "still broken" in str(info.value)
    assert "journalctl -u ollama" in str(info.value)


def test_show_is_an_idempotent_post(server, sleeps):
    server.on("POST", "/api/show", json_reply(500, {"error": "x"}), json_reply(200, {"template": "t"}))
    assert client_for(server.url, sleeps).show("m") == {"template": "t"}
    assert len(server.log) == 2


def test_writes_are_never_retried_on_5xx(server, sleeps):
    server.on("POST", "/api/create", json_reply(500, {"error": "disk full"}))
    with pytest.raises(OllamaError):
        client_for(server.url, sleeps).create({"model": "m", "from": "b"})
    assert len(server.log) == 1 and sleeps == []


def test_delete_not_retried(server, sleeps):
    server.on("DELETE", "/api/delete", json_reply(500, {"error": "nope"}))
    with pytest.raises(OllamaError):
        client_for(server.url, sleeps).delete("m")
    assert len(server.log) == 1


def test_reset_connection_on_read_is_retried(server, sleeps):
    server.on("GET", "/api/tags", "reset", json_reply(200, {"models": [{"name": "a:latest"}]}))
    assert client_for(server.url, sleeps).list_models() == [{"name": "a:latest"}]
    assert len(server.log) == 2 and sleeps == [0.5]


def test_connection_refused_hint(sleeps):
    client = client_for("127.0.0.1:%d" % free_port(), sleeps)
    with pytest.raises(OllamaConnectionError) as info:
        client.list_models()
    message = str(info.value)
    assert "GET http://127.0.0.1:" in message and "/api/tags failed" in message
    assert "connection refused" in message and "systemctl status ollama" in message
    assert SERVICE_HINT in message
    assert sleeps == [0.5, 1.0]


def test_answer_that_is_not_json(server, sleeps):
    server.on("GET", "/api/version", (200, "text/html", b"<html>proxy login</html>"))
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps).version()
    assert "not JSON" in str(info.value)


# ---------------------------------------------------------------- NDJSON streams


def test_error_line_inside_a_200_stream_recorded_pull(server, sleeps, recorded):
    server.on("POST", "/api/pull", (200, "application/x-ndjson", recorded.bytes("pull_stream.ndjson")))
    seen = []
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps).pull("all-minilm", on_progress=seen.append)
    error = info.value
    assert seen == [{"status": "pulling manifest"}]
    assert error.status == 200 and "no such host" in error.server_message
    assert error.hint == REGISTRY_HINT and "gguf_path" in str(error)
    assert json.loads(server.log[0][2]) == {"model": "all-minilm", "insecure": False, "stream": True}


def test_registry_error_without_stream_gets_the_same_hint(server, sleeps, recorded):
    server.on(
        "POST",
        "/api/create",
        (500, "application/json", recorded.bytes("pull_stream.ndjson").splitlines()[1]),
    )
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps).create({"model": "m", "from": "does-not-exist"})
    assert info.value.status == 500 and info.value.hint == REGISTRY_HINT


def test_unknown_model_pull_hint(server, sleeps):
    server.on(
        "POST",
        "/api/pull",
        (
            200,
            "application/x-ndjson",
            b'{"status":"pulling manifest"}\n{"error":"pull model manifest: file does not exist"}\n',
        ),
    )
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps).pull("nope")
    assert "no such model or tag" in str(info.value)


def test_successful_stream_reports_progress(server, sleeps, recorded):
    server.on("POST", "/api/create", (200, "application/x-ndjson", recorded.bytes("create_stream.ndjson")))
    seen = []
    last = client_for(server.url, sleeps).create({"model": "m", "from": "b"}, on_progress=seen.append)
    assert last == {"status": "success"} and len(seen) == 5
    assert seen[0]["status"].startswith("using existing layer sha256:")


def test_stream_without_success_line_fails(server, sleeps):
    server.on("POST", "/api/pull", (200, "application/x-ndjson", b'{"status":"pulling manifest"}\n'))
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps).pull("m")
    assert "without" in str(info.value) and "pulling manifest" in str(info.value)


def test_legacy_error_line_with_status(server, sleeps):
    server.on(
        "POST",
        "/api/create",
        (200, "application/x-ndjson", b'{"error":"neither \'from\' or \'files\' was specified","status":400}\n'),
    )
    with pytest.raises(OllamaError) as info:
        client_for(server.url, sleeps).create({"model": "m", "modelfile": "FROM x"})
    assert info.value.status == 400 and "neither" in info.value.server_message


# ---------------------------------------------------------------- blobs and readiness


def test_blob_head_and_upload(server, sleeps, tmp_path):
    digest = "sha256:" + "ab" * 32
    server.on("HEAD", "/api/blobs/" + digest, json_reply(404, {}), (200, None, b""))
    server.on("POST", "/api/blobs/" + digest, (201, None, b""))
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF" + b"\x00" * 1000)
    client = client_for(server.url, sleeps)
    assert client.blob_exists(digest) is False
    client.upload_blob(digest, str(path))
    assert client.blob_exists(digest) is True
    assert server.log[1][2] == path.read_bytes()


def test_wait_until_up_waits_for_a_late_server():
    port = free_port()
    late = {}
    script = {("GET", "/api/version"): [json_reply(200, {"version": "0.5.4"})]}
    timer = threading.Timer(0.6, lambda: late.update(server=ScriptedServer(port, script)))
    timer.start()
    try:
        client = OllamaClient(host="127.0.0.1:%d" % port, timeout=5)
        assert client.wait_until_up(20) == "0.5.4"
        assert client.supports_structured_create() is False
    finally:
        timer.join()
        if "server" in late:
            late["server"].stop()


def test_wait_until_up_gives_up(sleeps):
    client = OllamaClient(host="127.0.0.1:%d" % free_port(), timeout=1)
    with pytest.raises(OllamaConnectionError) as info:
        client.wait_until_up(1)
    assert "no answer within 1 s" in str(info.value) and "systemctl status ollama" in str(info.value)


def test_a_timeout_names_the_option_that_set_it():
    """A pull that runs out of time is pull_timeout's doing; raising timeout would not help."""
    reason, hint = _connection_hint(socket.timeout("timed out"), 1, "pull_timeout")
    assert reason == "no answer within 1 s" and "raise the pull_timeout option" in hint
    assert "raise the timeout option" in _connection_hint(socket.timeout("timed out"), 30)[1]
