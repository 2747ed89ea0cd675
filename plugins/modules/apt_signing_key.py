#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apt_signing_key
short_description: Install an apt repository signing key only when its fingerprint is pinned
version_added: 0.1.0
description:
  - Reads an OpenPGP public key (ASCII-armored or binary) from a URL, a file on the managed host or inline text,
    computes the fingerprint of every primary key in it and compares them with O(fingerprints).
  - When one key in the file is not pinned, fails naming the fingerprints found and the ones pinned, and writes
    nothing. Otherwise writes the key to O(dest) (mode 0644), which an apt source names in C(Signed-By).
  - The role C(docker_nvidia) runs it before writing Docker's or NVIDIA's repository source, so a key replaced on
    the server or in transit never becomes an apt trust anchor.
  - C(http://) URLs are refused unless O(allow_http=true); C(file://) URLs and absolute paths are read on the host.
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.idempotent
attributes:
  check_mode:
    support: full
    details:
      - Downloads and checks the key, reports whether O(dest) would change, writes nothing. When the key cannot be
        read (a host without network), warns and reports a change instead of failing; the real run checks it.
  diff_mode:
    support: full
  idempotent:
    support: full
options:
  src:
    description:
      - An C(https://), C(http://) or C(file://) URL, an absolute path on the managed host, or an ASCII-armored key
        block.
    type: str
    required: true
  dest:
    description: Where the checked key is written, for example C(/etc/apt/keyrings/docker.asc).
    type: path
    required: true
  fingerprints:
    description:
      - Pinned fingerprints (40 or 64 hex digits; spaces and a leading C(0x) are ignored). Every primary key in the
        file must be one of them.
    type: list
    elements: str
    required: true
  name:
    description: What the key is, used in messages (for example the variable that pins it).
    type: str
    default: the signing key
  allow_http:
    description: Accept an C(http://) URL (the fingerprint check still applies).
    type: bool
    default: false
  timeout:
    description: Seconds to wait for a download.
    type: int
    default: 30
requirements:
  - Nothing beyond Python on the managed host (no gpg).
"""

EXAMPLES = r"""
- name: Docker's signing key, checked against its published fingerprint
  local_llm.ollama.apt_signing_key:
    src: https://download.docker.com/linux/debian/gpg
    dest: /etc/apt/keyrings/docker.asc
    fingerprints: ["9DC8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88"]
"""

RETURN = r"""
fingerprints:
  description: Fingerprints of the primary keys found in the file.
  returned: success or a fingerprint mismatch
  type: list
  elements: str
  sample: [9DC858229FC7DD38854AE2D88D81803C0EBFCD88]
dest:
  description: The path written (or that would be written in check mode).
  returned: success
  type: str
msg:
  description: Why the key was not checked (check mode only, when it could not be read).
  returned: when the key could not be read in check mode
  type: str
"""

import os
import re

from ansible.module_utils.common.text.converters import to_bytes, to_native
from ansible.module_utils.urls import fetch_url

from ansible_collections.local_llm.ollama.plugins.module_utils.host._openpgp import (
    KeyFormatError,
    normalize_fingerprint,
    primary_fingerprints,
    unpinned,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule

_FINGERPRINT = re.compile(r"^([0-9A-F]{40}|[0-9A-F]{64})$")


def unreadable(module, message):
    """Fail, except in check mode: a host without network (or without a file an earlier task would have written)
    cannot show the key before the real run, which checks it; check mode writes nothing either way."""
    if module.check_mode:
        message += "; in check mode the key is not checked (the real run checks it before writing anything)"
        module.warn(message)
        module.exit_json(changed=True, fingerprints=[], dest=module.params["dest"], msg=message)
    module.fail_json(msg=message)


def read_key(module):
    """The key's bytes from src (URL, host path or inline block); fails with a message naming src."""
    src = module.params["src"]
    if src.lstrip().startswith("-----BEGIN PGP"):
        return to_bytes(src)
    if src.startswith("file://"):
        src = src[len("file://") :]
    if src.startswith("/"):
        try:
            with open(src, "rb") as handle:
                return handle.read()
        except (IOError, OSError) as exc:
            unreadable(module, "%s: cannot read %s: %s" % (module.params["name"], src, to_native(exc)))
    if src.startswith("http://") and not module.params["allow_http"]:
        module.fail_json(
            msg="%s: %s is plain http://, which anyone on the path can replace. Use https:// or set "
            "allow_http (the role variable ending in _allow_http)." % (module.params["name"], src)
        )
    if not src.startswith(("https://", "http://")):
        module.fail_json(
            msg="%s: src must be an https:// or file:// URL, an absolute path or an armored key block, "
            "got %r" % (module.params["name"], src)
        )
    response, info = fetch_url(module, src, timeout=module.params["timeout"])
    if info.get("status") != 200 or response is None:
        unreadable(
            module,
            "%s: downloading %s failed: HTTP %s %s"
            % (module.params["name"], src, info.get("status"), info.get("msg", "")),
        )
    return response.read()


def argument_spec():
    return {
        "src": {"type": "str", "required": True},
        "dest": {"type": "path", "required": True},
        "fingerprints": {"type": "list", "elements": "str", "required": True},
        "name": {"type": "str", "default": "the signing key"},
        "allow_http": {"type": "bool", "default": False},
        "timeout": {"type": "int", "default": 30},
    }


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given, before anything is read."""
    return {
        "src": {
            "kind": "any_of",
            "of": [
                {"kind": "url", "schemes": ["https", "http", "file"]},
                {"kind": "absolute_path"},
                {"kind": "text", "prefix": "-----BEGIN PGP"},
            ],
        },
        "dest": {"kind": "absolute_path", "what": "the keyring file to write"},
        "fingerprints": {
            "kind": "text_list",
            "nonempty": True,
            "items": {"kind": "text", "nonempty": True, "single_line": True},
        },
        "name": {"kind": "text", "nonempty": True, "single_line": True},
        "allow_http": {"kind": "flag"},
        "timeout": {"kind": "number", "integer": True, "min": 1, "max": 86400, "unit": "seconds"},
    }


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    name = module.params["name"]
    pinned = [normalize_fingerprint(value) for value in module.params["fingerprints"]]
    bad = [value for value in pinned if not _FINGERPRINT.match(value)]
    if not pinned or bad:
        module.fail_json(
            msg="%s: fingerprints must be 40 or 64 hexadecimal digits, got %r" % (name, module.params["fingerprints"])
        )
    data = read_key(module)
    try:
        found = primary_fingerprints(data)
    except KeyFormatError as exc:
        module.fail_json(
            msg="%s from %s is not an OpenPGP public key: %s. Nothing was written."
            % (name, module.params["src"][:200], exc)
        )
    strangers = unpinned(found, pinned)
    if strangers:
        module.fail_json(
            msg="%s from %s has fingerprint %s, but the pinned fingerprint is %s. Nothing was written. If the vendor "
            "rotated its key, check the new fingerprint on its website and pin it."
            % (name, module.params["src"][:200], ", ".join(strangers), ", ".join(pinned)),
            fingerprints=found,
        )

    dest = module.params["dest"]
    before = b""
    if os.path.exists(dest):
        with open(dest, "rb") as handle:
            before = handle.read()
    changed = before != data
    result = {"changed": changed, "fingerprints": found, "dest": dest}
    if module._diff and changed:
        result["diff"] = {
            "before_header": dest,
            "after_header": dest,
            "before": to_native(before, errors="surrogate_or_replace"),
            "after": to_native(data, errors="surrogate_or_replace"),
        }
    if changed and not module.check_mode:
        directory = os.path.dirname(dest)
        if directory and not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        temp = dest + ".tmp-apt-signing-key"
        with open(temp, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        module.atomic_move(temp, dest)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
