"""The on-disk model store in Ollama's layout: manifests/<host>/<ns>/<model>/<tag> and blobs/sha256-<hex>."""

import hashlib
import json
import os
import re
import shutil
import tempfile

from . import gojson
from .names import ModelName

MANIFEST_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json"
CONFIG_MEDIA_TYPE = "application/vnd.docker.container.image.v1+json"
MEDIA_PREFIX = "application/vnd.ollama.image."
DIGEST_RE = re.compile(r"^sha256[:-]([0-9a-fA-F]{64})$")
CONFIG_KEYS = (
    "model_format",
    "model_family",
    "model_families",
    "model_type",
    "file_type",
    "renderer",
    "parser",
    "requires",
    "architecture",
    "os",
)
_OMIT_EMPTY = ("renderer", "parser", "requires")


class Layer:
    """One manifest entry; `status` is the create progress text, never written to disk."""

    def __init__(self, media_type, digest, size, source="", status=""):
        self.media_type = media_type
        self.digest = digest
        self.size = size
        self.source = source
        self.status = status

    @property
    def kind(self):
        """Short media type: model, system, params, template, license, messages, ..."""
        return self.media_type[len(MEDIA_PREFIX) :] if self.media_type.startswith(MEDIA_PREFIX) else ""

    def to_json(self):
        entry = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        if self.source:
            entry["from"] = self.source
        return entry

    @classmethod
    def from_json(cls, entry):
        return cls(entry["mediaType"], entry["digest"], entry["size"], entry.get("from", ""))


def digest_hex(digest):
    """The 64 hex characters of `sha256:<hex>` or `sha256-<hex>`, or None when malformed."""
    match = DIGEST_RE.match(digest or "")
    return match.group(1).lower() if match else None


def config_bytes(config):
    """The config blob as Go's json.Encoder writes model.ConfigV2 (struct order, newline)."""
    ordered = {}
    for key in CONFIG_KEYS:
        value = config.get(key, "" if key != "model_families" else None)
        if key in _OMIT_EMPTY and not value:
            continue
        ordered[key] = value
    return (gojson.dumps(ordered) + "\n").encode("utf-8")


class Store:
    """Manifests and blobs under one models directory (also used for the fake registry)."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.blobs_dir = os.path.join(self.root, "blobs")
        self.manifests_dir = os.path.join(self.root, "manifests")

    # ------------------------------------------------------------ blobs
    def blob_path(self, digest):
        return os.path.join(self.blobs_dir, "sha256-" + digest_hex(digest))

    def has_blob(self, digest):
        return os.path.isfile(self.blob_path(digest))

    def write_blob(self, data):
        """Store bytes content-addressed; returns (digest, size)."""
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        path = self.blob_path(digest)
        if not os.path.exists(path):
            self._atomic_write(path, data)
        return digest, len(data)

    def import_blob(self, source_path):
        """Copy a file into the store; returns (digest, size)."""
        hasher = hashlib.sha256()
        with open(source_path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
        digest = "sha256:" + hasher.hexdigest()
        path = self.blob_path(digest)
        if not os.path.exists(path):
            os.makedirs(self.blobs_dir, exist_ok=True)
            shutil.copyfile(source_path, path + ".partial")
            os.replace(path + ".partial", path)
        return digest, os.path.getsize(path)

    def receive_blob(self, expected_digest, reader, length):
        """Write an upload of `length` bytes; returns the digest actually received."""
        os.makedirs(self.blobs_dir, exist_ok=True)
        hasher = hashlib.sha256()
        handle, partial = tempfile.mkstemp(dir=self.blobs_dir, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            remaining = length
            while remaining > 0:
                chunk = reader(min(remaining, 1 << 20))
                if not chunk:
                    break
                hasher.update(chunk)
                out.write(chunk)
                remaining -= len(chunk)
        got = "sha256:" + hasher.hexdigest()
        if digest_hex(expected_digest) != hasher.hexdigest():
            os.unlink(partial)
            return got
        os.replace(partial, self.blob_path(expected_digest))
        return got

    def read_blob(self, digest):
        with open(self.blob_path(digest), "rb") as handle:
            return handle.read()

    # ------------------------------------------------------------ manifests
    def manifest_path(self, name):
        return os.path.join(self.manifests_dir, *name.parts)

    def find(self, name):
        """The stored name matching `name` case-insensitively, or None."""
        exact = self.manifest_path(name)
        if os.path.isfile(exact):
            return name
        for stored in self.names():
            if stored.key() == name.key():
                return stored
        return None

    def names(self):
        """Every stored model name."""
        found = []
        if not os.path.isdir(self.manifests_dir):
            return found
        for dirpath, _dirs, filenames in os.walk(self.manifests_dir):
            relative = os.path.relpath(dirpath, self.manifests_dir).split(os.sep)
            if len(relative) != 3:
                continue
            for tag in filenames:
                if not tag.startswith("."):
                    found.append(ModelName(relative[0], relative[1], relative[2], tag))
        return found

    def manifest_bytes(self, name):
        with open(self.manifest_path(name), "rb") as handle:
            return handle.read()

    def manifest(self, name):
        """(config Layer, [Layer]) of a stored model."""
        document = gojson_loads(self.manifest_bytes(name))
        return (Layer.from_json(document["config"]), [Layer.from_json(entry) for entry in document.get("layers") or []])

    def manifest_digest(self, name):
        return hashlib.sha256(self.manifest_bytes(name)).hexdigest()

    def modified_ns(self, name):
        return os.stat(self.manifest_path(name)).st_mtime_ns

    def write_manifest(self, name, config_layer, layers):
        """Write the manifest exactly as Go's json.Encoder does; returns its bytes."""
        document = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": config_layer.to_json(),
            "layers": [layer.to_json() for layer in layers],
        }
        data = (gojson.dumps(document) + "\n").encode("utf-8")
        self.write_manifest_bytes(name, data)
        return data

    def write_manifest_bytes(self, name, data):
        self._atomic_write(self.manifest_path(name), data)

    def delete_manifest(self, name):
        """Remove a manifest and the directories it leaves empty; returns its layer digests."""
        config, layers = self.manifest(name)
        os.unlink(self.manifest_path(name))
        directory = os.path.dirname(self.manifest_path(name))
        while directory != self.manifests_dir and os.path.isdir(directory) and not os.listdir(directory):
            os.rmdir(directory)
            directory = os.path.dirname(directory)
        return [config.digest] + [layer.digest for layer in layers]

    def referenced_digests(self):
        used = set()
        for stored in self.names():
            try:
                config, layers = self.manifest(stored)
            except (OSError, ValueError, KeyError):
                continue
            used.add(config.digest)
            used.update(layer.digest for layer in layers)
        return used

    def prune(self, digests):
        """Delete the given blobs that no manifest references any more."""
        used = self.referenced_digests()
        for digest in set(digests) - used:
            try:
                os.unlink(self.blob_path(digest))
            except OSError:
                pass

    # ------------------------------------------------------------ helpers
    @staticmethod
    def _atomic_write(path, data):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = path + ".partial"
        with open(partial, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)


def gojson_loads(data):
    """json.loads for manifest/config bytes (insertion order kept)."""
    return json.loads(data.decode("utf-8"))
