"""Model management routes: version, tags, show, delete, copy, blobs, pull, create."""

import time

from . import create, show
from .errors import HandlerError
from .gojson import go_quote, rfc3339_nano
from .model import Model
from .names import parse_name
from .pull import pull_model
from .responses import deliver, empty_response, error_response, json_response, text_response
from .store import digest_hex


def _stream_flag(request):
    return request.get("stream") is not False


def _locked(lock, worker):
    """Hold the store lock while a worker generator runs, released even if the client leaves."""
    with lock:
        yield from worker


def _paced(reader, bytes_per_second):
    """A body reader that takes len/bytes_per_second seconds per read (a slow upload link)."""

    def read(size):
        data = reader(size)
        time.sleep(len(data) / float(bytes_per_second))
        return data

    return read


class ModelsApi:
    """Route handlers over the store; `emu` is the owning Emulator."""

    def __init__(self, emu):
        self.emu = emu

    @property
    def store(self):
        return self.emu.store

    # ------------------------------------------------------------ simple routes
    def root(self, _request):
        return text_response(200, "Ollama is running")

    def version(self, _request):
        return json_response(200, {"version": self.emu.version})

    def tags(self, _request):
        modern = self.emu.version_at_least("0.30.0")
        entries = []
        with self.emu.lock:
            for name in self.store.names():
                try:
                    model = Model(self.store, name)
                except (OSError, ValueError, KeyError):
                    continue
                entry = {
                    "name": name.shortest(),
                    "model": name.shortest(),
                    "modified_at": rfc3339_nano(model.modified_ns),
                    "size": model.size,
                    "digest": model.digest,
                    "details": model.details(with_lengths=modern),
                }
                if modern:
                    entry["capabilities"] = model.capabilities()
                entries.append((model.modified_ns, entry))
        entries.sort(key=lambda pair: pair[0], reverse=True)
        return json_response(200, {"models": [pair[1] for pair in entries]})

    def show(self, request):
        raw = request.get("model") or request.get("name")
        if not raw:
            raise HandlerError(400, "model is required")
        name = parse_name(raw)
        if not name.valid:
            raise HandlerError(400, "invalid model name")
        with self.emu.lock:
            stored = self.store.find(name)
            if stored is None:
                raise HandlerError(404, "model '%s' not found" % name.shortest())
            return json_response(200, show.show_body(Model(self.store, stored), bool(request.get("verbose"))))

    def delete(self, request):
        raw = request.get("model") or request.get("name") or ""
        name = parse_name(raw)
        if not name.valid:
            raise HandlerError(400, "name %s is invalid" % go_quote(raw))
        with self.emu.lock:
            stored = self.store.find(name)
            if stored is None:
                raise HandlerError(404, "model '%s' not found" % raw)
            self.store.prune(self.store.delete_manifest(stored))
        self.emu.on_model_deleted(stored)
        return empty_response(200)

    def copy(self, request):
        source, destination = request.get("source", ""), request.get("destination", "")
        src, dst = parse_name(source), parse_name(destination)
        if not src.valid:
            raise HandlerError(400, "source %s is invalid" % go_quote(source))
        if not dst.valid:
            raise HandlerError(400, "destination %s is invalid" % go_quote(destination))
        with self.emu.lock:
            stored = self.store.find(src)
            if stored is None:
                raise HandlerError(404, "model %s not found" % go_quote(source))
            target = self.store.find(dst) or dst
            self.store.write_manifest_bytes(target, self.store.manifest_bytes(stored))
        return empty_response(200)

    # ------------------------------------------------------------ blobs
    def blob_head(self, digest):
        if digest_hex(digest) is None:
            return error_response(400, "invalid digest format")
        if self.store.has_blob(digest):
            return empty_response(200)
        return error_response(404, "blob %s not found" % go_quote(digest))

    def blob_upload(self, digest, reader, length):
        if digest_hex(digest) is None:
            return error_response(400, "invalid digest format")
        if self.store.has_blob(digest):
            reader(length)
            return empty_response(200)
        rate = self.emu.blob_bytes_per_second
        got = self.store.receive_blob(digest, _paced(reader, rate) if rate else reader, length)
        if digest_hex(got) != digest_hex(digest):
            return error_response(400, "digest mismatch, expected %s, got %s" % (go_quote(digest), go_quote(got)))
        return empty_response(201)

    # ------------------------------------------------------------ workers
    def pull(self, request):
        name = parse_name(request.get("model") or request.get("name") or "")
        if not name.valid:
            raise HandlerError(400, "invalid model name")
        worker = pull_model(
            self.store, self.emu.registry, name, bool(request.get("insecure")), self.emu.pull_bytes_per_second
        )
        return deliver(_locked(self.emu.lock, worker), _stream_flag(request), self._legacy_errors())

    def create(self, request):
        if not self.emu.version_at_least("0.5.5"):
            request = create.old_form_request(request, self.store)
        name = create.validate_structured(request)
        creator = create.Creator(self.store, self.emu.registry, name, request)
        return deliver(_locked(self.emu.lock, creator.run()), _stream_flag(request), self._legacy_errors())

    def _legacy_errors(self):
        return not self.emu.version_at_least("0.12.6")
