"""A stored model read back from its manifest, config blob, layers and GGUF metadata."""

import json
import threading

from . import gguf
from .store import gojson_loads

DEFAULT_TEMPLATE = "{{ .Prompt }}"

_GGUF_CACHE = {}
_GGUF_LOCK = threading.Lock()


def gguf_info(path, digest):
    """GGUF metadata of a model blob, parsed once per digest."""
    with _GGUF_LOCK:
        cached = _GGUF_CACHE.get(digest)
    if cached is None:
        cached = gguf.read_gguf(path)
        with _GGUF_LOCK:
            _GGUF_CACHE[digest] = cached
    return cached


class Model:
    """Everything /api/show, /api/tags and the runner need about one stored model."""

    def __init__(self, store, name):
        self.store = store
        self.name = name
        self.config_layer, self.layers = store.manifest(name)
        self.config = gojson_loads(store.read_blob(self.config_layer.digest))
        self.digest = store.manifest_digest(name)
        self.modified_ns = store.modified_ns(name)
        self.size = self.config_layer.size + sum(layer.size for layer in self.layers)
        self.model_layer = next((l for l in self.layers if l.kind == "model"), None)
        self.template = self._text("template")
        self.system = self._text("system")
        self.license = [self._read(l) for l in self.layers if l.kind == "license"]
        params = self._text("params")
        self.params = json.loads(params) if params else {}
        messages = self._text("messages")
        self.messages = json.loads(messages) if messages else []
        self._info = None

    def _read(self, layer):
        return self.store.read_blob(layer.digest).decode("utf-8")

    def _text(self, kind):
        layer = next((l for l in reversed(self.layers) if l.kind == kind), None)
        return self._read(layer) if layer else None

    @property
    def model_path(self):
        return self.store.blob_path(self.model_layer.digest) if self.model_layer else ""

    @property
    def parent(self):
        return self.model_layer.source if self.model_layer else ""

    @property
    def info(self):
        """GGUF metadata of the model layer ({"kv": {}, "tensors": []} when unreadable)."""
        if self._info is None:
            try:
                self._info = gguf_info(self.model_path, self.model_layer.digest)
            except (OSError, gguf.GGUFError, AttributeError):
                self._info = {"kv": {}, "tensors": []}
        return self._info

    @property
    def architecture(self):
        return self.info["kv"].get("general.architecture", self.config.get("model_family", ""))

    def arch_kv(self, key, default=None):
        return self.info["kv"].get("%s.%s" % (self.architecture, key), default)

    @property
    def effective_template(self):
        return self.template if self.template is not None else DEFAULT_TEMPLATE

    def capabilities(self):
        if self.arch_kv("pooling_type") is not None:
            return ["embedding"]
        caps = ["completion"]
        template = self.effective_template
        if ".Tools" in template:
            caps.append("tools")
        if ".Suffix" in template:
            caps.append("insert")
        if self.arch_kv("vision.block_count") is not None or any(l.kind == "projector" for l in self.layers):
            caps.append("vision")
        if ".Think" in template:
            caps.append("thinking")
        return caps

    def details(self, with_lengths=False):
        details = {
            "parent_model": self.parent,
            "format": self.config.get("model_format", ""),
            "family": self.config.get("model_family", ""),
            "families": self.config.get("model_families"),
            "parameter_size": self.config.get("model_type", ""),
            "quantization_level": self.config.get("file_type", ""),
        }
        if with_lengths:
            for key in ("context_length", "embedding_length"):
                value = self.arch_kv(key)
                if value:
                    details[key] = value
        return details
