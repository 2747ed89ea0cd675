"""/api/create: structured form (>= 0.5.5) and the old Modelfile form (<= 0.5.4)."""

import hashlib
import json
import os
import struct

from . import gguf, gojson, modelfile
from .errors import HandlerError, StreamError
from .names import parse_name
from .pull import pull_model
from .store import CONFIG_MEDIA_TYPE, MEDIA_PREFIX, Layer, config_bytes, digest_hex, gojson_loads

MODEL_MEDIA = MEDIA_PREFIX + "model"
QUANTIZE_ALIASES = {
    "Q4_K": "Q4_K_M",
    "Q4_K_M": "Q4_K_M",
    "Q4_K_S": "Q4_K_S",
    "Q8_0": "Q8_0",
    "Q4_0": "Q4_0",
    "Q5_K_M": "Q5_K_M",
    "Q5_K_S": "Q5_K_S",
    "Q6_K": "Q6_K",
    "F16": "F16",
    "F32": "F32",
    "BF16": "BF16",
}
QUANTIZABLE = ("F16", "BF16", "F32")


def _valid_relative(path):
    """io/fs.ValidPath plus Ollama's extra rejections."""
    if not path or path == "." or path.startswith("/") or "\\" in path or ":" in path:
        return False
    return all(part not in ("", ".", "..") for part in path.split("/"))


def validate_structured(request):
    """The handler-level checks (400 with charset JSON) before the worker starts."""
    for field in ("files", "adapters"):
        for path, digest in (request.get(field) or {}).items():
            if not _valid_relative(path):
                raise HandlerError(400, "file path must be relative")
            if not isinstance(digest, str) or digest_hex(digest) is None:
                raise HandlerError(400, "invalid digest format")
    if len(request.get("adapters") or {}) > 1:
        raise HandlerError(400, "only one adapter is currently supported")
    name = parse_name(request.get("model") or request.get("name") or "")
    if not name.valid:
        raise HandlerError(400, "invalid model name")
    return name


