# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The model a task asks for, read from ollama_model's options: a Modelfile (text or file), the structured
options, a local GGUF file, or a plain pull; every input checked before anything is sent."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os

from ansible_collections.local_llm.ollama.plugins.module_utils.model._modelfile import (
    MESSAGE_ROLES,
    ModelfileError,
    coerce_parameters,
    parse_modelfile,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import InvalidModelName, normalize_name
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpec, ModelSpecError

QUANTIZE_TYPES = {
    "Q4_K_M": "Q4_K_M",
    "Q4_K": "Q4_K_M",
    "Q4_K_S": "Q4_K_S",
    "Q8_0": "Q8_0",
    "F16": "F16",
    "F32": "F32",
    "BF16": "BF16",
}


STRUCTURED_OPTIONS = ("system", "template", "parameters", "messages", "license", "adapters")


GGUF_MAGIC = b"GGUF"


def desired_spec(params, read_text=None):
    """Module params -> (source kind, spec). Kind: pull, modelfile, structured, gguf. Raises ModelSpecError."""
    _reject_empty(params)
    if params.get("modelfile") is not None or params.get("modelfile_path"):
        _reject_mixed(params)
        if params.get("modelfile_path"):
            path = _local_file("modelfile_path", params["modelfile_path"], "a Modelfile")
            text = (read_text or _read_text)(path)
            spec = _spec_from_modelfile(text, os.path.dirname(path), "modelfile_path %s" % path)
        else:
            spec = _spec_from_modelfile(params["modelfile"], None, "modelfile")
        kind = "modelfile"
    elif params.get("from") or params.get("gguf_path"):
        spec = _spec_from_options(params)
        kind = "gguf" if spec.get("gguf") else "structured"
    elif any(params.get(option) for option in STRUCTURED_OPTIONS + ("quantize",)):
        used = [option for option in STRUCTURED_OPTIONS + ("quantize",) if params.get(option)]
        raise ModelSpecError(
            "%s need a base: add from (an existing model name) or gguf_path (a local GGUF file)" % ", ".join(used)
        )
    else:
        return "pull", None
    spec["quantize"] = _normalize_quantize(params.get("quantize"))
    spec["system"] = spec.get("system") or None
    return kind, spec


def _reject_empty(params):
    """An option given as an empty string is a mistake, not an absent option (an empty gguf_path pulled)."""
    for option in ("from", "gguf_path", "modelfile_path"):
        value = params.get(option)
        if value is not None and not str(value).strip():
            raise ModelSpecError(
                "%s is empty; give %s, or leave the option out"
                % (
                    option,
                    {
                        "from": "an existing model name",
                        "gguf_path": "the path of a local GGUF file",
                        "modelfile_path": "the path of a Modelfile on the managed host",
                    }[option],
                )
            )


def _reject_mixed(params):
    used = [option for option in STRUCTURED_OPTIONS + ("from", "gguf_path") if params.get(option)]
    if used:
        raise ModelSpecError(
            "modelfile/modelfile_path cannot be combined with %s; put everything in the "
            "Modelfile, or drop the Modelfile and use the structured options" % ", ".join(used)
        )


def _read_text(path):
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        raise ModelSpecError("modelfile_path: cannot read %s: %s" % (path, exc))
    if data.startswith(GGUF_MAGIC):
        raise ModelSpecError(
            "modelfile_path: %s is a GGUF file, not a Modelfile: give it as gguf_path (or write a Modelfile whose "
            "FROM names it)" % path
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelSpecError("modelfile_path: %s is not a Modelfile (UTF-8 text): %s" % (path, exc))


def _spec_from_modelfile(text, base_dir, option):
    try:
        parsed = parse_modelfile(text)
    except ModelfileError as exc:
        raise ModelSpecError("%s: %s" % (option, exc))
    kind, source = classify_from(parsed["from"], base_dir, option)
    parsed["from"], parsed["gguf"] = (source, None) if kind == "model" else (None, source)
    parsed["adapters"] = [_adapter_path(path, base_dir, option) for path in parsed["adapters"]]
    return parsed


def _spec_from_options(params):
    spec = ModelSpec()
    if params.get("gguf_path"):
        spec["gguf"] = _gguf_file("gguf_path", params["gguf_path"])
    else:
        try:
            spec["from"] = normalize_name(params["from"])
        except InvalidModelName as exc:
            raise ModelSpecError("from: %s" % exc)
    try:
        spec["parameters"] = coerce_parameters(params.get("parameters"))
    except ValueError as exc:
        raise ModelSpecError("parameters: %s" % exc)
    spec["system"] = params.get("system") or None
    spec["template"] = params.get("template")
    spec["messages"] = _normalize_messages(params.get("messages"))
    spec["license"] = _normalize_license(params.get("license"))
    spec["adapters"] = [_gguf_file("adapters", path) for path in params.get("adapters") or []]
    return spec


def _where(value, candidate, base_dir):
    """Where a FROM path was looked for, as the message says it: a relative one next to the Modelfile."""
    if os.path.isabs(os.path.expanduser(value)):
        return ""
    if base_dir:
        return " (looked for %s: a relative path is relative to the Modelfile's folder)" % os.path.normpath(candidate)
    return " (relative paths need modelfile_path; they are relative to its folder)"


def classify_from(value, base_dir, option):
    """FROM value -> ('gguf', absolute path) or ('model', normalised name)."""
    expanded = os.path.expanduser(value)
    looks_like_path = value.startswith(("/", "./", "../", "~")) or value.lower().endswith(".gguf")
    candidate = expanded if os.path.isabs(expanded) or not base_dir else os.path.join(base_dir, expanded)
    if os.path.isdir(candidate) and looks_like_path:
        raise ModelSpecError(
            "%s: FROM %s is a directory; only GGUF files are supported, not safetensors folders" % (option, value)
        )
    if os.path.isfile(candidate) and (looks_like_path or base_dir):
        return "gguf", _gguf_file("%s: FROM" % option, candidate)
    if looks_like_path:
        raise ModelSpecError(
            "%s: FROM %s looks like a file path but no such file exists on the managed host%s"
            % (option, value, _where(value, candidate, base_dir))
        )
    try:
        return "model", normalize_name(value)
    except InvalidModelName as exc:
        raise ModelSpecError("%s: FROM: %s" % (option, exc))


def _adapter_path(path, base_dir, option):
    expanded = os.path.expanduser(path)
    if not os.path.isabs(expanded) and base_dir:
        expanded = os.path.join(base_dir, expanded)
    return _gguf_file("%s: ADAPTER" % option, expanded)


def _gguf_file(option, path):
    """A local file that starts with the GGUF magic, checked before anything is uploaded."""
    resolved = _local_file(option, path)
    try:
        with open(resolved, "rb") as handle:
            magic = handle.read(len(GGUF_MAGIC))
    except (IOError, OSError) as exc:
        raise ModelSpecError("%s: cannot read %s: %s" % (option, path, exc))
    if magic != GGUF_MAGIC:
        raise ModelSpecError(
            "%s: %s is not a GGUF file (it does not start with %r); Ollama imports GGUF models and "
            "adapters only, convert other formats with llama.cpp's convert_hf_to_gguf.py first"
            % (option, path, GGUF_MAGIC.decode())
        )
    return resolved


def _local_file(option, path, what="a local GGUF file"):
    expanded = os.path.expanduser(path)
    if not os.path.isfile(expanded):
        raise ModelSpecError("%s: %s is not a file on the managed host; give the path of %s" % (option, path, what))
    return os.path.abspath(expanded)


def _normalize_quantize(value):
    if value is None:
        return None
    key = str(value).upper()
    if key not in QUANTIZE_TYPES:
        raise ModelSpecError(
            "quantize: %r is not a quantization Ollama can produce; use one of %s"
            % (value, ", ".join(sorted(set(QUANTIZE_TYPES.values()))))
        )
    return QUANTIZE_TYPES[key]


def _normalize_license(value):
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(item, str) for item in values):
        raise ModelSpecError("license: give a string or a list of strings")
    return [item for item in values if item]


def _normalize_messages(messages):
    result = []
    for index, message in enumerate(messages or []):
        if (
            not isinstance(message, dict)
            or message.get("role") not in MESSAGE_ROLES
            or not isinstance(message.get("content"), str)
        ):
            raise ModelSpecError(
                "messages[%d]: each message needs role (one of %s) and content (a string)"
                % (index, ", ".join(MESSAGE_ROLES))
            )
        result.append({"role": message["role"], "content": message["content"]})
    return result


def sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()
