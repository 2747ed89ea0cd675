# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The unit tests' one way to the recorded answers of the real Ollama 0.32.15: the `recorded` fixture.

The files live once, in tests/fixtures/ollama-0.32.15-recorded/ (its README says how they were recorded); the
functional tests read the same folder through tests/functional/emulator_support.py. ansible-test units runs in a
copy of the whole collection (scripts/lib.sh sync_collection_copy), so the folder is there too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import pytest

RECORDED_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "ollama-0.32.15-recorded"
)


class RecordedFiles:
    """`path(name)`, `bytes(name)` and `json(name)` of one file of the recording (a name like "show.json")."""

    directory = RECORDED_DIR

    def path(self, name):
        path = os.path.join(self.directory, name)
        if not os.path.isfile(path):
            raise AssertionError("no recorded file %s in %s" % (name, self.directory))
        return path

    def bytes(self, name):
        with open(self.path(name), "rb") as handle:
            return handle.read()

    def json(self, name):
        return json.loads(self.bytes(name).decode("utf-8"))


@pytest.fixture(scope="session")
def recorded():
    """The recorded 0.32.15 answers: recorded.json("show.json"), recorded.bytes("pull_stream.ndjson"), .path()."""
    return RecordedFiles()
