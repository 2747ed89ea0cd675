# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model/_state: a model read from the recorded /api/show, the model a create would leave, the fields
that differ (what ollama_model reports as changes) and the Modelfile text of --diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

from ansible_collections.local_llm.ollama.plugins.module_utils.model._state import (
    changed_fields,
    expected_state,
    needs_base,
    render_state,
)

from .model_specs import BLOB, derived_spec, spec_of


def test_state_from_recorded_show(derived_state):
    assert derived_state == {
        "from": "tiny-gemma:latest",
        "model": BLOB,
        "adapters": [],
        "quantize": "Q4_K_M",
        "template": "{{ .Prompt }}",
        "system": "You are a terse assistant.",
        "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
        "messages": [],
        "license": None,
    }


def test_recorded_derived_model_matches_its_create_request(derived_state):
    spec = derived_spec()
    assert not needs_base(spec, derived_state)
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == []


def test_numbers_compare_numerically(derived_state):
    spec = derived_spec(parameters={"num_ctx": "2048", "stop": ["<end_of_turn>"], "temperature": "0.20"})
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == []


def test_one_parameter_changed_is_exactly_that_change(derived_state):
    spec = derived_spec(parameters={"num_ctx": 4096, "stop": ["<end_of_turn>"], "temperature": 0.2})
    expected = expected_state(spec, derived_state)
    assert changed_fields(derived_state, expected) == ["parameters"]
    before, after = render_state(derived_state), render_state(expected)
    assert "PARAMETER num_ctx 2048" in before and "PARAMETER num_ctx 4096" in after
    assert [l for l in before.splitlines() if l not in after.splitlines()] == ["PARAMETER num_ctx 2048"]


def test_stop_list_replaced_whole(derived_state):
    spec = derived_spec(parameters={"num_ctx": 2048, "stop": ["<end_of_turn>", "User:"], "temperature": 0.2})
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == ["parameters"]


def test_dropped_parameter_asks_the_base(derived_state, base_state):
    spec = derived_spec(parameters={"num_ctx": 2048, "stop": ["<end_of_turn>"]})
    assert needs_base(spec, derived_state)
    expected = expected_state(spec, derived_state, base_state)
    assert expected["parameters"] == {"num_ctx": 2048, "stop": ["<end_of_turn>"]}
    assert changed_fields(derived_state, expected) == ["parameters"]


def test_inherited_parameter_is_not_a_change(derived_state, base_state):
    base_state["parameters"] = {"temperature": 0.2}
    spec = derived_spec(parameters={"num_ctx": 2048, "stop": ["<end_of_turn>"]})
    assert changed_fields(derived_state, expected_state(spec, derived_state, base_state)) == []


def test_omitted_system_is_inherited_from_base(derived_state, base_state):
    spec = derived_spec(system=None)
    assert needs_base(spec, derived_state)
    assert changed_fields(derived_state, expected_state(spec, derived_state, base_state)) == ["system"]
    base_state["system"] = "You are a terse assistant."
    assert changed_fields(derived_state, expected_state(spec, derived_state, base_state)) == []


def test_other_parent_and_system(derived_state):
    spec = derived_spec(system="Be verbose.")
    spec["from"] = "other:latest"
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == ["from", "system"]


def test_template_and_messages_and_license(derived_state):
    spec = derived_spec(
        template="{{ .System }} {{ .Prompt }}", messages=[{"role": "user", "content": "hi"}], license="MIT"
    )
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == ["template", "messages", "license"]


def test_license_accumulates_over_the_base(derived_state, base_state):
    base_state["license"] = "Gemma terms"
    derived_state["license"] = "Gemma terms\nMIT"
    spec = derived_spec(license=["MIT"])
    assert needs_base(spec, derived_state)
    assert changed_fields(derived_state, expected_state(spec, derived_state, base_state)) == []


def test_gguf_source_compares_the_model_layer(tmp_path, base_state):
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF fake")
    kind, spec = spec_of(name="m", gguf_path=str(path))
    assert kind == "gguf"
    spec["gguf_digest"] = hashlib.sha256(b"GGUF fake").hexdigest()
    assert not needs_base(spec, base_state)
    assert changed_fields(base_state, expected_state(spec, base_state)) == ["model"]
    spec["gguf_digest"] = BLOB
    assert changed_fields(base_state, expected_state(spec, base_state)) == []


def test_gguf_source_drops_unrequested_fields(tmp_path, derived_state):
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    kind, spec = spec_of(name="m", gguf_path=str(path))
    spec["gguf_digest"] = BLOB
    derived_state["from"] = None
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == ["system", "parameters"]


def test_quantize_compared_with_quantization_level(derived_state):
    spec = derived_spec(quantize="q8_0")
    assert spec["quantize"] == "Q8_0"
    assert changed_fields(derived_state, expected_state(spec, derived_state)) == ["quantize"]
    assert derived_spec(quantize="q4_K")["quantize"] == "Q4_K_M"


def test_render_state_for_diff_uses_blob_when_no_parent(base_state):
    text = render_state(base_state)
    assert text.startswith("FROM sha256:%s\n" % BLOB) and "TEMPLATE {{ .Prompt }}" in text
