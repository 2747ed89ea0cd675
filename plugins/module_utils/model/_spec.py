# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two shapes ollama_model compares: ModelSpec, the model a task asks for (from a Modelfile or the structured
options), and ModelState, the model a server has or a create would leave. Each is defined once here, with every
field present from the start and no other field accepted, whichever way it was built."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModelSpecError(ValueError):
    """Bad module input; the message names the option and the fix."""


class _Record(dict):
    """A dict with a fixed set of fields (FIELDS: name -> default, or a type whose empty value is the default)."""

    FIELDS = {}

    def __init__(self, values=None, **more):
        dict.__init__(self)
        given = dict(values or {}, **more)
        for name, default in self.FIELDS.items():
            dict.__setitem__(self, name, given.pop(name) if name in given else _fresh(default))
        if given:
            raise TypeError("%s has no field %s" % (type(self).__name__, ", ".join(sorted(given))))

    def __setitem__(self, name, value):
        if name not in self.FIELDS:
            raise TypeError("%s has no field %s" % (type(self).__name__, name))
        dict.__setitem__(self, name, value)

    def replace(self, **changes):
        """A copy with some fields changed."""
        return type(self)(self, **changes)


def _fresh(default):
    return default() if isinstance(default, type) else default


class ModelSpec(_Record):
    """What a task asks for. ``from`` a model name or ``gguf`` a local GGUF path (the digests are filled in when the
    files are hashed), and the Modelfile's settings."""

    FIELDS = {
        "from": None,
        "gguf": None,
        "gguf_digest": None,
        "adapters": list,
        "adapter_digests": list,
        "quantize": None,
        "template": None,
        "system": None,
        "parameters": dict,
        "messages": list,
        "license": list,
    }


class ModelState(_Record):
    """What a model is on the server (or will be after a create): its base, its weights' and adapters' digests, and
    its settings; ``license`` is one text here, as /api/show gives it."""

    FIELDS = {
        "from": None,
        "model": None,
        "adapters": list,
        "quantize": None,
        "template": None,
        "system": None,
        "parameters": dict,
        "messages": list,
        "license": None,
    }
