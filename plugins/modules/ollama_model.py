#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ollama_model
short_description: Pull, create or delete a model on an Ollama server
version_added: 0.1.0
description:
  - Makes sure a model exists on an Ollama server (pulled from the registry, or created from a Modelfile,
    from structured options, or from a local GGUF file) or is absent.
  - A model already listed by C(/api/tags) is never pulled again and the registry is not contacted.
  - A created model is compared with C(/api/show) (parent model, system, template, typed parameters with the
    base model's parameters overlaid, messages, license, quantization, GGUF layer digest) and re-created
    only when it differs. See the collection's C(docs/models.md) for the exact rules.
  - Talks to the server over HTTP from the managed host; needs no Python library besides ansible.
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.api
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.idempotent
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff shows the current and the desired model in Modelfile form.
  idempotent:
    support: full
options:
  name:
    description:
      - Model name, V([host/][namespace/]model[:tag]); the tag defaults to V(latest).
      - Matched case-insensitively against existing models, as Ollama does.
    type: str
    required: true
  state:
    description:
      - V(present) pulls or creates the model when it is missing or differs; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  modelfile:
    description:
      - Modelfile text (C(FROM), C(PARAMETER), C(TEMPLATE), C(SYSTEM), C(ADAPTER), C(LICENSE), C(MESSAGE)).
      - A C(FROM) file path must be absolute (or start with C(~)) and name a GGUF file on the managed host.
      - Mutually exclusive with O(modelfile_path), O(from), O(gguf_path) and the structured options.
    type: str
  modelfile_path:
    description:
      - Absolute path of a Modelfile on the managed host; relative C(FROM)/C(ADAPTER) paths are relative to its
        folder. A C(.gguf) file is refused with a hint to give it as O(gguf_path).
    type: path
  from:
    description:
      - Name of the base model to create O(name) from (structured form). If the server does not have it,
        the server pulls it from the registry.
    type: str
  gguf_path:
    description:
      - A GGUF file on the managed host to import. It is uploaded as a blob only when the server lacks it
        (C(HEAD)/C(POST /api/blobs/sha256:...)), then O(name) is created from it.
      - Can be combined with O(system), O(template), O(parameters), O(messages), O(license), O(adapters), O(quantize).
    type: path
  system:
    description: System prompt. An empty value keeps the one inherited from O(from).
    type: str
  template:
    description: Go template of the prompt.
    type: str
  parameters:
    description:
      - Model parameters (C(num_ctx), C(temperature), C(stop), ...), typed the way the ollama CLI types them.
      - Unknown, removed or wrongly typed parameters (NaN and infinity included) are rejected before any request;
        C(stop) is a list of strings (a bare string is refused).
      - Merged over the base model's parameters (lists replaced whole).
    type: dict
  messages:
    description: Example conversation stored in the model.
    type: list
    elements: dict
    suboptions:
      role:
        description: Who speaks.
        type: str
        required: true
        choices: [system, user, assistant]
      content:
        description: The text.
        type: str
        required: true
  license:
    description: License text, or a list of license texts. Appended to the licenses of the base model.
    type: raw
  adapters:
    description: LoRA adapter files (GGUF) on the managed host, uploaded like O(gguf_path).
    type: list
    elements: path
  quantize:
    description:
      - Quantize the model at creation (V(q4_K_M), V(q4_K_S), V(q8_0), ...). The source must be F16, BF16 or F32.
    type: str
  insecure:
    description: Allow pulling from a registry over plain HTTP or with an invalid certificate.
    type: bool
    default: false
  pull_timeout:
    description:
      - Seconds to wait for the next progress line of a pull, a create, or for a blob upload, 1 to 604800 (a week).
      - When it runs out the task fails naming O(pull_timeout) (O(timeout) governs the other requests).
    type: int
    default: 1800
  progress:
    description:
      - Print the progress of a pull or a GGUF blob upload in the play output while it runs; each line names the host, the model,
        bytes done of the total, percent, rate and time left, one line at each further 10 % or every 10 seconds.
      - Works with the default callback and with C(-v). Nothing is printed for a model that is already present,
        in check mode, or when the task itself uses C(async).
      - How it works, and why this way; the module's action plugin starts the module asynchronously (Ansible's
        C(async_wrapper), as C(async) + C(poll) would), and while it runs reads a small progress file the module
        rewrites at most twice a second on the managed host (one C(cat) of the job file and the progress file over
        the connection every 2 seconds), then prints a line on the controller.
        A callback plugin could not do this, because a module only reports when it ends; a module cannot print
        while it runs. The file lives in the task's remote temporary folder and is removed when the module ends,
        also when it fails; the folder goes with it. The final result, check mode and diff are the same as without
        progress.
    type: bool
    default: true
  progress_file:
    description:
      - Where the module writes its progress. Set by the action plugin; leave it unset.
    type: path
