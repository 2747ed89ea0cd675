# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The progress file of long model work (pull layers summed, upload bytes counted) and when and what the action
plugin prints from it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import io
import json
import os

from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._progress import (
    CountingReader,
    ProgressFile,
    ProgressThrottle,
    progress_line,
)


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def read(path):
    with open(path) as handle:
        return json.load(handle)


def test_pull_layers_are_summed_and_written_at_most_twice_a_second(tmp_path):
    clock = Clock()
    path = str(tmp_path / "progress.json")
    progress = ProgressFile(path, "qwen2.5-coder:7b", clock=clock)
    progress.pull_event({"status": "pulling manifest"})
    assert not os.path.exists(path)
    progress.pull_event({"digest": "sha256:a", "total": 4000, "completed": 1000})
    progress.pull_event({"digest": "sha256:b", "total": 1000})
    assert read(path)["completed"] == 1000 and read(path)["total"] == 4000  # second event within 0.5 s: not written
    clock.now += 0.6
    progress.pull_event({"digest": "sha256:b", "total": 1000, "completed": 500})
    record = read(path)
    assert (record["completed"], record["total"], record["action"]) == (1500, 5000, "pulling")
    assert record["model"] == "qwen2.5-coder:7b" and record["started"] == 1000.0 and record["time"] == 1000.6
    progress.remove()
    assert os.listdir(str(tmp_path)) == []


def test_without_a_path_nothing_is_written_and_an_unwritable_folder_only_loses_progress(tmp_path):
    ProgressFile(None, "m").update("pulling", 1, 2)
    progress = ProgressFile(str(tmp_path / "missing" / "progress.json"), "m")
    progress.update("pulling", 1, 2)
    assert progress.path is None
    progress.remove()


def test_counting_reader_reports_the_bytes_an_upload_read(tmp_path):
    clock = Clock()
    path = str(tmp_path / "progress.json")
    progress = ProgressFile(path, "my-gguf:latest", clock=clock)
    reader = CountingReader(io.BytesIO(b"x" * 10), 10, progress)
    assert reader.read(4) == b"xxxx"
    assert read(path)["completed"] == 4 and read(path)["action"] == "uploading"
    assert reader.read() == b"x" * 6
    assert read(path)["completed"] == 10  # the last bytes are always written


def test_progress_line_names_host_model_bytes_percent_rate_and_time_left():
    record = {
        "model": "qwen2.5-coder:7b",
        "action": "pulling",
        "completed": 1175000000,
        "total": 4683087332,
        "started": 100.0,
        "time": 131.0,
    }
    assert progress_line("lab-01", record) == (
        "lab-01: pulling qwen2.5-coder:7b  1.2 GB / 4.7 GB (25 %), 37.9 MB/s, 1m33s left"
    )
    record.update(completed=0, time=100.2)
    assert progress_line("lab-01", record) == "lab-01: pulling qwen2.5-coder:7b  0 B / 4.7 GB (0 %)"


def test_throttle_prints_first_then_every_ten_percent_or_ten_seconds():
    clock = Clock()
    throttle = ProgressThrottle(clock=clock)

    def record(done):
        return {"completed": done, "total": 100}

    assert throttle.should_print(record(1))
    clock.now += 2
    assert not throttle.should_print(record(5))
    clock.now += 2
    assert throttle.should_print(record(12))
    clock.now += 2
    assert not throttle.should_print(record(19))
    clock.now += 10
    assert throttle.should_print(record(19))
    clock.now += 1
    assert throttle.should_print(record(100))
