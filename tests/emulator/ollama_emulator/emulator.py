"""The Emulator object: configuration, lifecycle, request log, seed helpers and control routes."""

import json
import os
import shutil
import socket
import tempfile
import threading
import time

from . import gguf
from .answers import Answers
from .create import Creator
from .faults import Faults
from .generate import GenerateApi
from .models_api import ModelsApi
from .names import parse_name
from .openai_api import OpenAIApi
from .pull import Registry
from .responses import error_response, json_response
from .runner import Runner
from .server import EmulatorHTTPServer
from .store import Store


def version_tuple(text):
    parts = []
    for piece in text.lstrip("v").split("-")[0].split("."):
        parts.append(int(piece) if piece.isdigit() else 0)
    return tuple(parts + [0] * (3 - len(parts)))


def _free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class Emulator:
    """An Ollama server stand-in on 127.0.0.1 (real HTTP, real on-disk store).

    tokens_per_second: float, or a dict model name -> rate ("*" = default for others).
    gpu_fraction: share of a loaded model's size reported as size_vram by /api/ps.
    start_delay: seconds before the listening socket opens (clients get connection refused).
    answers: scripted replies, a list of {"match": text in the prompt, "answer": reply} (see answers.py).
    pull_bytes_per_second: download speed of /api/pull from the fake registry (None: unpaced).
    blob_bytes_per_second: speed at which POST /api/blobs reads an upload (None: unpaced).
    """

    def __init__(
        self,
        models_dir,
        registry_dir=None,
        version="0.32.15",
        tokens_per_second=60.0,
        prompt_tokens_per_second=600.0,
        load_seconds=0.2,
        warm_load_seconds=0.001,
        gpu_fraction=1.0,
        keep_alive="5m",
        num_ctx=4096,
        registry_offline=False,
        resolver="127.0.0.53",
        host="127.0.0.1",
        port=0,
        start_delay=0.0,
        log_file=None,
        answers=None,
        pull_bytes_per_second=None,
        blob_bytes_per_second=None,
    ):
        self.models_dir = os.path.abspath(models_dir)
        self.registry_dir = os.path.abspath(registry_dir) if registry_dir else None
        self.version = version
        self.tokens_per_second = tokens_per_second
        self.prompt_tokens_per_second = prompt_tokens_per_second
        self.load_seconds = load_seconds
        self.warm_load_seconds = warm_load_seconds
        self.gpu_fraction = gpu_fraction
        self.keep_alive = keep_alive
        self.num_ctx = num_ctx
        self.host = host
        self.port = port
        self.start_delay = start_delay
        self.pull_bytes_per_second = pull_bytes_per_second
        self.blob_bytes_per_second = blob_bytes_per_second
        self.log_file = log_file if log_file is not None else os.environ.get("OLLAMA_EMULATOR_LOG")
        os.makedirs(self.models_dir, exist_ok=True)
        self.store = Store(self.models_dir)
        self.registry = Registry(self.registry_dir, registry_offline, resolver)
        self.lock = threading.RLock()
        self.faults = Faults()
        self.answers = Answers(answers)
        self.request_log = []
        self._log_lock = threading.Lock()
        self.models_api = ModelsApi(self)
        self.generate_api = GenerateApi(self)
        self.openai_api = OpenAIApi(self)
        self.runner = Runner(self)
        self.routes = self._routes()
        self._server = None
        self._thread = None
        self._opened = threading.Event()

    # ------------------------------------------------------------ routing
    def _routes(self):
        api = self.models_api
        routes = {}
        for method in ("GET", "HEAD"):
            routes[(method, "/")] = (api.root, False)
            routes[(method, "/api/version")] = (api.version, False)
            routes[(method, "/api/tags")] = (api.tags, False)
        routes[("POST", "/api/show")] = (api.show, True)
        routes[("DELETE", "/api/delete")] = (api.delete, True)
        routes[("POST", "/api/copy")] = (api.copy, True)
        routes[("POST", "/api/pull")] = (api.pull, True)
        routes[("POST", "/api/create")] = (api.create, True)
        routes[("POST", "/api/generate")] = (self.generate_api.generate, True)
        routes[("POST", "/api/chat")] = (self.generate_api.chat, True)
        routes[("GET", "/api/ps")] = (self.generate_api.ps, False)
        routes[("GET", "/v1/models")] = (self.openai_api.models, False)
        routes[("POST", "/v1/chat/completions")] = (self.openai_api.chat_completions, "raw")
        return routes

    def version_at_least(self, text):
        return version_tuple(self.version) >= version_tuple(text)

    # ------------------------------------------------------------ lifecycle
    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def start(self, wait=True):
        """Serve from a background thread; with start_delay the socket opens later."""
        if not self.port:
            self.port = _free_port(self.host)
        self._opened.clear()
        self._thread = threading.Thread(target=self._serve, name="ollama-emulator", daemon=True)
        self._thread.start()
        if wait and not self.start_delay:
            self._opened.wait(10)
        return self

    def _serve(self):
        if self.start_delay:
            time.sleep(self.start_delay)
        for _attempt in range(50):
            try:
                self._server = EmulatorHTTPServer((self.host, self.port), self)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise OSError("cannot bind %s:%d" % (self.host, self.port))
        self._opened.set()
        self._server.serve_forever(poll_interval=0.05)

    def wait_until_listening(self, timeout=10.0):
        return self._opened.wait(timeout)

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def restart(self, delay=0.0):
        """Close the listening socket, then reopen it on the same port after `delay` seconds."""
        self.stop()
        self.start_delay = delay
        self.start(wait=False)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # ------------------------------------------------------------ request log
    def record(self, entry):
        with self._log_lock:
            self.request_log.append(entry)
            if self.log_file:
                with open(self.log_file, "a", encoding="utf-8") as handle:
                    handle.write(json.dumps(entry) + "\n")

    def clear_log(self):
        with self._log_lock:
            del self.request_log[:]

    def on_model_deleted(self, name):
        """A deleted model is unloaded, as the real server stops its runner."""
        self.runner.unload(name)

    # ------------------------------------------------------------ control routes
    def control(self, method, route, body):
        """POST /__emulator/faults {...}, /__emulator/answers [...], /__emulator/clear, /__emulator/restart;
        GET /__emulator/log."""
        if method == "GET" and route == "log":
            with self._log_lock:
                return json_response(200, list(self.request_log))
        if method != "POST":
            return error_response(404, "unknown control route")
        body = body or {}
        if route == "faults":
            self.faults.configure(body)
        elif route == "answers":
            try:
                self.answers.set(body)
            except ValueError as exc:
                return error_response(400, str(exc))
        elif route == "clear":
            self.faults.clear()
            self.answers.clear()
            self.clear_log()
        elif route == "restart":
            delay = float(body.get("delay", 0))
            threading.Thread(target=self.restart, args=(delay,), daemon=True).start()
        elif route == "config":
            for key in (
                "tokens_per_second",
                "prompt_tokens_per_second",
                "load_seconds",
                "warm_load_seconds",
                "gpu_fraction",
                "keep_alive",
                "num_ctx",
                "pull_bytes_per_second",
                "blob_bytes_per_second",
            ):
                if key in body:
                    setattr(self, key, body[key])
        else:
            return error_response(404, "unknown control route")
        return json_response(200, {"status": "ok"})

    # ------------------------------------------------------------ seed helpers
    def seed_local_model(
        self, name, template=None, system=None, parameters=None, license=None, messages=None, **gguf_kwargs
    ):
        """Create a model from a generated GGUF directly in the models dir; returns its tag digest."""
        return _seed(
            self.store,
            self.registry,
            name,
            gguf_kwargs,
            template=template,
            system=system,
            parameters=parameters,
            license=license,
            messages=messages,
        )

    def seed_registry_model(
        self, name, template=None, system=None, parameters=None, license=None, messages=None, **gguf_kwargs
    ):
        """Put a model into the fake registry so /api/pull can fetch it; returns its tag digest."""
        if self.registry.store is None:
            raise ValueError("Emulator was built without registry_dir")
        return _seed(
            self.registry.store,
            Registry(),
            name,
            gguf_kwargs,
            template=template,
            system=system,
            parameters=parameters,
            license=license,
            messages=messages,
        )


def _seed(store, registry, name, gguf_kwargs, **fields):  # pylint: disable=redefined-builtin
    parsed = parse_name(name)
    if not parsed.valid:
        raise ValueError("invalid model name %r" % name)
    workdir = tempfile.mkdtemp(prefix="emulator-seed-")
    try:
        path = gguf.make_gguf(os.path.join(workdir, "model.gguf"), **gguf_kwargs)
        digest = store.import_blob(path)[0]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    request = {"files": {"model.gguf": digest}}
    request.update({key: value for key, value in fields.items() if value is not None})
    for _progress in Creator(store, registry, parsed, request).run():
        pass
    return store.manifest_digest(store.find(parsed))