notes:
  - Every option's value is checked against its kind (a string, a list of strings, a number in a range, an
    absolute path...) as the task gave it, before any request; a list is never read as a string nor a string as
    a list, and all problems are reported at once.
  - Offline hosts cannot pull. Import the model with O(gguf_path), or copy a seeded model store
    (C(blobs/) and C(manifests/)) into the server's C(OLLAMA_MODELS) directory.
  - Servers older than 0.5.5 receive the old C(modelfile) form of C(/api/create); C(GET /api/version) is asked
    only when a model has to be created.
seealso:
  - module: local_llm.ollama.ollama_model_info
"""

EXAMPLES = r"""
- name: Pull a model from the registry (skipped when it is already present)
  local_llm.ollama.ollama_model:
    name: llama3.2:3b

- name: Derive a terse assistant from it with structured options
  local_llm.ollama.ollama_model:
    name: terse-llama
    from: llama3.2:3b
    system: You are a terse assistant.
    parameters:
      num_ctx: 8192
      temperature: 0.2
      stop: ["<|eot_id|>"]

- name: Create a model from Modelfile text
  local_llm.ollama.ollama_model:
    name: pirate
    modelfile: |
      FROM llama3.2:3b
      SYSTEM "You talk like a pirate."
      PARAMETER temperature 0.9

- name: Import a local GGUF file (uploaded only when the server lacks the blob)
  local_llm.ollama.ollama_model:
    name: my-gguf-model
    gguf_path: ~/models/model.Q4_K_M.gguf
    parameters:
      num_ctx: 4096

- name: Remove a model that is no longer wanted
  local_llm.ollama.ollama_model:
    name: old-model
    state: absent
"""

RETURN = r"""
name:
  description: The model name as the server lists it (shortest form with tag).
  returned: always
  type: str
  sample: terse-llama:latest
digest:
  description: Manifest digest from C(/api/tags); null when the model is absent or would be created in check mode.
  returned: always
  type: str
  sample: 2f3696b5f014215d675d0ec21abf5e17a4dc87ca6fb9dbdebc7bff07b5cc9457
size:
  description: Size in bytes of the model's layers (from C(/api/tags)); null when absent.
  returned: always
  type: int
  sample: 253113276
details:
  description: Family, parameter size and quantization from C(/api/tags); null values when absent.
  returned: always
  type: dict
  contains:
    family:
      description: Model family.
      type: str
      sample: gemma3
    parameter_size:
      description: Parameter count as Ollama prints it.
      type: str
      sample: 268.10M
    quantization_level:
      description: Quantization of the weights.
      type: str
      sample: Q4_K_M
actions:
  description: What was done (or would be done in check mode), in order.
  returned: always
  type: list
  elements: str
  sample: ["uploaded blob sha256:a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818", "created"]
changes:
  description:
    - Which fields differed. V(new) when the model did not exist, V(absent) when it was deleted, otherwise
      among V(from), V(model), V(adapters), V(quantize), V(template), V(system), V(parameters), V(messages),
      V(license).
  returned: always
  type: list
  elements: str
  sample: ["parameters"]
