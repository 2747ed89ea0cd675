# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model_store filters: manifest paths and the blobs of a manifest, against the recorded 0.32.15 on-disk manifest."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.model_store import ollama_manifest_blobs, ollama_manifest_path

HEX_A = "a" * 64
HEX_B = "b" * 64


@pytest.mark.parametrize(
    "name, path",
    [
        ("qwen2.5-coder:7b", "manifests/registry.ollama.ai/library/qwen2.5-coder/7b"),
        ("llama3.2", "manifests/registry.ollama.ai/library/llama3.2/latest"),
        ("myuser/mymodel:v1", "manifests/registry.ollama.ai/myuser/mymodel/v1"),
        ("mirror.lab:5000/team/coder:q4", "manifests/mirror.lab:5000/team/coder/q4"),
    ],
)
def test_manifest_path(name, path):
    assert ollama_manifest_path(name) == path


def test_manifest_path_rejects_a_bad_name():
    with pytest.raises(AnsibleFilterError, match="ollama_manifest_path: .*invalid"):
        ollama_manifest_path("bad name!")


def test_blobs_config_first_each_once_from_json_text():
    manifest = {
        "schemaVersion": 2,
        "config": {"digest": "sha256:" + HEX_A, "size": 10},
        "layers": [{"digest": "sha256:" + HEX_B, "size": 99}, {"digest": "sha256:" + HEX_B, "size": 99}],
    }
    blobs = ollama_manifest_blobs(json.dumps(manifest))
    assert blobs == [
        {"digest": "sha256:" + HEX_A, "file": "sha256-" + HEX_A, "sha256": HEX_A, "size": 10},
        {"digest": "sha256:" + HEX_B, "file": "sha256-" + HEX_B, "sha256": HEX_B, "size": 99},
    ]


def test_blobs_of_the_recorded_manifest(recorded):
    manifest = recorded.bytes("ondisk_manifest_tiny-gemma_latest.json")
    blobs = ollama_manifest_blobs(manifest)
    parsed = json.loads(manifest)
    assert [b["digest"] for b in blobs] == [parsed["config"]["digest"]] + [l["digest"] for l in parsed["layers"]]
    assert sum(b["size"] for b in blobs) == 253113180


@pytest.mark.parametrize(
    "manifest, message",
    [
        ("not json", "not JSON"),
        ({"config": {}}, "expected a manifest"),
        ({"layers": [{"digest": "md5:1"}]}, "no sha256 digest"),
    ],
)
def test_blobs_rejects_what_is_not_a_manifest(manifest, message):
    with pytest.raises(AnsibleFilterError, match=message):
        ollama_manifest_blobs(manifest)