def old_form_request(request, store):
    """Turn an old `{model, modelfile|path}` body into structured fields."""
    text = request.get("modelfile") or ""
    if not text and request.get("path"):
        try:
            with open(request["path"], encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise HandlerError(400, str(exc)) from None
    if not text:
        raise HandlerError(400, "path or Modelfile are required")
    fields = modelfile.to_request(modelfile.parse(text))
    source = fields.pop("from")
    if source.startswith("@"):
        fields["files"] = {"model.gguf": source[1:]}
    elif os.path.isfile(os.path.expanduser(source)):
        digest = store.import_blob(os.path.expanduser(source))[0]
        fields["files"] = {os.path.basename(source): digest}
    else:
        fields["from"] = source
    fields["model"] = request.get("model") or request.get("name")
    fields["quantize"] = request.get("quantize")
    return fields


class Creator:
    """Builds one model; `run()` yields progress objects and raises StreamError on failure."""

    def __init__(self, store, registry, name, request):
        self.store = store
        self.registry = registry
        self.name = store.find(name) or name
        self.request = request
        self.config = {}

    def run(self):
        request = self.request
        old = self._old_digests()
        if request.get("from"):
            layers = yield from self._from_model(request["from"])
        elif request.get("files") is not None:
            layers = yield from self._from_files(request["files"])
        else:
            raise StreamError("neither 'from' or 'files' was specified", 400)
        for path, digest in sorted((request.get("adapters") or {}).items()):
            del path
            layers = [l for l in layers if l.kind != "adapter"]
            layers.append(
                Layer(MEDIA_PREFIX + "adapter", digest, self._blob_size(digest), "", "using existing layer %s" % digest)
            )
        quantize = request.get("quantize") or request.get("quantization")
        if quantize:
            layers = yield from self._quantize(layers, quantize)
        layers = self._apply_modelfile_layers(layers)
        config_digest, config_size = self.store.write_blob(config_bytes(self.config))
        for layer in layers:
            if layer.status:
                yield {"status": layer.status}
        yield {"status": "writing manifest"}
        self.store.write_manifest(self.name, Layer(CONFIG_MEDIA_TYPE, config_digest, config_size), layers)
        if old:
            self.store.prune(old)
        yield {"status": "success"}

    # ------------------------------------------------------------ sources
    def _old_digests(self):
        if self.store.find(self.name) is None:
            return []
        config, layers = self.store.manifest(self.name)
        return [config.digest] + [layer.digest for layer in layers]

    def _from_model(self, source):
        base = parse_name(source)
        if not base.valid:
            raise StreamError("invalid model name", 400)
        stored = self.store.find(base)
        if stored is None:
            yield from pull_model(self.store, self.registry, base)
            stored = self.store.find(base)
        config, layers = self.store.manifest(stored)
        self.config = gojson_loads(self.store.read_blob(config.digest))
        source_name = stored.shortest()
        return [
            Layer(l.media_type, l.digest, l.size, source_name, "using existing layer %s" % l.digest) for l in layers
        ]

    def _from_files(self, files):
        if not files:
            raise StreamError("no files provided to convert", 400)
        layers = []
        for path in sorted(files):
            digest = files[path]
            blob = self.store.blob_path(digest)
            if path.endswith(".safetensors"):
                raise StreamError("unknown type", 400)
            if not os.path.isfile(blob):
                raise StreamError("open %s: no such file or directory" % blob)
            if not gguf.is_gguf(blob):
                if path.endswith(".gguf"):
                    raise StreamError("supplied file was not in GGUF format", 400)
                raise StreamError("unknown type", 400)
            yield {"status": "parsing GGUF"}
            try:
                info = gguf.read_gguf(blob)
            except gguf.GGUFError:
                raise StreamError("supplied file was not in GGUF format", 400) from None
            self._config_from_gguf(info)
            layers.append(
                Layer(
                    MODEL_MEDIA,
                    "sha256:" + digest_hex(digest),
                    os.path.getsize(blob),
                    "",
                    "using existing layer sha256:%s" % digest_hex(digest),
                )
            )
        return layers

    def _config_from_gguf(self, info):
        architecture = info["kv"].get("general.architecture", "")
        self.config = {
            "model_format": "gguf",
            "model_family": architecture,
            "model_families": [architecture],
            "model_type": gguf.human_number(gguf.parameter_count(info)),
            "file_type": gguf.file_type_name(info),
            "architecture": "amd64",
            "os": "linux",
        }

    def _blob_size(self, digest):
        try:
            return os.path.getsize(self.store.blob_path(digest))
        except OSError:
            raise StreamError("open %s: no such file or directory" % self.store.blob_path(digest)) from None

    # ------------------------------------------------------------ transformations
    def _quantize(self, layers, quantize):
        target = QUANTIZE_ALIASES.get(quantize.upper())
        if target is None:
            raise StreamError("unsupported quantization type %s" % quantize)
        model_layer = next((l for l in layers if l.kind == "model"), None)
        source_type = self.config.get("file_type", "")
        if model_layer is None or source_type not in QUANTIZABLE:
            raise StreamError("quantization is only supported for F16, BF16 and F32 models")
        data = _with_file_type(self.store.read_blob(model_layer.digest), gguf.FILE_TYPE_IDS[target])
        yield {
            "status": "quantizing %s model to %s" % (source_type, target),
            "digest": "0000000000000000000",
            "total": model_layer.size,
            "completed": model_layer.size,
        }
        digest, size, status = self._stored_blob(data)
        self.config["file_type"] = target
        new_layer = Layer(MODEL_MEDIA, digest, size, "", "%s %s" % (status, digest))
        return [new_layer if l is model_layer else l for l in layers]

    def _new_layer(self, kind, data):
        digest, size, status = self._stored_blob(data)
        return Layer(MEDIA_PREFIX + kind, digest, size, "", "%s %s" % (status, digest))

    def _stored_blob(self, data):
        """Write a blob like server.NewLayer: "using existing layer" when it is already stored."""
        existed = self.store.has_blob("sha256:" + hashlib.sha256(data).hexdigest())
        digest, size = self.store.write_blob(data)
        return digest, size, "using existing layer" if existed else "creating new layer"

    def _replace(self, layers, kind, data):
        return [l for l in layers if l.kind != kind] + [self._new_layer(kind, data)]

    def _apply_modelfile_layers(self, layers):
        request = self.request
        template = request.get("template")
        if template:
            if template.count("{{") != template.count("}}"):
                raise StreamError("template error: template: :1: unclosed action", 400)
            layers = self._replace(layers, "template", template.encode("utf-8"))
        if request.get("system"):
            layers = self._replace(layers, "system", request["system"].encode("utf-8"))
        licenses = request.get("license")
        for text in [licenses] if isinstance(licenses, str) else licenses or []:
            layers = layers + [self._new_layer("license", text.encode("utf-8"))]
        if request.get("parameters"):
            merged = self._base_params(layers)
            merged.update(request["parameters"])
            layers = self._replace(layers, "params", gojson.dumps_sorted(merged).encode("utf-8"))
        if request.get("messages"):
            messages = [{"role": m.get("role", ""), "content": m.get("content", "")} for m in request["messages"]]
            layers = self._replace(layers, "messages", (gojson.dumps(messages) + "\n").encode("utf-8"))
        return layers

    def _base_params(self, layers):
        layer = next((l for l in layers if l.kind == "params"), None)
        return json.loads(self.store.read_blob(layer.digest)) if layer else {}


def _with_file_type(data, file_type):
    """Rewrite general.file_type in a GGUF image (stands in for real quantization)."""
    key = b"general.file_type"
    marker = struct.pack("<Q", len(key)) + key + struct.pack("<I", gguf.T_UINT32)
    position = data.find(marker)
    if position < 0:
        return data
    position += len(marker)
    return data[:position] + struct.pack("<I", file_type) + data[position + 4 :]
