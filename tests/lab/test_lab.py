"""Verify step of scenario lab: run by tests/lab/run_scenario.sh with testinfra over SSH to every lab machine.

pytest tests/lab/test_lab.py --hosts=ansible://lab --ansible-inventory=<run>/inventory.yml (inside the controller
namespace), with LAB_RUN_DIR=<run> for the controller-side evidence (release mirror log, per-host seed reports,
inode/mtime snapshots of both converges).
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

pytestmark = pytest.mark.skipif(not RUN_DIR, reason="run by tests/lab/run_scenario.sh (LAB_RUN_DIR)")


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
    script = ("import json,sys,urllib.request as u; r=u.Request('http://127.0.0.1:11434'+sys.argv[1], "
              "data=(sys.argv[3].encode() if sys.argv[3] else None), method=sys.argv[2]); "
              "print(u.urlopen(r, timeout=10).read().decode())")
    out = host.check_output("python3 -c %s %s %s %s" % (
        _quote(script), path, method, _quote(json.dumps(body) if body is not None else "")))
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
    log = [json.loads(line) for line in host.file("/usr/share/ollama/requests.jsonl").content_string.splitlines()
           if line.strip()]
    paths = collections.Counter(entry["path"].split("/")[2] if entry["path"].count("/") >= 2 else entry["path"]
                                for entry in log)
    assert paths["pull"] == 0
    assert not [e for e in log if e["method"] == "POST" and e["path"].startswith("/api/blobs")]


# ---------------------------------------------------------------- controller-side evidence
def test_archive_was_downloaded_once_for_all_hosts():
    first = [e for e in read_jsonl("mirror-after-converge1.jsonl") if e["path"].endswith(ASSET)]
    both = [e for e in read_jsonl("mirror.jsonl") if e["path"].endswith(ASSET)]
    assert [e["status"] for e in first] == [200]
    assert len(both) == 1, "the second converge must reuse the controller cache"


def test_each_host_received_its_blobs_once():
    reports = collections.defaultdict(list)
    for entry in read_jsonl("evidence.jsonl"):
        reports[(entry["play"], entry["host"])].append(entry)
    for runs in reports.values():
        runs.sort(key=lambda entry: entry["run"])
    for host in machines():
        first, second = reports[("converge", host)]
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
        runs = sorted((e for e in read_jsonl("evidence.jsonl") if e["play"] == "share" and e["host"] == host),
                      key=lambda entry: entry["run"])
        first, second = runs
        own = set(manifest_blobs(EXPECTED[host][1]))
        # lab2 is the source: nothing; the others: the 7B blobs minus those they already hold (the shared template).
        assert set(first["seed"]["received"]) == shared - own if host != "lab2" else first["seed"]["received"] == []
        assert second["seed"]["received"] == []


def test_second_converge_rewrote_no_file():
    def by_host(name):
        with open(run_file(name), encoding="utf-8") as handle:
            plays = json.load(handle)["plays"]
        return {host: result["stdout"] for host, result in plays[0]["tasks"][0]["hosts"].items()}
    first, second = by_host("snapshot1.json"), by_host("snapshot2.json")
    assert set(first) == set(machines())
    for host in machines():
        assert first[host] == second[host], "%s: inode or mtime changed on the second converge" % host
        assert "/blobs/sha256-" in first[host]
