# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama/_generation, the timed streaming reader (ollama_benchmark's and ollama_eval's generations): time to the first
text, the final object, server errors and broken streams, over a scripted response and a fake clock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._client import OllamaClient, OllamaError
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._generation import timed_generation


class ScriptedResponse:
    """An open HTTP response: iterating yields the scripted lines and advances the fake clock."""

    def __init__(self, lines, clock, step):
        self.status = 200
        self._lines = lines
        self._clock = clock
        self._step = step
        self.closed = False

    def __iter__(self):
        for line in self._lines:
            self._clock.now += self._step
            yield line

    def close(self):
        self.closed = True


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


class ScriptedClient(OllamaClient):
    """The real client's stream reader (events) over a scripted response instead of a socket."""

    def __init__(self, lines, clock, step=0.01):
        super(ScriptedClient, self).__init__(host="ollama.test:80")
        self.response = ScriptedResponse([line.encode("utf-8") for line in lines], clock, step)
        self.sent = []

    def url(self, path):
        return "http://ollama.test" + path

    def open(self, method, path, data=None, headers=None, timeout=None, timeout_option=None):
        self.sent.append((method, path, json.loads(data.decode("utf-8"))))
        return self.response


def chat_line(content, done=False, **extra):
    body = {"model": "m", "message": {"role": "assistant", "content": content}, "done": done}
    body.update(extra)
    return json.dumps(body)


def test_ttft_counts_to_the_first_chunk_with_text():
    clock = FakeClock()
    final = json.loads(chat_line("", True, eval_count=2, eval_duration=1000))
    client = ScriptedClient([chat_line(""), "", chat_line("Hi"), chat_line("!"), json.dumps(final)], clock)
    timed = timed_generation(client, "/api/chat", {"model": "m"}, clock=clock)
    assert timed.first_content_seconds == pytest.approx(0.03)  # empty chunk, blank line, then text
    assert timed.final == final
    assert timed.wall_seconds == pytest.approx(0.05)
    assert client.sent == [("POST", "/api/chat", {"model": "m", "stream": True})]
    assert client.response.closed


def test_generate_chunks_and_no_text_at_all():
    clock = FakeClock()
    lines = [json.dumps({"response": "", "done": False}), json.dumps({"response": "", "done": True})]
    timed = timed_generation(ScriptedClient(lines, clock), "/api/generate", {}, clock=clock)
    assert timed.first_content_seconds is None and timed.final["done"] is True


def test_error_line_raises_with_the_server_text():
    clock = FakeClock()
    client = ScriptedClient([chat_line("a"), json.dumps({"error": "model runner has unexpectedly stopped"})], clock)
    with pytest.raises(OllamaError, match="model runner has unexpectedly stopped"):
        timed_generation(client, "/api/chat", {}, clock=clock)
    assert client.response.closed


def test_stream_without_done_raises():
    clock = FakeClock()
    with pytest.raises(OllamaError, match="without a final"):
        timed_generation(ScriptedClient([chat_line("a")], clock), "/api/chat", {}, clock=clock)


def test_unreadable_line_raises():
    clock = FakeClock()
    with pytest.raises(OllamaError, match="unreadable stream line"):
        timed_generation(ScriptedClient(["<html>"], clock), "/api/chat", {}, clock=clock)
