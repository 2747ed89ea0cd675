# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model/_create_request: the /api/create bodies for a ModelSpec, structured (>= 0.5.5) and Modelfile text (older)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


from ansible_collections.local_llm.ollama.plugins.module_utils.model._create_request import (
    legacy_create_request,
    structured_create_request,
)

from .model_specs import BLOB, derived_spec, spec_of


def test_structured_request():
    spec = derived_spec(messages=[{"role": "user", "content": "hi"}], license="MIT")
    assert structured_create_request("tiny-gemma-derived:latest", spec) == {
        "model": "tiny-gemma-derived:latest",
        "from": "tiny-gemma:latest",
        "system": "You are a terse assistant.",
        "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
        "messages": [{"role": "user", "content": "hi"}],
        "license": ["MIT"],
    }


def test_gguf_requests_both_forms(tmp_path):
    path = tmp_path / "w.gguf"
    path.write_bytes(b"GGUF")
    kind, spec = spec_of(name="m", gguf_path=str(path), parameters={"num_ctx": 8}, quantize="Q8_0")
    spec["gguf_digest"] = BLOB
    assert structured_create_request("m:latest", spec) == {
        "model": "m:latest",
        "files": {"w.gguf": "sha256:" + BLOB},
        "parameters": {"num_ctx": 8},
        "quantize": "Q8_0",
    }
    legacy = legacy_create_request("m:latest", spec)
    assert legacy == {
        "model": "m:latest",
        "quantize": "Q8_0",
        "modelfile": "FROM @sha256:%s\nPARAMETER num_ctx 8\n" % BLOB,
    }
