# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model_seed through real ansible-playbook on this machine: blobs already on the host are checked by size by
default and by sha256 with model_seed_verify_existing, and a damaged one is replaced and reported."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import re

import pytest
from collection_env import run_playbook, task_results
from module_runner import run_playbook as run_playbook_file

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="model_seed sets the owner of the files it copies")

PLAYBOOK = """
- name: Seed
  hosts: localhost
  gather_facts: false
  vars:
    model_seed_models: [tiny:1b]
    model_seed_source_dir: %(store)s
    model_seed_models_dir: %(models)s
    model_seed_owner: root
    model_seed_group: root
    model_seed_service: ""
    model_seed_host: ""
    model_seed_verify_existing: %(verify_existing)s
  roles:
    - role: local_llm.ollama.model_seed
  post_tasks:
    - name: Report
      ansible.builtin.debug:
        var: model_seed_report
"""


def write_blob(directory, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(directory, "sha256-" + digest), "wb") as handle:
        handle.write(data)
    return {"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:" + digest, "size": len(data)}


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "store"
    blobs = root / "blobs"
    blobs.mkdir(parents=True)
    config = write_blob(str(blobs), b'{"model_format":"gguf"}')
    layer = write_blob(str(blobs), b"GGUF" + bytes(range(256)) * 64)
    manifest = root / "manifests" / "registry.ollama.ai" / "library" / "tiny" / "1b"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(json.dumps({"schemaVersion": 2, "config": config, "layers": [layer]}))
    return root, "sha256-" + layer["digest"].split(":")[1]


def seed(tmp_path, root, verify_existing):
    text = PLAYBOOK % {"store": root, "models": tmp_path / "models", "verify_existing": verify_existing}
    rc, output = run_playbook(tmp_path, text)
    results = task_results(output)
    assert rc == 0, results
    return results["Report"]["model_seed_report"], results


def result_of(results, name):
    """The result of the role task called name (the callback prefixes role tasks with the role's name)."""
    return [result for task, result in results.items() if task.split(" : ")[-1] == name][0]


def flip_a_byte(path):
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))


def sha256_of(path):
    return "sha256-" + hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_flipped_byte_is_found_by_digest_and_replaced(tmp_path, store):
    root, layer = store
    report, dummy = seed(tmp_path, root, "false")
    assert len(report["received"]) == 2
    copied = tmp_path / "models" / "blobs" / layer
    assert sha256_of(copied) == layer

    flip_a_byte(copied)
    report, dummy = seed(tmp_path, root, "false")
    # By size only (the default): the damage goes unnoticed, as documented.
    assert report["replaced"] == [] and sha256_of(copied) != layer

    report, results = seed(tmp_path, root, "true")
    assert report["replaced"] == [layer]
    assert report["received"] == [layer]
    assert sha256_of(copied) == layer
    message = result_of(results, "Say which damaged blobs are replaced")["msg"]
    assert "1 damaged blob(s) replaced" in message and layer in message and "had sha256 " in message

    report, dummy = seed(tmp_path, root, "true")
    assert report["replaced"] == [] and report["received"] == []


def test_a_truncated_blob_is_replaced_by_size(tmp_path, store):
    root, layer = store
    seed(tmp_path, root, "false")
    copied = tmp_path / "models" / "blobs" / layer
    copied.write_bytes(copied.read_bytes()[:1000])
    report, results = seed(tmp_path, root, "false")
    assert report["replaced"] == [layer]
    assert sha256_of(copied) == layer
    assert "had size 1000 instead of" in result_of(results, "Say which damaged blobs are replaced")["msg"]


def test_the_copies_print_their_progress_per_blob(tmp_path, store):
    root, dummy = store
    playbook = tmp_path / "seed.yml"
    playbook.write_text(PLAYBOOK % {"store": root, "models": tmp_path / "models", "verify_existing": "false"})
    rc, output = run_playbook_file(str(playbook))
    assert rc == 0, output[-3000:]
    lines = [line for line in output.splitlines() if ": blob " in line]
    assert len(lines) == 2, output[-3000:]
    total = re.search(r"blob 2 of 2, (\S+ \S+) of (\S+ \S+) \(100 %\)", lines[1])
    assert total and total.group(1) == total.group(2), lines
    assert re.search(r"blob 1 of 2, \S+ \S+ of %s \(\d+ %%\)" % re.escape(total.group(2)), lines[0]), lines
