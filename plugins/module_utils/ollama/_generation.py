# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One streamed /api/generate or /api/chat request, timed on the client with a monotonic clock.

The events come from the client's one stream reader (``OllamaClient.events``); generation streams end with
``{"done": true, ...metrics}`` instead of the pull/create ``{"status": "success"}``, which is checked here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import OllamaError


class TimedGeneration:
    """The final ``done`` object of a generation, the client-side seconds to its first content and the answer
    text (``response`` or ``message.content`` of all chunks, thinking left out)."""

    def __init__(self, final, first_content_seconds, wall_seconds, text=""):
        self.final = final
        self.first_content_seconds = first_content_seconds
        self.wall_seconds = wall_seconds
        self.text = text


def chunk_text(event):
    """The text a stream chunk carries (generate ``response``, chat ``message.content`` or thinking)."""
    message = event.get("message") or {}
    return event.get("response") or message.get("content") or event.get("thinking") or message.get("thinking") or ""


def answer_text(event):
    """The answer text a stream chunk carries (generate ``response`` or chat ``message.content``), no thinking."""
    message = event.get("message") or {}
    return event.get("response") or message.get("content") or ""


def timed_generation(client, path, body, clock=time.monotonic):
    """POST ``body`` with ``stream: true`` to ``path``; time the first non-empty chunk from the send."""
    started = clock()
    first_content = None
    final = None
    pieces = []
    for event in client.events(path, body):
        if first_content is None and chunk_text(event):
            first_content = clock() - started
        pieces.append(answer_text(event))
        if event.get("done"):
            final = event
    if final is None:
        raise OllamaError(
            "POST",
            client.url(path),
            status=200,
            reason='the stream ended without a final {"done": true} object',
            hint="see the server log (`journalctl -u ollama` or `docker logs ollama`)",
        )
    return TimedGeneration(final, first_content, clock() - started, "".join(pieces))
