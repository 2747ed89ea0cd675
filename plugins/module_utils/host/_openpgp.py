# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fingerprints of the primary keys in an OpenPGP public key file (RFC 4880 / RFC 9580), without gpg.

An apt signing key is trusted only when every primary key in the file has a pinned fingerprint; the check runs on the
managed host before a repository source is written, where gpg may not be installed. Only what that needs is parsed:
packet framing, public-key packets (tag 6) of version 4 (SHA-1 fingerprint) and 6 (SHA-256); subkeys, user IDs and
signatures are skipped.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import hashlib
import re

PUBLIC_KEY_TAG = 6
_ARMOR = re.compile(
    r"-----BEGIN PGP PUBLIC KEY BLOCK-----\r?\n(?P<body>.*?)-----END PGP PUBLIC KEY BLOCK-----", re.DOTALL
)


class KeyFormatError(ValueError):
    """The data is not an OpenPGP public key (block)."""


def normalize_fingerprint(text):
    """'9DC8 5822 ...' or '0x9dc8...' -> '9DC85822...' (upper case, no spaces, no 0x)."""
    text = re.sub(r"\s+", "", str(text)).upper()
    return text[2:] if text.startswith("0X") else text


def dearmor(data):
    """Binary packets of every armored public key block in data (bytes); binary input is returned unchanged."""
    if not data.lstrip().startswith(b"-----BEGIN PGP"):
        return data
    text = data.decode("ascii", "replace")
    blocks = list(_ARMOR.finditer(text))
    if not blocks:
        raise KeyFormatError("armored data without a PUBLIC KEY BLOCK")
    packets = b""
    for block in blocks:
        # Header lines ("Comment: ...") end at the first empty line; the checksum line starts with "=".
        body = block.group("body").replace("\r", "")
        head, separator, rest = body.partition("\n\n")
        payload = rest if separator else head
        lines = [
            line.strip()
            for line in payload.split("\n")
            if line.strip() and not line.strip().startswith("=") and ":" not in line
        ]
        try:
            packets += base64.b64decode("".join(lines))
        except (binascii.Error, ValueError) as exc:
            raise KeyFormatError("armor is not valid base64: %s" % exc)
    return packets


def iter_packets(data):
    """(tag, body) of each OpenPGP packet in binary data."""
    pos = 0
    while pos < len(data):
        first = bytearray(data[pos : pos + 1])[0]
        if not first & 0x80:
            raise KeyFormatError("byte %d is not a packet header" % pos)
        if first & 0x40:  # new format
            tag = first & 0x3F
            length, pos = _new_length(data, pos + 1)
        else:  # old format
            tag = (first >> 2) & 0x0F
            size = {0: 1, 1: 2, 2: 4}.get(first & 0x03)
            if size is None:
                raise KeyFormatError("indeterminate packet length at byte %d" % pos)
            length = _number(data[pos + 1 : pos + 1 + size])
            pos += 1 + size
        if pos + length > len(data):
            raise KeyFormatError("packet at byte %d runs past the end of the data" % pos)
        yield tag, data[pos : pos + length]
        pos += length


def _number(raw):
    value = 0
    for byte in bytearray(raw):
        value = (value << 8) | byte
    return value


def _new_length(data, pos):
    octets = bytearray(data[pos : pos + 5])
    if not octets:
        raise KeyFormatError("packet length missing at byte %d" % pos)
    if octets[0] < 192:
        return octets[0], pos + 1
    if octets[0] < 224:
        return ((octets[0] - 192) << 8) + octets[1] + 192, pos + 2
    if octets[0] == 255:
        return _number(octets[1:5]), pos + 5
    raise KeyFormatError("partial body length in a key packet at byte %d" % pos)


def key_fingerprint(body):
    """Fingerprint (upper-case hex) of a public-key packet body: v4 SHA-1, v6 SHA-256 (RFC 9580 5.5.4)."""
    version = bytearray(body[:1])[0] if body else 0
    if version == 4:
        return hashlib.sha1(b"\x99" + len(body).to_bytes(2, "big") + body).hexdigest().upper()
    if version == 6:
        return hashlib.sha256(b"\x9b" + len(body).to_bytes(4, "big") + body).hexdigest().upper()
    raise KeyFormatError("public key version %d is not supported (only 4 and 6)" % version)


def primary_fingerprints(data):
    """Fingerprints of the primary keys in an armored or binary OpenPGP key file (bytes), in file order."""
    found = [key_fingerprint(body) for tag, body in iter_packets(dearmor(data)) if tag == PUBLIC_KEY_TAG]
    if not found:
        raise KeyFormatError("no public key in the data")
    return found


def unpinned(fingerprints, pinned):
    """The fingerprints that are not pinned (empty list: every key in the file is trusted)."""
    allowed = set(normalize_fingerprint(value) for value in pinned)
    return [value for value in fingerprints if normalize_fingerprint(value) not in allowed]
