# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The body of /api/create for a ModelSpec: the structured form (Ollama >= 0.5.5) or the Modelfile text before it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import ModelfileError, render_modelfile
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpecError


def structured_create_request(name, spec):
    request = {"model": name}
    if spec.get("from"):
        request["from"] = spec["from"]
    if spec.get("gguf"):
        request["files"] = {os.path.basename(spec["gguf"]): "sha256:%s" % spec["gguf_digest"]}
    if spec["adapters"]:
        request["adapters"] = dict(
            (os.path.basename(path), "sha256:%s" % digest)
            for path, digest in zip(spec["adapters"], spec["adapter_digests"])
        )
    for key in ("template", "system", "quantize"):
        if spec.get(key) is not None:
            request[key] = spec[key]
    if spec["parameters"]:
        request["parameters"] = spec["parameters"]
    if spec["messages"]:
        request["messages"] = spec["messages"]
    if spec["license"]:
        request["license"] = spec["license"]
    return request


def legacy_create_request(name, spec):
    """The ``modelfile`` text form that servers older than 0.5.5 accept."""
    renderable = dict(spec, quantize=None)
    if spec.get("gguf"):
        renderable["from"] = "@sha256:%s" % spec["gguf_digest"]
    renderable["adapters"] = ["@sha256:%s" % digest for digest in spec["adapter_digests"]]
    try:
        request = {"model": name, "modelfile": render_modelfile(renderable, strict=True)}
    except ModelfileError as exc:
        raise ModelSpecError("this server (before 0.5.5) only takes a Modelfile text, and %s" % exc)
    if spec.get("quantize"):
        request["quantize"] = spec["quantize"]
    return request
