# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Building ModelSpecs the way ollama_model does (its argument_spec's defaults), for the unit tests of
model/_desired, model/_state and model/_create_request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.model._desired import desired_spec
from ansible_collections.local_llm.ollama.plugins.modules.ollama_model import argument_spec

BLOB = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"


def options(**given):
    params = dict((name, spec.get("default")) for name, spec in argument_spec().items())
    params.update(given)
    return params


def spec_of(**given):
    return desired_spec(options(**given))


def derived_spec(**overrides):
    given = dict(
        name="tiny-gemma-derived",
        system="You are a terse assistant.",
        parameters={"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
    )
    given["from"] = "tiny-gemma"
    given.update(overrides)
    return spec_of(**given)[1]
