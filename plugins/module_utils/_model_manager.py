# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Desired state of one Ollama model, its comparison with /api/show, and present()/absent()."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import re

from ansible_collections.local_llm.ollama.plugins.module_utils._modelfile import (
    MESSAGE_ROLES,
    ModelfileError,
    coerce_parameters,
    empty_spec,
    parameters_equal,
    parse_modelfile,
    parse_show_parameters,
    render_modelfile,
)
from ansible_collections.local_llm.ollama.plugins.module_utils._names import (
    InvalidModelName,
    find_model,
    normalize_name,
)

DEFAULT_TEMPLATE = "{{ .Prompt }}"
QUANTIZE_TYPES = {
    "Q4_K_M": "Q4_K_M",
    "Q4_K": "Q4_K_M",
    "Q4_K_S": "Q4_K_S",
    "Q8_0": "Q8_0",
    "F16": "F16",
    "F32": "F32",
    "BF16": "BF16",
}
QUANTIZABLE_SOURCES = ("F16", "BF16", "F32")
FIELDS = ("from", "model", "adapters", "quantize", "template", "system", "parameters", "messages", "license")
_BLOB_LINE = re.compile(r"^(FROM|ADAPTER)\s+\S*sha256[-:]([0-9a-fA-F]{64})\s*$", re.MULTILINE)
STRUCTURED_OPTIONS = ("system", "template", "parameters", "messages", "license", "adapters")


class ModelSpecError(ValueError):
    """Bad module input; the message names the option and the fix."""


# ---------------------------------------------------------------- desired state from module options


def sha256_of_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


GGUF_MAGIC = b"GGUF"


def _local_file(option, path, what="a local GGUF file"):
    expanded = os.path.expanduser(path)
    if not os.path.isfile(expanded):
        raise ModelSpecError("%s: %s is not a file on the managed host; give the path of %s" % (option, path, what))
    return os.path.abspath(expanded)


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


def _spec_from_modelfile(text, base_dir, option):
    try:
        parsed = parse_modelfile(text)
    except ModelfileError as exc:
        raise ModelSpecError("%s: %s" % (option, exc))
    kind, source = classify_from(parsed["from"], base_dir, option)
    parsed["from"], parsed["gguf"] = (source, None) if kind == "model" else (None, source)
    parsed["adapters"] = [_adapter_path(path, base_dir, option) for path in parsed["adapters"]]
    return parsed


def _adapter_path(path, base_dir, option):
    expanded = os.path.expanduser(path)
    if not os.path.isabs(expanded) and base_dir:
        expanded = os.path.join(base_dir, expanded)
    return _gguf_file("%s: ADAPTER" % option, expanded)


def _spec_from_options(params):
    spec = empty_spec()
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
    spec.setdefault("gguf", None)
    spec["quantize"] = _normalize_quantize(params.get("quantize"))
    spec["system"] = spec.get("system") or None
    return kind, spec


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
            return handle.read().decode("utf-8")
    except (IOError, OSError, UnicodeDecodeError) as exc:
        raise ModelSpecError("modelfile_path: cannot read %s: %s" % (path, exc))


# ---------------------------------------------------------------- current state from /api/show


