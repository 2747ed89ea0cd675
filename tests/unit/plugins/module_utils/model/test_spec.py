# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""model/_spec: ModelSpec and ModelState have every field from the start, fresh lists and dicts, and no other field."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpec, ModelState


def test_every_field_is_there_with_its_default():
    spec = ModelSpec({"from": "qwen2.5-coder:7b"})
    assert spec["from"] == "qwen2.5-coder:7b"
    assert spec["gguf"] is None and spec["parameters"] == {} and spec["adapter_digests"] == []
    assert set(spec) == set(ModelSpec.FIELDS)


def test_defaults_are_not_shared_between_records():
    first, second = ModelSpec(), ModelSpec()
    first["adapters"].append("/x.gguf")
    assert second["adapters"] == []


@pytest.mark.parametrize("record", [ModelSpec, ModelState])
def test_an_unknown_field_is_refused_when_built_and_when_set(record):
    with pytest.raises(TypeError, match="has no field frm"):
        record({"frm": "typo"})
    with pytest.raises(TypeError, match="has no field frm"):
        record()["frm"] = "typo"


def test_replace_returns_a_changed_copy():
    state = ModelState({"quantize": "Q4_K_M", "system": "s"})
    copy = state.replace(quantize=None)
    assert copy["quantize"] is None and copy["system"] == "s" and state["quantize"] == "Q4_K_M"
    assert isinstance(copy, ModelState)
