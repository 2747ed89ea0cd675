"""On-disk layout, blobs, registry pulls, name rules and create semantics of the emulator."""

import hashlib
import json
import os

from emulator_support import http
from ollama_emulator import make_gguf


def _tags(api):
    return {m["name"]: m for m in api("GET", "/api/tags").json()["models"]}


def test_store_layout_digest_and_size_rules(emulator, api):
    digest = emulator.seed_local_model("user/Mixed:v1", architecture="qwen2", parameter_count=7615616512)
    path = os.path.join(emulator.models_dir, "manifests", "registry.ollama.ai", "user", "Mixed", "v1")
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.endswith(b"]}\n") and hashlib.sha256(data).hexdigest() == digest
    manifest = json.loads(data)
    assert list(manifest) == ["schemaVersion", "mediaType", "config", "layers"]
    entry = _tags(api)["user/Mixed:v1"]
    assert entry["size"] == manifest["config"]["size"] + sum(l["size"] for l in manifest["layers"])
    assert entry["details"]["parameter_size"] == "7.6B"
    for layer in manifest["layers"] + [manifest["config"]]:
        blob = os.path.join(emulator.models_dir, "blobs", layer["digest"].replace(":", "-"))
        assert os.path.getsize(blob) == layer["size"]
    config = os.path.join(emulator.models_dir, "blobs", manifest["config"]["digest"].replace(":", "-"))
    with open(config, "rb") as handle:
        assert handle.read().endswith(b'"os":"linux"}\n')


def test_names_are_case_insensitive_and_default_to_latest(emulator, api):
    emulator.seed_local_model("Tiny")
    assert api("POST", "/api/show", {"model": "tiny:latest"}).status == 200
    assert api("POST", "/api/show", {"model": "TINY"}).status == 200
    assert api("POST", "/api/show", {}).json() == {"error": "model is required"}
    assert api("DELETE", "/api/delete", {"model": "tiny"}).status == 200
    assert _tags(api) == {}


def test_blob_upload_statuses(emulator, api):
    data = b"not a model"
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    assert api("HEAD", "/api/blobs/" + digest).status == 404
    created = api("POST", "/api/blobs/" + digest, raw=data)
    assert (created.status, created.body, created.content_type) == (201, b"", None)
    assert api("POST", "/api/blobs/" + digest, raw=data).status == 200
    assert api("HEAD", "/api/blobs/" + digest).status == 200
    wrong = "sha256:" + "0" * 64
    mismatch = api("POST", "/api/blobs/" + wrong, raw=data)
    assert mismatch.status == 400
    assert mismatch.json()["error"] == 'digest mismatch, expected "%s", got "%s"' % (wrong, digest)
    assert api("HEAD", "/api/blobs/sha256:abc").status == 400


def _upload(api, path):
    with open(path, "rb") as handle:
        data = handle.read()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    assert api("POST", "/api/blobs/" + digest, raw=data).status == 201
    return digest


def test_create_from_files_and_its_errors(emulator, api, tmp_path):
    digest = _upload(api, make_gguf(str(tmp_path / "m.gguf"), file_type=1))
    stream = api("POST", "/api/create", {"model": "imported", "files": {"m.gguf": digest}})
    assert [l["status"] for l in stream.lines()] == [
        "parsing GGUF",
        "using existing layer " + digest,
        "writing manifest",
        "success",
    ]
    show = api("POST", "/api/show", {"model": "imported"}).json()
    assert show["details"]["quantization_level"] == "F16" and "parameters" not in show
    absolute = api("POST", "/api/create", {"model": "x", "files": {"/abs.gguf": digest}})
    assert (absolute.status, absolute.content_type) == (400, "application/json; charset=utf-8")
    assert absolute.json() == {"error": "file path must be relative"}
    bad = api("POST", "/api/create", {"model": "x", "files": {"m.gguf": "sha256:12"}})
    assert bad.json() == {"error": "invalid digest format"}
    text = _upload(api, str(_write(tmp_path / "t.gguf", b"plain text")))
    not_gguf = api("POST", "/api/create", {"model": "x", "files": {"t.gguf": text}, "stream": False})
    assert (not_gguf.status, not_gguf.json()) == (400, {"error": "supplied file was not in GGUF format"})
    neither = api("POST", "/api/create", {"model": "x", "modelfile": "FROM imported"})
    assert (neither.status, neither.content_type) == (400, "application/json")
    assert neither.json() == {"error": "neither 'from' or 'files' was specified"}


def _write(path, data):
    path.write_bytes(data)
    return path


