"""Something else answers where Ollama should: a web server's page, JSON of another API, a 404, a proxy's 502.
Every API module fails with a message that says so (the URL, what came back, the hint to check host/OLLAMA_HOST),
never a traceback, never a success (state=absent once took "no models" from a JSON without them)."""

import http.server
import threading

import pytest
from module_runner import run_module

ANSWERS = {
    "an HTML page with 200": (200, "text/html", b"<html><body>Welcome to nginx</body></html>"),
    "JSON of another API": (200, "application/json", b'{"hello": "world"}'),
    "a JSON list": (200, "application/json", b"[1, 2, 3]"),
    "404 everywhere": (404, "text/plain", b"404 page not found"),
    "a proxy's 502": (502, "text/html", b"<html>502 Bad Gateway</html>"),
}
CALLS = [
    ("ollama_model_info", {}),
    ("ollama_model", {"name": "m"}),
    ("ollama_model", {"name": "m", "from": "llama3.2", "system": "x"}),
    ("ollama_model", {"name": "m", "state": "absent"}),
    ("ollama_benchmark", {"model": "m"}),
]


@pytest.fixture(scope="module")
def impostor():
    """An HTTP server whose every answer is ANSWERS[state["answer"]]."""
    state = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def answer(self):
            status, content_type, body = ANSWERS[state["answer"]]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_DELETE = answer

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["url"] = "http://127.0.0.1:%d" % server.server_port
    yield state
    server.shutdown()


@pytest.mark.parametrize("answer", sorted(ANSWERS))
@pytest.mark.parametrize("module, args", CALLS)
def test_the_module_says_it_is_not_ollama(impostor, answer, module, args):
    impostor["answer"] = answer
    run = run_module(module, dict(args, host=impostor["url"], timeout=5))
    assert run.returncode != 0 and run["failed"] is True, run.result
    assert run.traceback_free, run.stdout + run.stderr
    message = run["msg"]
    assert impostor["url"] in message, message
    if answer == "a proxy's 502":
        assert "HTTP 502" in message and "502 Bad Gateway" in message, message
    else:
        assert "is this really an Ollama server? check the host option or OLLAMA_HOST" in message, message
