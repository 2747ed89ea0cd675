# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model/_desired: the ModelSpec ollama_model's options ask for (a pull, a Modelfile, structured options, a GGUF file)
and every bad input refused with the option named, before anything is sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.model._desired import desired_spec
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpecError

from .model_specs import options, spec_of


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


def test_desired_spec_does_not_mutate_options():
    given = options(name="m", parameters={"stop": ["x"]}, **{"from": "b"})
    frozen = copy.deepcopy(given)
    desired_spec(given)
    assert given == frozen


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