def state_from_show(show, entry=None):
    blobs = _BLOB_LINE.findall(show.get("modelfile") or "")
    details = show.get("details") or (entry or {}).get("details") or {}
    parent = details.get("parent_model") or None
    return {
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
    return {
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


def _expected_template(spec, current, inherit):
    if spec["template"] is not None:
        return spec["template"]
    # Without a base to inherit from (gguf), the server picks the template; it is not managed then.
    return (inherit or current)["template"]


def _differs(field, left, right):
    if field == "parameters":
        return set(left) != set(right) or any(not parameters_equal(left[k], right[k]) for k in left)
    if field in ("messages", "adapters"):
        return list(left or []) != list(right or [])
    return (left or None) != (right or None)


def changed_fields(current, expected):
    return [field for field in FIELDS if _differs(field, current.get(field), expected.get(field))]


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


# ---------------------------------------------------------------- create requests


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


# ---------------------------------------------------------------- manager


class ModelManager:
    """present()/absent() for one model; every write is skipped in check mode."""

    def __init__(self, client, name, check_mode=False, insecure=False, stream_timeout=None):
        self.client = client
        self.name = name
        self.check_mode = check_mode
        self.insecure = insecure
        self.stream_timeout = stream_timeout
        self.actions = []
        self.changes = []
        self.diff = {"before": "", "after": ""}
        self.models = client.list_models()
        self.entry = find_model(self.models, name)

    @property
    def changed(self):
        return bool(self.actions)

    def absent(self):
        if self.entry is None:
            return
        self.diff = {"before": "# model %s (digest %s)\n" % (self.name, self.entry.get("digest")), "after": ""}
        self.changes = ["absent"]
        if not self.check_mode:
            self.client.delete(self.entry.get("name") or self.name)
        self.actions.append("deleted")
        self.entry = None

    def present_pulled(self):
        if self.entry is not None:
            return
        self.changes = ["new"]
        self.diff = {"before": "", "after": "# pulled from the registry\nFROM %s\n" % self.name}
        if not self.check_mode:
            self.client.pull(self.name, insecure=self.insecure, timeout=self.stream_timeout)
        self.actions.append("pulled")
        self._refresh()

    def present_created(self, spec):
        self._hash_local_files(spec)
        self._check_quantize_source(spec)
        if self.entry is None:
            self.changes = ["new"]
            before, after = "", render_spec(spec)
        else:
            current = state_from_show(self.client.show(self.name), self.entry)
            base = state_from_show(self.client.show(spec["from"])) if needs_base(spec, current) else None
            expected = expected_state(spec, current, base)
            self.changes = changed_fields(current, expected)
            if not spec.get("quantize"):
                current, expected = dict(current, quantize=None), dict(expected, quantize=None)
            before, after = render_state(current), render_state(expected)
        self.diff = {"before": before, "after": after}
        if not self.changes:
            return
        if not self.check_mode:
            self._upload_blobs(spec)
            self.client.create(self._create_request(spec), timeout=self.stream_timeout)
        self.actions.append("created")
        self._refresh()

    def _hash_local_files(self, spec):
        spec["gguf_digest"] = sha256_of_file(spec["gguf"]) if spec.get("gguf") else None
        spec["adapter_digests"] = [sha256_of_file(path) for path in spec["adapters"]]

    def _check_quantize_source(self, spec):
        if not spec.get("quantize") or not spec.get("from"):
            return
        base = find_model(self.models, spec["from"])
        level = ((base or {}).get("details") or {}).get("quantization_level") or ""
        if base is not None and level.upper() not in QUANTIZABLE_SOURCES:
            raise ModelSpecError(
                "quantize: the base model %s is %s; Ollama quantizes only F16, BF16 or F32 "
                "models. Use an F16 base (e.g. a '*-fp16' tag) or drop quantize"
                % (spec["from"], level or "of unknown precision")
            )

    def _upload_blobs(self, spec):
        pairs = [(spec.get("gguf"), spec.get("gguf_digest"))] + list(zip(spec["adapters"], spec["adapter_digests"]))
        for path, digest in pairs:
            if path and not self.client.blob_exists("sha256:%s" % digest):
                self.client.upload_blob("sha256:%s" % digest, path, timeout=self.stream_timeout)
                self.actions.append("uploaded blob sha256:%s" % digest)

    def _create_request(self, spec):
        if self.client.supports_structured_create():
            return structured_create_request(self.name, spec)
        return legacy_create_request(self.name, spec)

    def _refresh(self):
        if not self.check_mode:
            self.entry = find_model(self.client.list_models(), self.name)

    def result(self):
        entry = self.entry if not (self.check_mode and self.changed) else None
        details = (entry or {}).get("details") or {}
        return {
            "changed": self.changed,
            "name": (entry or {}).get("name") or self.name,
            "digest": (entry or {}).get("digest"),
            "size": (entry or {}).get("size"),
            "details": dict((key, details.get(key)) for key in ("family", "parameter_size", "quantization_level")),
            "actions": self.actions,
            "changes": self.changes,
        }