def test_create_merges_parameters_and_keeps_non_empty_fields(emulator, api):
    emulator.seed_local_model("base", system="base system", parameters={"stop": ["a", "b"], "top_k": 20})
    api(
        "POST",
        "/api/create",
        {
            "model": "child",
            "from": "base",
            "system": "",
            "parameters": {"stop": ["<c>"], "temperature": 1e6},
            "stream": False,
        },
    )
    show = api("POST", "/api/show", {"model": "child"}).json()
    assert show["system"] == "base system"
    assert sorted(show["parameters"].split("\n")) == [
        'stop                           "<c>"',
        "temperature                    1e+06",
        "top_k                          20",
    ]
    assert show["details"]["parent_model"] == "base:latest"


def test_recreate_is_deterministic_and_prunes_old_layers(emulator, api):
    emulator.seed_local_model("base")
    request = {"model": "child", "from": "base", "system": "one", "stream": False}
    api("POST", "/api/create", request)
    first = _tags(api)["child:latest"]
    api("POST", "/api/create", request)
    second = _tags(api)["child:latest"]
    assert first["digest"] == second["digest"] and first["modified_at"] != second["modified_at"]
    old_blob = os.path.join(emulator.models_dir, "blobs", "sha256-" + hashlib.sha256(b"one").hexdigest())
    assert os.path.exists(old_blob)
    api("POST", "/api/create", dict(request, system="two"))
    assert not os.path.exists(old_blob)


def test_pull_from_registry_then_cached(emulator, api):
    digest = emulator.seed_registry_model("library/pulled:1b", architecture="llama")
    lines = api("POST", "/api/pull", {"model": "pulled:1b"}).lines()
    statuses = [l["status"] for l in lines]
    assert statuses[0] == "pulling manifest" and statuses[-3:] == [
        "verifying sha256 digest",
        "writing manifest",
        "success",
    ]
    progress = [l for l in lines if "digest" in l]
    assert all(l["status"] == "pulling " + l["digest"][7:19] for l in progress)
    assert _tags(api)["pulled:1b"]["digest"] == digest
    again = api("POST", "/api/pull", {"model": "pulled:1b"}).lines()
    cached = [l for l in again if "digest" in l]
    assert len(cached) == 2 and all(l["completed"] == l["total"] for l in cached)
    missing = api("POST", "/api/pull", {"model": "absent", "stream": False})
    assert (missing.status, missing.json()) == (500, {"error": "pull model manifest: file does not exist"})


def test_create_from_missing_base_pulls_it(emulator, api):
    emulator.seed_registry_model("remote-base")
    result = api("POST", "/api/create", {"model": "derived", "from": "remote-base", "system": "s"})
    statuses = [l["status"] for l in result.lines()]
    assert statuses[0] == "pulling manifest" and statuses[-1] == "success"
    assert set(_tags(api)) == {"remote-base:latest", "derived:latest"}


def test_quantize_only_from_float_models(emulator, api):
    emulator.seed_local_model("f16", file_type=1)
    emulator.seed_local_model("q4", file_type=15)
    ok = api("POST", "/api/create", {"model": "q", "from": "f16", "quantize": "q4_K_M", "stream": False})
    assert ok.status == 200
    assert _tags(api)["q:latest"]["details"]["quantization_level"] == "Q4_K_M"
    refused = api("POST", "/api/create", {"model": "q2", "from": "q4", "quantize": "q8_0", "stream": False})
    assert refused.json() == {"error": "quantization is only supported for F16, BF16 and F32 models"}


def test_old_create_form_before_0_5_5(make_emulator):
    old = make_emulator(version="0.5.4")
    old.seed_local_model("base")
    modelfile = 'FROM base\nSYSTEM """Be\nbrief."""\nPARAMETER stop "<x>"\nPARAMETER num_ctx 1024\n'
    result = http(old.url, "POST", "/api/create", {"model": "legacy", "modelfile": modelfile, "stream": False})
    assert result.status == 200
    show = http(old.url, "POST", "/api/show", {"model": "legacy"}).json()
    assert show["system"] == "Be\nbrief." and 'SYSTEM "Be\nbrief."' in show["modelfile"]
    new_form = http(old.url, "POST", "/api/create", {"model": "x", "from": "base"})
    assert (new_form.status, new_form.json()) == (400, {"error": "path or Modelfile are required"})


def test_version_gated_fields_and_head_routes(make_emulator):
    old = make_emulator(version="0.12.5")
    old.seed_local_model("m")
    entry = http(old.url, "GET", "/api/tags").json()["models"][0]
    assert "capabilities" not in entry and "context_length" not in entry["details"]
    legacy = http(old.url, "POST", "/api/create", {"model": "x", "modelfile": "FROM m"})
    assert legacy.status == 200
    assert legacy.lines() == [{"error": "neither 'from' or 'files' was specified", "status": 400}]
    for path in ("/", "/api/version", "/api/tags"):
        head = http(old.url, "HEAD", path)
        assert (head.status, head.body) == (200, b"")
    assert http(old.url, "HEAD", "/api/ps").status == 404
