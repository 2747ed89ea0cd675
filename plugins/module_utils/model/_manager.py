# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""present()/absent() of one Ollama model over the client: the desired spec (_desired_model), the comparison
(_model_state) and the create request (_create_request) put together; every write skipped in check mode."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.model._create_request import (
    legacy_create_request,
    structured_create_request,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.model._desired import sha256_of_file
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import find_model
from ansible_collections.local_llm.ollama.plugins.module_utils.model._spec import ModelSpecError
from ansible_collections.local_llm.ollama.plugins.module_utils.model._state import (
    changed_fields,
    expected_state,
    needs_base,
    render_spec,
    render_state,
    state_from_show,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._progress import CountingReader

QUANTIZABLE_SOURCES = ("F16", "BF16", "F32")


class ModelManager:
    """present()/absent() for one model; every write is skipped in check mode."""

    def __init__(self, client, name, check_mode=False, insecure=False, stream_timeout=None, progress=None):
        self.client = client
        self.progress = progress
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
            self.client.pull(
                self.name,
                insecure=self.insecure,
                timeout=self.stream_timeout,
                on_progress=self.progress.pull_event if self.progress else None,
            )
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
                current, expected = current.replace(quantize=None), expected.replace(quantize=None)
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
                self.client.upload_blob(
                    "sha256:%s" % digest, path, timeout=self.stream_timeout, wrap=self._progress_reader
                )
                self.actions.append("uploaded blob sha256:%s" % digest)

    def _progress_reader(self, handle, size):
        return CountingReader(handle, size, self.progress) if self.progress else handle

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
