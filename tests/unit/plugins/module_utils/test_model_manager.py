# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_model_manager, the pure logic behind ollama_model: desired spec from options (ollama_model's argument_spec),
comparison with /api/show, diff, create bodies."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import hashlib

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils._model_manager import (
    ModelSpecError,
    changed_fields,
    desired_spec,
    expected_state,
    legacy_create_request,
    needs_base,
    render_state,
    state_from_show,
    structured_create_request,
)
from ansible_collections.local_llm.ollama.plugins.modules.ollama_model import argument_spec

BLOB = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def options(**given):
    params = dict((name, spec.get("default")) for name, spec in argument_spec().items())
    params.update(given)
    return params


def spec_of(**given):
    kind, spec = desired_spec(options(**given))
    spec.setdefault("gguf_digest", None)
    spec.setdefault("adapter_digests", [])
    return kind, spec


def derived_spec(**overrides):
    given = dict(
        name="tiny-gemma-derived",
        system="You are a terse assistant.",
        parameters={"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
    )
    given["from"] = "tiny-gemma"
    given.update(overrides)
    return spec_of(**given)[1]


@pytest.fixture
def derived_state(recorded):
    return state_from_show(recorded.json("show_derived.json"))


@pytest.fixture
def base_state(recorded):
    return state_from_show(recorded.json("show.json"))


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
    spec = derived_spec(parameters={"num_ctx": "2048", "stop": "<end_of_turn>", "temperature": "0.20"})
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


# ---------------------------------------------------------------- desired spec validation


def test_pull_is_the_default_source():
    assert desired_spec(options(name="llama3.2")) == ("pull", None)


def test_modelfile_text_source():
    kind, spec = spec_of(name="m", modelfile="FROM tiny-gemma\nPARAMETER stop x\nSYSTEM hi\n")
    assert kind == "modelfile"
    assert (spec["from"], spec["parameters"], spec["system"]) == ("tiny-gemma:latest", {"stop": ["x"]}, "hi")


def test_modelfile_path_resolves_relative_gguf_and_adapter(tmp_path):
    (tmp_path / "w.gguf").write_bytes(b"GGUF")
    (tmp_path / "lora.gguf").write_bytes(b"GGUF")
    (tmp_path / "Modelfile").write_text("FROM ./w.gguf\nADAPTER lora.gguf\n")
    kind, spec = spec_of(name="m", modelfile_path=str(tmp_path / "Modelfile"))
    assert spec["gguf"] == str(tmp_path / "w.gguf") and spec["from"] is None
    assert spec["adapters"] == [str(tmp_path / "lora.gguf")]


@pytest.mark.parametrize(
    "given, fragment",
    [
        (dict(modelfile="FROM x\nPARAMETER foo 1\n"), "modelfile: line 2: unknown parameter 'foo'"),
        (dict(modelfile="SYSTEM hi\n"), "no FROM line"),
        (dict(modelfile="FROM ./relative.gguf\n"), "relative paths need modelfile_path"),
        (dict(modelfile="FROM /no/such/file.gguf\n"), "no such file exists"),
        (dict(modelfile="FROM bad name!\n"), "invalid model part"),
        (dict(modelfile="FROM x\n", system="s"), "cannot be combined with system"),
        (dict(parameters={"num_ctx": 1}), "need a base: add from"),
        (dict(parameters={"num_ctx": "big"}, **{"from": "x"}), "parameters: parameter 'num_ctx': expected an integer"),
        (dict(parameters={"mirostat": 1}, **{"from": "x"}), "removed from Ollama"),
        (dict(gguf_path="/no/such.gguf"), "gguf_path: /no/such.gguf is not a file"),
        (dict(quantize="q3_bogus", **{"from": "x"}), "quantize: 'q3_bogus'"),
        (dict(license=[1], **{"from": "x"}), "license: give a string"),
        (dict(**{"from": "a b"}), "from: model name"),
    ],
)
def test_bad_input_named(given, fragment):
    with pytest.raises(ModelSpecError) as info:
        desired_spec(options(name="m", **given))
    assert fragment in str(info.value)


# ---------------------------------------------------------------- create request bodies


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


def test_render_state_for_diff_uses_blob_when_no_parent(base_state):
    text = render_state(base_state)
    assert text.startswith("FROM sha256:%s\n" % BLOB) and "TEMPLATE {{ .Prompt }}" in text


def test_desired_spec_does_not_mutate_options():
    given = options(name="m", parameters={"stop": "x"}, **{"from": "b"})
    frozen = copy.deepcopy(given)
    desired_spec(given)
    assert given == frozen


# ---------------------------------------------------------------- bad inputs found before any request


@pytest.mark.parametrize(
    "option, words",
    [
        ("gguf_path", "gguf_path is empty; give the path of a local GGUF file, or leave the option out"),
        ("modelfile_path", "modelfile_path is empty; give the path of a Modelfile on the managed host"),
        ("from", "from is empty; give an existing model name"),
    ],
)
def test_an_empty_source_is_an_error_not_a_pull(option, words):
    with pytest.raises(ModelSpecError, match=words):
        desired_spec(options(name="m", **{option: "  "}))


@pytest.mark.parametrize("layout", ["gguf_path", "modelfile FROM", "adapters", "modelfile ADAPTER"])
def test_a_file_that_is_not_gguf_is_refused_before_upload(tmp_path, layout):
    good = tmp_path / "w.gguf"
    good.write_bytes(b"GGUF rest")
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 a zip, or safetensors")
    given = {
        "gguf_path": {"gguf_path": str(bad)},
        "adapters": {"gguf_path": str(good), "adapters": [str(bad)]},
        "modelfile FROM": {"modelfile": "FROM %s\n" % bad},
        "modelfile ADAPTER": {"modelfile": "FROM %s\nADAPTER %s\n" % (good, bad)},
    }[layout]
    with pytest.raises(ModelSpecError, match="is not a GGUF file .it does not start with 'GGUF'."):
        desired_spec(options(name="m", **given))


def test_a_missing_modelfile_path_speaks_of_a_modelfile(tmp_path):
    with pytest.raises(
        ModelSpecError, match="modelfile_path: .* is not a file on the managed host; give the path of a Modelfile$"
    ):
        desired_spec(options(name="m", modelfile_path=str(tmp_path / "nope" / "Modelfile")))


def test_a_relative_from_in_modelfile_path_resolves_against_the_modelfile_folder(tmp_path, monkeypatch):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "w.gguf").write_bytes(b"GGUF")
    (folder / "Modelfile").write_text("FROM ./w.gguf\n")
    monkeypatch.chdir(tmp_path)
    kind, spec = desired_spec(options(name="m", modelfile_path=str(folder / "Modelfile")))
    assert spec["gguf"] == str(folder / "w.gguf")


@pytest.mark.parametrize(
    "parameters, words",
    [
        ({"num_ctx": -5}, "parameter 'num_ctx': expected an integer in 1..2147483647, got -5"),
        ({"num_ctx": 0}, "parameter 'num_ctx': expected an integer in 1..2147483647, got 0"),
        ({"num_ctx": 1e20}, "parameter 'num_ctx': expected an integer in 1..2147483647, got 100000000000000000000"),
        ({"seed": 2**40}, "parameter 'seed': expected an integer in -2147483648..2147483647"),
        ({"num_batch": "0"}, "parameter 'num_batch': expected an integer in 1..2147483647, got 0"),
    ],
)
def test_integer_parameters_out_of_range_are_refused(parameters, words):
    with pytest.raises(ModelSpecError, match="parameters: " + words.replace(".", r"\.")):
        desired_spec(options(name="m", **{"from": "llama3.2", "parameters": parameters}))
