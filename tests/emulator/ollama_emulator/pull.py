"""/api/pull from a local directory standing in for the registry."""

import os
import shutil
import time

from .errors import StreamError
from .store import Store


class Registry:
    """A registry directory (same layout as a models dir), or none at all (= offline).

    offline=True makes names missing from the directory fail with the DNS error, as if the
    registry could not be reached; otherwise they fail with `file does not exist`.
    """

    def __init__(self, root=None, offline=False, resolver="127.0.0.53"):
        self.store = Store(root) if root else None
        self.offline = offline
        self.resolver = resolver

    def dns_error(self, name, insecure=False):
        scheme = "http" if insecure else "https"
        return (
            'pull model manifest: Get "%s://%s/v2/%s/%s/manifests/%s": dial tcp: lookup %s on %s:53: '
            "no such host"
            % (scheme, name.host, name.namespace, name.model, name.tag, name.host.split(":")[0], self.resolver)
        )

    def locate(self, name, insecure=False):
        """The registry's stored name for `name`; raises the error the real pull reports."""
        if self.store is None:
            raise StreamError(self.dns_error(name, insecure))
        stored = self.store.find(name)
        if stored is None:
            if self.offline:
                raise StreamError(self.dns_error(name, insecure))
            raise StreamError("pull model manifest: file does not exist")
        return stored


def _progress(digest, total, completed=None):
    line = {"status": "pulling %s" % digest[7:19], "digest": digest, "total": total}
    if completed:
        line["completed"] = completed
    return line


def _paced_copy(source, target, digest, size, bytes_per_second):
    """Copy a blob at `bytes_per_second`, yielding a progress object about ten times a second."""
    chunk = max(1, int(bytes_per_second / 10))
    done = 0
    with open(source, "rb") as reader, open(target, "wb") as writer:
        while True:
            data = reader.read(chunk)
            if not data:
                return
            writer.write(data)
            done += len(data)
            time.sleep(len(data) / float(bytes_per_second))
            if done < size:
                yield _progress(digest, size, done)


def pull_model(local, registry, name, insecure=False, bytes_per_second=None):
    """Yield the NDJSON progress objects of a pull; raises StreamError on failure.

    bytes_per_second: download speed of the stand-in registry (None: as fast as the disk copies).
    """
    yield {"status": "pulling manifest"}
    remote_name = registry.locate(name, insecure)
    config, layers = registry.store.manifest(remote_name)
    downloaded = False
    for layer in layers + [config]:
        if local.has_blob(layer.digest):
            yield _progress(layer.digest, layer.size, layer.size)
            continue
        yield _progress(layer.digest, layer.size)
        os.makedirs(local.blobs_dir, exist_ok=True)
        if bytes_per_second:
            yield from _paced_copy(
                registry.store.blob_path(layer.digest),
                local.blob_path(layer.digest),
                layer.digest,
                layer.size,
                bytes_per_second,
            )
        else:
            shutil.copyfile(registry.store.blob_path(layer.digest), local.blob_path(layer.digest))
        downloaded = True
        yield _progress(layer.digest, layer.size, layer.size)
    if downloaded:
        yield {"status": "verifying sha256 digest"}
    yield {"status": "writing manifest"}
    target = local.find(name) or name
    old = None
    if local.find(name) is not None:
        old_config, old_layers = local.manifest(target)
        old = [old_config.digest] + [layer.digest for layer in old_layers]
    local.write_manifest_bytes(target, registry.store.manifest_bytes(remote_name))
    if old is not None:
        yield {"status": "removing unused layers"}
        local.prune(old)
    yield {"status": "success"}
