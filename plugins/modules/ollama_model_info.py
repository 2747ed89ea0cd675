#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ollama_model_info
short_description: Report the Ollama server version, its models and the models loaded in memory
version_added: 0.1.0
description:
  - Reads C(/api/version), C(/api/tags), optionally C(/api/show) per model, and C(/api/ps).
  - Returns the architecture values VRAM planning needs (block count, attention heads, KV heads,
    key/value lengths, context and embedding length) when O(details=true).
  - Never changes anything.
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.api
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.INFO_MODULE
options:
  name:
    description:
      - Only report these models (matched case-insensitively; the tag defaults to V(latest)). One name may be
        given without a list; a comma is not a separator (a model name has none).
      - Names not on the server are listed in RV(missing).
    type: list
    elements: str
  details:
    description:
      - Also ask C(/api/show) for each reported model (one request per model) and return its parameters,
        system prompt, template, capabilities and architecture values.
    type: bool
    default: false
  running:
    description: Also report the models loaded in memory (C(/api/ps)).
    type: bool
    default: true
seealso:
  - module: local_llm.ollama.ollama_model
"""

EXAMPLES = r"""
- name: Server version and every model
  local_llm.ollama.ollama_model_info:
  register: ollama

- name: Architecture of one model, for VRAM planning
  local_llm.ollama.ollama_model_info:
    name: llama3.2:3b
    details: true
  register: llama

- name: Fail when a loaded model spills to the CPU
  ansible.builtin.assert:
    that: ollama.running | rejectattr('gpu_percent', 'equalto', 100) | list | length == 0
"""

RETURN = r"""
version:
  description: Server version from C(/api/version).
  returned: always
  type: str
  sample: 0.32.15
models:
  description: The models on the server (C(/api/tags) entries), newest first, filtered by O(name).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Model name, shortest form with tag.
      type: str
      sample: tiny-gemma:latest
    digest:
      description: Manifest digest.
      type: str
    size:
      description: Bytes on disk.
      type: int
    modified_at:
      description: Manifest modification time (RFC 3339).
      type: str
    details:
      description: C(/api/tags) details (family, parameter_size, quantization_level, context_length, ...).
      type: dict
    show:
      description: Only with O(details=true). Selected C(/api/show) fields.
      type: dict
      returned: when O(details=true)
      contains:
        parent_model:
          description: Model it was created from.
          type: str
        system:
          description: System prompt, null when none.
          type: str
        template:
          description: Prompt template.
          type: str
        parameters:
          description: Stored parameters, typed (C(stop) always a list).
          type: dict
        capabilities:
          description: Capabilities reported by the server.
          type: list
          elements: str
        license:
          description: License text, null when none.
          type: str
    architecture:
      description:
        - Only with O(details=true). Values from C(model_info) for VRAM planning, as the collection's VRAM
          planner reads them; keys the model does not carry are left out. Null when the model has no
          C(general.architecture).
      type: dict
      returned: when O(details=true)
      contains:
        architecture:
          description: C(general.architecture).
          type: str
          sample: gemma3
        block_count:
          description: Number of transformer blocks (layers).
          type: int
          sample: 18
        head_count:
          description: Attention heads (an int, or a per-layer list for some architectures).
          type: raw
          sample: 4
        head_count_kv:
          description: Key/value heads (an int, or a per-layer list).
          type: raw
          sample: 1
        key_length:
          description: Key length per head, when the model states it.
          type: int
          sample: 256
        value_length:
          description: Value length per head, when the model states it.
          type: int
          sample: 256
        context_length:
          description: Trained context length.
          type: int
          sample: 32768
        embedding_length:
          description: Embedding length.
          type: int
          sample: 640
        vocab_size:
          description: Vocabulary size, when known.
          type: int
          sample: 262144
running:
  description:
    - Models loaded in memory (C(/api/ps)), with RV(running[].gpu_percent).
  returned: when O(running=true)
  type: list
  elements: dict
  contains:
    name:
      description: Model name.
      type: str
    size:
      description: Memory of the loaded runner in bytes (VRAM + RAM).
      type: int
    size_vram:
      description: Part of RV(running[].size) in GPU memory.
      type: int
    gpu_percent:
      description:
        - C(size_vram / size * 100) rounded to one decimal place (Python C(round), half to even);
          V(100.0) means fully on the GPU, less means CPU spill. Null when C(size) is 0.
      type: float
      sample: 100.0
    context_length:
      description: Context the runner was loaded with.
      type: int
    expires_at:
      description: When the model unloads (RFC 3339).
      type: str
missing:
  description: Names given in O(name) that the server does not have (shortest form).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu._vram import (
    VramInputError,
    architecture_from_model_info,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule
from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import parse_show_parameters
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import (
    InvalidModelName,
    find_model,
    normalize_name,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import (
    api_argument_spec,
    api_kinds,
    client_from_module,
    hide_credentials,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import OllamaError


def gpu_percent(size, size_vram):
    if not size:
        return None
    return round(float(size_vram or 0) / size * 100, 1)


def select_models(models, names):
    if not names:
        return models, []
    selected, missing = [], []
    for name in names:
        entry = find_model(models, name)
        if entry is None:
            missing.append(normalize_name(name))
        elif entry not in selected:
            selected.append(entry)
    return selected, missing


def show_summary(show):
    details = show.get("details") or {}
    return {
        "parent_model": details.get("parent_model") or None,
        "system": show.get("system") or None,
        "template": show.get("template"),
        "parameters": parse_show_parameters(show.get("parameters")),
        "capabilities": show.get("capabilities") or [],
        "license": show.get("license") or None,
    }


def architecture_of(show):
    """VRAM planning values, or None for a model without GGUF metadata (e.g. a remote/cloud model)."""
    try:
        return architecture_from_model_info(show.get("model_info") or {}, show.get("tensors"))
    except VramInputError:
        return None


def describe_model(client, entry, details):
    model = dict(entry)
    if details:
        show = client.show(entry["name"])
        model["show"] = show_summary(show)
        model["architecture"] = architecture_of(show)
    return model


def describe_running(entry):
    running = dict(entry)
    running["gpu_percent"] = gpu_percent(entry.get("size"), entry.get("size_vram"))
    return running


def run(module):
    params = module.params
    names = [normalize_name(name) for name in params["name"] or []]
    client = client_from_module(module)
    result = {"changed": False, "version": client.version()}
    selected, result["missing"] = select_models(client.list_models(), names)
    result["models"] = [describe_model(client, entry, params["details"]) for entry in selected]
    if params["running"]:
        result["running"] = [describe_running(entry) for entry in client.running_models()]
    return result


def argument_spec():
    spec = api_argument_spec()
    spec.update(
        name=dict(type="list", elements="str"),
        details=dict(type="bool", default=False),
        running=dict(type="bool", default=True),
    )
    return spec


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given, before any request;
    one name may be given without a list (a model name has no comma, so 'a,b' is refused, not split)."""
    kinds = api_kinds()
    kinds.update(
        name={"kind": "text_list", "or_text": True, "items": {"kind": "model_name"}},
        details={"kind": "flag"},
        running={"kind": "flag"},
    )
    return kinds


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    hide_credentials(module)
    try:
        module.exit_json(**run(module))
    except InvalidModelName as exc:
        module.fail_json(msg="name: %s" % exc)
    except OllamaError as exc:
        module.fail_json(msg=str(exc), url=exc.url, status=exc.status, server_message=exc.server_message)


if __name__ == "__main__":
    main()
