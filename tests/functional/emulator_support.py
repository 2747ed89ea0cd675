"""Helpers the emulator's functional tests share: paths, recorded digests, a raw HTTP client, recorded data."""

import json
import os
import urllib.error
import urllib.request

from ollama_emulator import Emulator, make_gguf

EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "emulator")

RECORDED_DIR = os.path.join(os.path.dirname(EMULATOR_DIR), "fixtures", "ollama-0.32.15-recorded")
RECORDED_RESOLVER = "10.255.255.53"
MODEL_DIGEST = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
CONFIG_DIGEST = "3ab0c2eabafc15bda804c60fe6106a37f356c4e1208e9cb8d40a6114689202ea"
TAG_DIGEST = "14f8ac0fb3c4d0781f89e8e94fb0f50f6074e4433c57f2974444117109948bb3"
DERIVED_DIGEST = "2f3696b5f014215d675d0ec21abf5e17a4dc87ca6fb9dbdebc7bff07b5cc9457"


def started_emulator_like_the_real_server(folder):
    """An emulator started with an empty store under ``folder``, as the real tier compares it with the real server:
    no registry (offline), the recorded answers' resolver, a short load time."""
    return Emulator(
        models_dir=os.path.join(str(folder), "models"),
        registry_dir=os.path.join(str(folder), "registry"),
        registry_offline=True,
        resolver=RECORDED_RESOLVER,
        load_seconds=0.05,
    ).start()


class HttpResult:
    """Status, headers and raw body of one real HTTP exchange."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("Content-Type")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def lines(self):
        return [json.loads(line) for line in self.body.decode("utf-8").splitlines() if line.strip()]


def http(base_url, method, path, body=None, raw=None, timeout=30):
    """Send one request; never raises on HTTP error statuses."""
    data = raw if raw is not None else (json.dumps(body).encode("utf-8") if body is not None else None)
    request = urllib.request.Request(base_url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return HttpResult(response.status, response.headers, response.read())
    except urllib.error.HTTPError as exc:
        return HttpResult(exc.code, exc.headers, exc.read())


def recorded(name, parse=True):
    """A file of the recorded 0.32.15 session (parsed JSON, list of NDJSON objects, or bytes)."""
    path = os.path.join(RECORDED_DIR, name)
    with open(path, "rb") as handle:
        data = handle.read()
    if not parse:
        return data
    if name.endswith(".ndjson"):
        return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]
    return json.loads(data.decode("utf-8"))


def seed_recorded_tiny_gemma(emu):
    """Install the recorded tiny-gemma manifest and config blob byte for byte.

    The 253 MB model blob is replaced by a metadata-only GGUF carrying the recorded
    model_info and the five recorded tensors, stored under the recorded digest.
    """
    show = recorded("show.json")
    extra_kv = {}
    for key, value in show["model_info"].items():
        extra_kv[key] = ["x"] if value is None else value
    extra_kv["general.name"] = "Gemma 3 270m"
    tensors = [(t["name"], t["type"], t["shape"]) for t in show["tensors"]]
    config = recorded("ondisk_config_blob_sha256-3ab0c2ea.json", parse=False)
    manifest = recorded("ondisk_manifest_tiny-gemma_latest.json", parse=False)
    blobs = os.path.join(emu.models_dir, "blobs")
    os.makedirs(blobs, exist_ok=True)
    make_gguf(
        os.path.join(blobs, "sha256-" + MODEL_DIGEST),
        architecture="gemma3",
        tensors=tensors,
        extra_kv=extra_kv,
        write_data=False,
        parameter_count=268098176,
        file_type=15,
        block_count=18,
        head_count=4,
        head_count_kv=1,
        embedding_length=640,
        context_length=32768,
    )
    with open(os.path.join(blobs, "sha256-" + CONFIG_DIGEST), "wb") as handle:
        handle.write(config)
    manifest_dir = os.path.join(emu.models_dir, "manifests", "registry.ollama.ai", "library", "tiny-gemma")
    os.makedirs(manifest_dir, exist_ok=True)
    with open(os.path.join(manifest_dir, "latest"), "wb") as handle:
        handle.write(manifest)
