# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The model a server has (from /api/show), the model a create would leave, which fields differ, and both as
Modelfile text for --diff."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import (
    parameters_equal,
    parse_show_parameters,
    render_modelfile,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import normalize_name
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelState

DEFAULT_TEMPLATE = "{{ .Prompt }}"


_BLOB_LINE = re.compile(r"^(FROM|ADAPTER)\s+\S*sha256[-:]([0-9a-fA-F]{64})\s*$", re.MULTILINE)


def state_from_show(show, entry=None):
    blobs = _BLOB_LINE.findall(show.get("modelfile") or "")
    details = show.get("details") or (entry or {}).get("details") or {}
    parent = details.get("parent_model") or None
    return ModelState(
        {
            "from": normalize_name(parent) if parent else None,
            "model": next((digest.lower() for kind, digest in blobs if kind == "FROM"), None),
            "adapters": [digest.lower() for kind, digest in blobs if kind == "ADAPTER"],
            "quantize": (details.get("quantization_level") or "").upper() or None,
            "template": show.get("template"),
            "system": show.get("system") or None,
            "parameters": parse_show_parameters(show.get("parameters")),
            "messages": [{"role": m.get("role"), "content": m.get("content")} for m in show.get("messages") or []],
            "license": show.get("license") or None,
        }
    )


def needs_base(spec, current):
    """True when ``current`` holds values the spec does not set; only the base model can explain them."""
    if not spec.get("from"):
        return False
    return bool(
        set(current["parameters"]) - set(spec["parameters"])
        or (spec["system"] is None and current["system"])
        or (spec["template"] is None and current["template"] not in (None, "", DEFAULT_TEMPLATE))
        or (not spec["messages"] and current["messages"])
        or (current["license"] or None) != ("\n".join(spec["license"]) or None)
    )


def expected_state(spec, current, base=None):
    """What the model would look like after creating ``spec`` (create semantics, ref §4.1)."""
    inherit = base if base is not None else (current if spec.get("from") else None)
    parameters = dict(base["parameters"]) if base is not None else {}
    parameters.update(spec["parameters"])
    licenses = ([base["license"]] if base is not None and base["license"] else []) + spec["license"]
    return ModelState(
        {
            "from": spec.get("from"),
            "model": spec["gguf_digest"] if spec.get("gguf") and not spec.get("quantize") else current["model"],
            "adapters": spec["adapter_digests"] if spec["adapters"] else current["adapters"],
            "quantize": spec["quantize"] or current["quantize"],
            "template": _expected_template(spec, current, inherit),
            "system": spec["system"] or (inherit["system"] if inherit is not None else None),
            "parameters": parameters,
            "messages": spec["messages"] or (inherit["messages"] if inherit is not None else []),
            "license": "\n".join(licenses) or None,
        }
    )


def _expected_template(spec, current, inherit):
    if spec["template"] is not None:
        return spec["template"]
    # Without a base to inherit from (gguf), the server picks the template; it is not managed then.
    return (inherit or current)["template"]


def changed_fields(current, expected):
    return [field for field in ModelState.FIELDS if _differs(field, current.get(field), expected.get(field))]


def _differs(field, left, right):
    if field == "parameters":
        return set(left) != set(right) or any(not parameters_equal(left[k], right[k]) for k in left)
    if field in ("messages", "adapters"):
        return list(left or []) != list(right or [])
    return (left or None) != (right or None)


def render_state(state, header=None):
    """Modelfile text of a state (current or expected) for --diff."""
    renderable = dict(state)
    if not state.get("from") and state.get("model"):
        renderable["from"] = "sha256:%s" % state["model"]
    renderable["adapters"] = ["sha256:%s" % digest for digest in state.get("adapters") or []]
    renderable["license"] = [state["license"]] if state.get("license") else []
    return render_modelfile(renderable, header=header)


def render_spec(spec, header=None):
    renderable = dict(spec)
    if spec.get("gguf"):
        renderable["from"] = spec["gguf"]
    return render_modelfile(renderable, header=header)
