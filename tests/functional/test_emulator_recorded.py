"""The emulator against the bodies recorded from a real Ollama 0.32.15."""

import hashlib

from emulator_support import DERIVED_DIGEST, MODEL_DIGEST, TAG_DIGEST, http, recorded

DERIVED_REQUEST = {
    "model": "tiny-gemma-derived",
    "from": "tiny-gemma",
    "system": "You are a terse assistant.",
    "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
    "stream": False,
}
SERVICE_MODELS_DIR = "/usr/share/ollama/.ollama/models"


def _without(entry, *keys):
    return {k: v for k, v in entry.items() if k not in keys}


def test_version_body(api):
    result = api("GET", "/api/version")
    assert result.status == 200
    assert result.json() == recorded("version.json")
    assert result.content_type == "application/json; charset=utf-8"


def test_tags_reproduce_recorded_digest_size_and_details(tiny_gemma, api):
    result = api("GET", "/api/tags")
    assert result.status == 200
    assert result.content_type == "application/json; charset=utf-8"
    [entry] = result.json()["models"]
    [expected] = recorded("tags.json")["models"]
    assert entry["digest"] == TAG_DIGEST
    assert _without(entry, "modified_at") == _without(expected, "modified_at")
    assert list(entry) == list(expected)


def test_show_matches_recorded_body(tiny_gemma, api):
    result = api("POST", "/api/show", {"model": "tiny-gemma"})
    assert result.status == 200
    body, expected = result.json(), recorded("show.json")
    assert list(body) == list(expected)
    assert body["modelfile"] == expected["modelfile"].replace(SERVICE_MODELS_DIR, tiny_gemma.models_dir)
    for key in ("template", "details", "model_info", "tensors", "capabilities"):
        assert body[key] == expected[key], key
    assert b'"gemma3.attention.layer_norm_rms_epsilon":0.000001' in result.body


def test_derived_create_reproduces_recorded_manifest(tiny_gemma, api):
    result = api("POST", "/api/create", DERIVED_REQUEST)
    assert (result.status, result.content_type) == (200, "application/json")
    assert result.json() == recorded("create_derived.json")
    tags = api("GET", "/api/tags").json()["models"]
    expected = recorded("tags_after_create.json")["models"]
    assert [_without(e, "modified_at") for e in tags] == [_without(e, "modified_at") for e in expected]
    assert tags[0]["digest"] == DERIVED_DIGEST


def test_derived_show_parameters_system_and_modelfile(tiny_gemma, api):
    api("POST", "/api/create", DERIVED_REQUEST)
    body = api("POST", "/api/show", {"model": "tiny-gemma-derived"}).json()
    expected = recorded("show_derived.json")
    assert list(body) == list(expected)
    assert sorted(body["parameters"].split("\n")) == sorted(expected["parameters"].split("\n"))
    assert body["system"] == expected["system"]
    assert body["details"] == expected["details"]
    lines = body["modelfile"].split("\n")
    expected_lines = expected["modelfile"].replace(SERVICE_MODELS_DIR, tiny_gemma.models_dir).split("\n")
    assert lines[:7] == expected_lines[:7]
    assert sorted(lines[7:]) == sorted(expected_lines[7:])


def test_create_stream_lines_and_system_layer_digest(tiny_gemma, api):
    # as recorded: created, deleted (its own blobs pruned), then created again streaming, so its layers are new
    api("POST", "/api/create", DERIVED_REQUEST)
    assert api("DELETE", "/api/delete", {"model": "tiny-gemma-derived"}).status == 200
    result = api("POST", "/api/create", dict(DERIVED_REQUEST, stream=True))
    assert (result.status, result.content_type) == (200, "application/x-ndjson")
    lines, expected = result.lines(), recorded("create_stream.ndjson")
    assert lines[0] == expected[0] == {"status": "using existing layer sha256:" + MODEL_DIGEST}
    system_digest = hashlib.sha256(b"You are a terse assistant.").hexdigest()
    assert lines[1] == expected[1] == {"status": "creating new layer sha256:" + system_digest}
    assert lines[2]["status"].startswith("creating new layer sha256:")
    assert lines[3:] == expected[3:]
    # an identical create finds every layer stored (server.NewLayer)
    again_stream = api("POST", "/api/create", dict(DERIVED_REQUEST, stream=True)).lines()
    assert [line["status"].rsplit(" ", 1)[0] for line in again_stream[:3]] == ["using existing layer"] * 3
    again = api("POST", "/api/create", DERIVED_REQUEST)
    assert again.json() == recorded("create_same_again.json")
    assert api("GET", "/api/tags").json()["models"][0]["digest"] == DERIVED_DIGEST


def test_delete_twice_and_show_missing(tiny_gemma, api):
    api("POST", "/api/create", DERIVED_REQUEST)
    first = api("DELETE", "/api/delete", {"model": "tiny-gemma-derived"})
    assert (first.status, first.body, first.content_type) == (200, b"", None)
    assert first.headers.get("Content-Length") == "0"
    again = api("DELETE", "/api/delete", {"model": "tiny-gemma-derived"})
    assert (again.status, again.content_type) == (404, "application/json; charset=utf-8")
    assert again.json() == recorded("delete_again.json")
    missing = api("POST", "/api/show", {"model": "tiny-gemma-derived"})
    assert (missing.status, missing.content_type) == (404, "application/json; charset=utf-8")
    assert missing.json() == recorded("show_missing.json")
    tags = api("GET", "/api/tags").json()
    assert [_without(e, "modified_at") for e in tags["models"]] == [
        _without(e, "modified_at") for e in recorded("tags_after_delete.json")["models"]
    ]


def test_offline_pull_errors_are_byte_identical(make_emulator):
    offline = make_emulator(registry_dir=None)

    def api(method, path, body):
        return http(offline.url, method, path, body)

    result = api("POST", "/api/pull", {"model": "all-minilm", "stream": False})
    assert (result.status, result.content_type) == (500, "application/json")
    assert result.body == recorded("pull_nostream.json", parse=False)
    streamed = api("POST", "/api/pull", {"model": "all-minilm"})
    assert (streamed.status, streamed.content_type) == (200, "application/x-ndjson")
    assert streamed.body == recorded("pull_stream.ndjson", parse=False)
    assert streamed.headers.get("Transfer-Encoding") == "chunked"


def test_create_from_missing_base_reports_the_pull_error(make_emulator):
    offline = make_emulator(registry_dir=None)
    result = http(offline.url, "POST", "/api/create", {"model": "x", "from": "does-not-exist", "stream": False})
    assert (result.status, result.content_type) == (500, "application/json")
    assert result.body == recorded("create_bad_from.json", parse=False)


def test_copy_is_empty_200_and_keeps_the_digest(tiny_gemma, api):
    result = api("POST", "/api/copy", {"source": "tiny-gemma", "destination": "backup/tiny:v1"})
    assert (result.status, result.body, result.content_type) == (200, b"", None)
    digests = {m["name"]: m["digest"] for m in api("GET", "/api/tags").json()["models"]}
    assert digests == {"tiny-gemma:latest": TAG_DIGEST, "backup/tiny:v1": TAG_DIGEST}
    missing = api("POST", "/api/copy", {"source": "nope", "destination": "x"})
    assert (missing.status, missing.json()) == (404, {"error": 'model "nope" not found'})