"""

import traceback

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule
from ansible_collections.local_llm.ollama.plugins.module_utils.model._desired import desired_spec
from ansible_collections.local_llm.ollama.plugins.module_utils.model._manager import ModelManager
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import InvalidModelName, normalize_name
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpecError
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import (
    api_argument_spec,
    api_kinds,
    client_from_module,
    hide_credentials,
    seconds_kind,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import OllamaError
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._progress import ProgressFile

SOURCES = ("modelfile", "modelfile_path", "from", "gguf_path")


def argument_spec():
    spec = api_argument_spec()
    spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        modelfile=dict(type="str"),
        modelfile_path=dict(type="path"),
        gguf_path=dict(type="path"),
        system=dict(type="str"),
        template=dict(type="str"),
        parameters=dict(type="dict"),
        messages=dict(
            type="list",
            elements="dict",
            options=dict(
                role=dict(type="str", required=True, choices=["system", "user", "assistant"]),
                content=dict(type="str", required=True),
            ),
        ),
        license=dict(type="raw"),
        adapters=dict(type="list", elements="path"),
        quantize=dict(type="str"),
        insecure=dict(type="bool", default=False),
        pull_timeout=dict(type="int", default=1800),
        progress=dict(type="bool", default=True),
        progress_file=dict(type="path"),
    )
    spec["from"] = dict(type="str")
    return spec


GGUF_HINT = "this is a GGUF file: give it as gguf_path (modelfile_path is a Modelfile's text)"


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given, before any request."""
    kinds = api_kinds()
    kinds.update(
        name={"kind": "model_name"},
        state={"kind": "choice", "choices": ["present", "absent"]},
        modelfile={"kind": "text"},
        modelfile_path={"kind": "absolute_path", "what": "a Modelfile", "not_suffix": ".gguf", "hint": GGUF_HINT},
        gguf_path={"kind": "absolute_path", "what": "a local GGUF file"},
        system={"kind": "text"},
        template={"kind": "text"},
        parameters={"kind": "model_parameters"},
        messages={
            "kind": "records",
            "fields": {
                "role": {"kind": "choice", "choices": ["system", "user", "assistant"]},
                "content": {"kind": "text"},
            },
        },
        license={"kind": "text_list", "or_text": True},
        adapters={"kind": "text_list", "items": {"kind": "absolute_path", "what": "a GGUF or safetensors adapter"}},
        quantize={"kind": "text", "nonempty": True, "single_line": True},
        insecure={"kind": "flag"},
        pull_timeout=seconds_kind("pull_timeout"),
        progress={"kind": "flag"},
        progress_file={"kind": "absolute_path", "what": "the progress file to write"},
    )
    kinds["from"] = {"kind": "model_name"}
    return kinds


def run(module):
    params = module.params
    name = normalize_name(params["name"])
    kind, spec = desired_spec(params) if params["state"] == "present" else ("absent", None)
    client = client_from_module(module)
    progress = ProgressFile(params["progress_file"], name)
    manager = ModelManager(
        client,
        name,
        check_mode=module.check_mode,
        insecure=params["insecure"],
        stream_timeout=params["pull_timeout"],
        progress=progress,
    )
    try:
        if kind == "absent":
            manager.absent()
        elif kind == "pull":
            manager.present_pulled()
        else:
            manager.present_created(spec)
    finally:
        progress.remove()
    result = manager.result()
    if module._diff:
        result["diff"] = manager.diff
    return result


def main():
    module = KindCheckedModule(
        argument_spec=argument_spec(),
        kinds=option_kinds(),
        mutually_exclusive=[SOURCES],
        supports_check_mode=True,
    )
    hide_credentials(module)
    try:
        module.exit_json(**run(module))
    except InvalidModelName as exc:
        module.fail_json(msg="name: %s" % exc)
    except ModelSpecError as exc:
        module.fail_json(msg=str(exc))
    except OllamaError as exc:
        module.fail_json(msg=str(exc), url=exc.url, status=exc.status, server_message=exc.server_message)
    except (IOError, OSError) as exc:
        module.fail_json(msg="local file error: %s" % exc, exception=traceback.format_exc())


if __name__ == "__main__":
    main()
