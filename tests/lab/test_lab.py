"""Verify step of molecule scenario lab: testinfra over SSH to every lab machine, after converge and idempotence.

Molecule runs it with its inventory of the lab machines and LAB_RUN_DIR=<run directory of tests/lab/lab.sh> for the
controller-side evidence: the release mirror's request log and the lines tests/lab/playbooks/converge.yml appends to
evidence.jsonl on each run (the class and seed report of every host, what the share play sent, and the inode and
mtime of every Ollama file).
"""

import collections
import json
import os

import pytest

RUN_DIR = os.environ.get("LAB_RUN_DIR", "")
ASSET = "ollama-linux-amd64.tar.zst"
MODELS_DIR = "/usr/share/ollama/.ollama/models"
# The class each machine gets (lab1 from gpu_facts: no GPU; lab2/lab3 placed by lab_gpu_memory_mb) and its profile.
EXPECTED = {
    "lab1": ("gpu_none", "qwen2.5-coder:1.5b", 4096),
    "lab2": ("gpu_12gb", "qwen2.5-coder:7b", 16384),
    "lab3": ("gpu_24gb", "qwen2.5-coder:14b", 32768),
}
SHARED = "qwen2.5-coder:7b"

pytestmark = pytest.mark.skipif(not RUN_DIR, reason="the verify step of molecule scenario lab (LAB_RUN_DIR)")


def run_file(name):
    return os.path.join(RUN_DIR, name)


def read_jsonl(name):
    with open(run_file(name), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def manifest_path(name):
    model, tag = name.split(":")
    return "manifests/registry.ollama.ai/library/%s/%s" % (model, tag)


def manifest_blobs(name):
    with open(os.path.join(RUN_DIR, "models", manifest_path(name)), encoding="utf-8") as handle:
        manifest = json.load(handle)
    return [layer["digest"].replace(":", "-") for layer in [manifest["config"]] + manifest["layers"]]


def host_models(host):
    """Models a host must have: its profile's base, my-coder, and the 7B shared from lab2 (when lab2 exists)."""
    wanted = {EXPECTED[host][1]}
    if len(machines()) >= 2:
        wanted.add(SHARED)
    return wanted


def machines():
    with open(run_file("count"), encoding="utf-8") as handle:
        return ["lab%d" % n for n in range(1, int(handle.read()) + 1)]


def api(host, method, path, body=None):
    script = (
        "import json,sys,urllib.request as u; r=u.Request('http://127.0.0.1:11434'+sys.argv[1], "
        "data=(sys.argv[3].encode() if sys.argv[3] else None), method=sys.argv[2]); "
        "print(u.urlopen(r, timeout=10).read().decode())"
    )
    out = host.check_output(
        "python3 -c %s %s %s %s" % (_quote(script), path, method, _quote(json.dumps(body) if body is not None else ""))
    )
    return json.loads(out)


def _quote(text):
    return "'" + text.replace("'", "'\"'\"'") + "'"


# ---------------------------------------------------------------- on every host, over SSH
def test_host_is_a_systemd_lab_machine(host):
    name = host.backend.get_hostname()
    assert host.check_output("hostname") == name
    assert host.check_output("cat /proc/1/comm") == "systemd"


def test_ollama_service_runs_the_release(host):
    assert host.service("ollama").is_running
    assert host.service("ollama").is_enabled
    assert api(host, "GET", "/api/version") == {"version": "0.32.15"}


def test_server_lists_seeded_and_custom_models(host):
    name = host.backend.get_hostname()
    listed = {model["name"] for model in api(host, "GET", "/api/tags")["models"]}
    assert host_models(name) | {"my-coder:latest"} <= listed


def test_custom_model_has_the_class_context(host):
    name = host.backend.get_hostname()
    show = api(host, "POST", "/api/show", {"model": "my-coder"})
    assert "num_ctx                        %d" % EXPECTED[name][2] in show["parameters"]
    assert show["details"]["parent_model"] == EXPECTED[name][1]


def test_store_holds_the_seeded_blobs_byte_for_byte(host):
    name = host.backend.get_hostname()
    for model in host_models(name):
        for blob in manifest_blobs(model):
            stored = host.file("%s/blobs/%s" % (MODELS_DIR, blob))
            assert stored.exists and stored.user == "ollama"
            assert stored.sha256sum == blob.split("-", 1)[1]
        with open(os.path.join(RUN_DIR, "models", manifest_path(model)), "rb") as handle:
            assert host.file("%s/%s" % (MODELS_DIR, manifest_path(model))).content == handle.read()


def test_nothing_was_pulled_or_uploaded_through_the_api(host):
    log = [
        json.loads(line)
        for line in host.file("/usr/share/ollama/requests.jsonl").content_string.splitlines()
        if line.strip()
    ]
    paths = collections.Counter(
        entry["path"].split("/")[2] if entry["path"].count("/") >= 2 else entry["path"] for entry in log
    )
    assert paths["pull"] == 0
    assert not [e for e in log if e["method"] == "POST" and e["path"].startswith("/api/blobs")]


# ---------------------------------------------------------------- controller-side evidence
def test_archive_was_downloaded_once_for_all_hosts_and_both_runs():
    downloads = [e for e in read_jsonl("mirror.jsonl") if e["path"].endswith(ASSET)]
    assert [e["status"] for e in downloads] == [200], "one download for every host, the second run from the cache"


def runs_of(play, host):
    """The evidence lines of one play on one host, oldest run first: converge and idempotence."""
    runs = sorted(
        (e for e in read_jsonl("evidence.jsonl") if e["play"] == play and e["host"] == host),
        key=lambda entry: entry["run"],
    )
    assert len(runs) == 2, "%s/%s: expected the converge and the idempotence run, got %d" % (play, host, len(runs))
    return runs


def test_each_host_received_its_blobs_once():
    for host in machines():
        first, second = runs_of("converge", host)
        assert first["class"] == EXPECTED[host][0]
        assert sorted(first["seed"]["received"]) == sorted(set(manifest_blobs(EXPECTED[host][1])))
        assert first["seed"]["manifests_written"] == [EXPECTED[host][1]]
        assert second["seed"]["received"] == [] and second["seed"]["manifests_written"] == []
        assert not second["seed"]["restarted"]


def test_shared_model_crossed_only_to_hosts_lacking_it():
    if len(machines()) < 2:
        pytest.skip("needs two machines")
    shared = set(manifest_blobs(SHARED))
    for host in machines():
        first, second = runs_of("share", host)
        own = set(manifest_blobs(EXPECTED[host][1]))
        # lab2 is the source: nothing; the others: the 7B blobs minus those they already hold (the shared template).
        assert set(first["seed"]["received"]) == shared - own if host != "lab2" else first["seed"]["received"] == []
        assert second["seed"]["received"] == []


def test_second_converge_rewrote_no_file():
    for host in machines():
        first, second = runs_of("snapshot", host)
        assert first["files"] == second["files"], "%s: a file was rewritten on the second converge" % host
        paths = [path for path, _inode, _mtime in first["files"]]
        assert any(path.startswith("/usr/local/lib/ollama-") and path.endswith("/bin/ollama") for path in paths)
        assert any("/blobs/sha256-" in path for path in paths)
