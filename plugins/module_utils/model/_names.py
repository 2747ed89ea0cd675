# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ollama model names: ``[host/][namespace/]model[:tag]`` (ollama types/model/name.go)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

DEFAULT_HOST = "registry.ollama.ai"
DEFAULT_NAMESPACE = "library"
DEFAULT_TAG = "latest"

_PART_RULES = {
    "host": (350, re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:-]*$")),
    "namespace": (80, re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]*$")),
    "model": (80, re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")),
    "tag": (80, re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")),
}

NAME_HELP = (
    "a model name is [host/][namespace/]model[:tag] made of letters, digits, '_', '-' and '.', "
    "for example 'llama3.2', 'llama3.2:3b' or 'myuser/mymodel:v1'"
)


class InvalidModelName(ValueError):
    pass


class ModelName:
    """A parsed model name; ``str()`` gives Ollama's shortest display form, always with a tag."""

    def __init__(self, host, namespace, model, tag):
        self.host = host
        self.namespace = namespace
        self.model = model
        self.tag = tag

    @property
    def shortest(self):
        if self.host.lower() == DEFAULT_HOST:
            if self.namespace.lower() == DEFAULT_NAMESPACE:
                return "%s:%s" % (self.model, self.tag)
            return "%s/%s:%s" % (self.namespace, self.model, self.tag)
        return "%s/%s/%s:%s" % (self.host, self.namespace, self.model, self.tag)

    @property
    def key(self):
        """Case-insensitive identity, as Ollama matches existing models."""
        return "%s/%s/%s:%s" % (self.host, self.namespace, self.model, self.tag)

    def matches(self, other):
        other = other if isinstance(other, ModelName) else parse_name(other)
        return self.key.lower() == other.key.lower()

    def __str__(self):
        return self.shortest

    def __repr__(self):
        return "ModelName(%r)" % self.shortest


def _split_tag(text):
    head, sep, tail = text.rpartition(":")
    if sep and "/" not in tail:
        return head, tail
    return text, None


def parse_name(text):
    """Parse and validate ``text``; raise InvalidModelName with a fix hint when it is not a model name."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidModelName("model name must be a non-empty string; %s" % NAME_HELP)
    original = text
    text = text.strip()
    if "@" in text:
        raise InvalidModelName("model name %r: digests ('@sha256:...') are not supported; %s" % (original, NAME_HELP))
    rest, tag = _split_tag(text)
    parts = rest.split("/")
    if len(parts) > 3:
        raise InvalidModelName("model name %r has too many '/' parts; %s" % (original, NAME_HELP))
    parts = [None] * (3 - len(parts)) + parts
    host, namespace, model = parts
    values = {
        "host": DEFAULT_HOST if host is None else host,
        "namespace": DEFAULT_NAMESPACE if namespace is None else namespace,
        "model": model,
        "tag": DEFAULT_TAG if tag is None else tag,
    }
    for part, value in values.items():
        limit, pattern = _PART_RULES[part]
        if value and len(value) > limit:
            raise InvalidModelName(
                "model name %r has a %s part of %d characters; at most %d are allowed"
                % (_shown(original), part, len(value), limit)
            )
        if not value or not pattern.fullmatch(value):
            raise InvalidModelName(
                "model name %r has an invalid %s part %r; %s" % (_shown(original), part, _shown(value), NAME_HELP)
            )
    return ModelName(**values)


def _shown(text, limit=60):
    """A name as it goes into a message: long ones cut, with their length."""
    return text if len(text) <= limit else "%s... (%d characters)" % (text[:limit], len(text))


def normalize_name(text):
    """Shortest form with tag: ``llama3.2`` -> ``llama3.2:latest``."""
    return parse_name(text).shortest


def find_model(models, name):
    """The entry of an /api/tags or /api/ps ``models`` list whose name matches ``name`` case-insensitively."""
    wanted = parse_name(name).key.lower()
    for entry in models or []:
        entry_name = entry.get("name") or entry.get("model")
        try:
            if parse_name(entry_name).key.lower() == wanted:
                return entry
        except InvalidModelName:
            continue
    return None
