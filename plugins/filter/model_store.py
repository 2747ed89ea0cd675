# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ollama's on-disk model store: ollama_manifest_path and ollama_manifest_blobs; documented in the .yml files next
to this file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible.errors import AnsibleFilterError
from ansible.module_utils.six import string_types

from ansible_collections.local_llm.ollama.plugins.module_utils.model import _names

DIGEST = re.compile(r"^sha256[:-]([0-9a-fA-F]{64})$")


def ollama_manifest_path(name):
    """manifests/<host>/<namespace>/<model>/<tag> of a model name, relative to the models directory."""
    try:
        parsed = _names.parse_name(name)
    except _names.InvalidModelName as exc:
        raise AnsibleFilterError("local_llm.ollama.ollama_manifest_path: %s" % exc)
    return "/".join(["manifests", parsed.host, parsed.namespace, parsed.model, parsed.tag])


def _manifest_dict(manifest):
    if isinstance(manifest, (bytes, bytearray)):
        manifest = manifest.decode("utf-8")
    if isinstance(manifest, string_types):
        try:
            manifest = json.loads(manifest)
        except ValueError as exc:
            raise AnsibleFilterError("local_llm.ollama.ollama_manifest_blobs: the manifest is not JSON (%s)" % exc)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("layers"), list):
        raise AnsibleFilterError(
            'local_llm.ollama.ollama_manifest_blobs: expected a manifest with "layers" '
            "(schemaVersion 2, as under <models>/manifests/), got %r" % (manifest,)
        )
    return manifest


def ollama_manifest_blobs(manifest):
    """The blobs a manifest references (config first, then layers, each once) as {digest, file, sha256, size}."""
    manifest = _manifest_dict(manifest)
    entries = ([manifest["config"]] if isinstance(manifest.get("config"), dict) else []) + manifest["layers"]
    blobs, seen = [], set()
    for entry in entries:
        match = DIGEST.match(str(entry.get("digest", "")) if isinstance(entry, dict) else "")
        if not match:
            raise AnsibleFilterError("local_llm.ollama.ollama_manifest_blobs: layer %r has no sha256 digest" % (entry,))
        hexdigest = match.group(1).lower()
        if hexdigest in seen:
            continue
        seen.add(hexdigest)
        blobs.append(
            {
                "digest": "sha256:" + hexdigest,
                "file": "sha256-" + hexdigest,
                "sha256": hexdigest,
                "size": int(entry.get("size", 0)),
            }
        )
    return blobs


class FilterModule(object):
    def filters(self):
        return {"ollama_manifest_path": ollama_manifest_path, "ollama_manifest_blobs": ollama_manifest_blobs}
