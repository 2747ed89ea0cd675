"""Loaded-model bookkeeping behind /api/ps: load/unload, keep-alive expiry, memory estimate."""

import re
import threading
import time

from .gojson import rfc3339_nano

FOREVER_NS = 2**62
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_NS = {"ns": 1, "us": 1e3, "µs": 1e3, "ms": 1e6, "s": 1e9, "m": 60e9, "h": 3600e9}


def keep_alive_ns(value):
    """A keep_alive (Go duration string or seconds) in ns; negative means forever."""
    if isinstance(value, bool):
        raise ValueError("invalid keep_alive %r" % value)
    if isinstance(value, (int, float)):
        return FOREVER_NS if value < 0 else int(value * 1e9)
    text = str(value).strip()
    if re.fullmatch(r"-?\d+(\.\d+)?", text):
        return keep_alive_ns(float(text))
    negative = text.startswith("-")
    text = text.lstrip("-+")
    total, position = 0.0, 0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            break
        total += float(match.group(1)) * _UNIT_NS[match.group(2)]
        position = match.end()
    if position != len(text) or not text:
        raise ValueError('time: invalid duration "%s"' % value)
    return FOREVER_NS if negative and total else int(total)


def kv_cache_bytes(model, num_ctx):
    """f16 K and V for every layer: 2 * blocks * ctx * kv_heads * head_dim * 2 bytes."""
    embedding = model.arch_kv("embedding_length", 4096) or 4096
    heads = model.arch_kv("attention.head_count", 32) or 32
    heads = heads if isinstance(heads, int) else 32
    kv_heads = model.arch_kv("attention.head_count_kv", heads) or heads
    kv_heads = kv_heads if isinstance(kv_heads, int) else heads
    head_dim = model.arch_kv("attention.key_length", embedding // heads) or embedding // heads
    blocks = model.arch_kv("block_count", 32) or 32
    return 2 * blocks * num_ctx * kv_heads * head_dim * 2


class Loaded:
    def __init__(self, model, num_ctx):
        self.name = model.name
        self.digest = model.digest
        self.details = model.details()
        self.num_ctx = num_ctx
        weights = model.model_layer.size if model.model_layer else model.size
        self.size = weights + kv_cache_bytes(model, num_ctx) + 8 * 1024 * 1024
        self.expires_ns = 0


class Runner:
    """The scheduler's view: which models are loaded, with which context, until when."""

    def __init__(self, emu):
        self.emu = emu
        self._lock = threading.Lock()
        self._loaded = {}

    def _live(self, key):
        loaded = self._loaded.get(key)
        if loaded is not None and loaded.expires_ns <= time.time_ns():
            del self._loaded[key]
            return None
        return loaded

    def acquire(self, model, num_ctx):
        """Load (or reuse) the model; returns True when this was a cold load."""
        with self._lock:
            loaded = self._live(model.name.key())
            cold = loaded is None or loaded.num_ctx != num_ctx or loaded.digest != model.digest
            if cold:
                loaded = Loaded(model, num_ctx)
                self._loaded[model.name.key()] = loaded
            loaded.expires_ns = FOREVER_NS
            return cold

    def release(self, model, keep_alive):
        """After a request: keep it for keep_alive ns from now (0 unloads)."""
        with self._lock:
            loaded = self._loaded.get(model.name.key())
            if loaded is None:
                return
            if keep_alive == 0:
                del self._loaded[model.name.key()]
            elif keep_alive >= FOREVER_NS:
                loaded.expires_ns = FOREVER_NS
            else:
                loaded.expires_ns = time.time_ns() + keep_alive

    def unload(self, name):
        with self._lock:
            self._loaded.pop(name.key(), None)

    def ps(self):
        with self._lock:
            live = [self._live(key) for key in list(self._loaded)]
        live = [loaded for loaded in live if loaded is not None]
        live.sort(key=lambda loaded: loaded.expires_ns, reverse=True)
        fraction = float(self.emu.gpu_fraction)
        return [
            {
                "name": l.name.shortest(),
                "model": l.name.shortest(),
                "size": l.size,
                "digest": l.digest,
                "details": l.details,
                "expires_at": rfc3339_nano(min(l.expires_ns, 253402300799 * 10**9)),
                "size_vram": int(l.size * fraction),
                "context_length": l.num_ctx,
            }
            for l in live
        ]
