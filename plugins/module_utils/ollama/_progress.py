# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Progress of long model work (a pull, a blob upload), written to a file the action plugin reads while it polls.

One JSON object, replaced atomically (written next to the file, then renamed), so a reader never sees half of it:
{"model": ..., "action": "pulling" | "uploading", "completed": bytes, "total": bytes, "started": epoch, "time": epoch}
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

MIN_WRITE_INTERVAL = 0.5


class ProgressFile:
    """Writes the progress of one model's work; does nothing without a path. remove() deletes the file."""

    def __init__(self, path, model, clock=time.time):
        self.path = path
        self.model = model
        self.clock = clock
        self.started = None
        self.last_write = 0.0
        self.layers = {}

    def pull_event(self, event):
        """Feed one /api/pull progress object; the layers' bytes are summed over the whole model."""
        digest = event.get("digest")
        if not digest or not event.get("total"):
            return
        self.layers[digest] = (int(event.get("completed") or 0), int(event["total"]))
        completed = sum(done for done, _total in self.layers.values())
        total = sum(size for _done, size in self.layers.values())
        self.update("pulling", completed, total)

    def update(self, action, completed, total, force=False):
        if not self.path:
            return
        now = self.clock()
        if self.started is None:
            self.started = now
        if not force and now - self.last_write < MIN_WRITE_INTERVAL and completed < total:
            return
        self.last_write = now
        record = {
            "model": self.model,
            "action": action,
            "completed": completed,
            "total": total,
            "started": self.started,
            "time": now,
        }
        partial = self.path + ".part"
        try:
            with open(partial, "w") as handle:
                json.dump(record, handle)
            os.rename(partial, self.path)
        except (IOError, OSError):
            self.path = None  # progress is a courtesy: a folder the module may not write to only loses it

    def remove(self):
        if not self.path:
            return
        for path in (self.path, self.path + ".part"):
            try:
                os.remove(path)
            except OSError:
                pass


class CountingReader:
    """A file object for an HTTP request body that reports the bytes read so far (a blob upload)."""

    def __init__(self, handle, total, progress, action="uploading"):
        self.handle = handle
        self.total = total
        self.progress = progress
        self.action = action
        self.done = 0

    def read(self, size=-1):
        data = self.handle.read(size)
        self.done += len(data)
        self.progress.update(self.action, self.done, self.total)
        return data


# ---------------------------------------------------------------- controller side: when and what to print

PRINT_EVERY_PERCENT = 10
PRINT_EVERY_SECONDS = 10.0


def human_bytes(count):
    value = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return ("%d %s" % (value, unit)) if unit == "B" else ("%.1f %s" % (value, unit))
        value /= 1000.0
    return "%.1f GB" % value


def human_seconds(seconds):
    seconds = int(round(seconds))
    if seconds >= 3600:
        return "%dh%02dm" % (seconds // 3600, seconds % 3600 // 60)
    if seconds >= 60:
        return "%dm%02ds" % (seconds // 60, seconds % 60)
    return "%ds" % seconds


def progress_line(host, record):
    """`host: pulling model  done / total (pct %), rate, time left` from one progress record."""
    completed, total = record["completed"], record["total"]
    percent = 100.0 * completed / total if total else 0.0
    elapsed = max(record["time"] - record["started"], 0.001)
    rate = completed / elapsed
    line = "%s: %s %s  %s / %s (%d %%)" % (
        host,
        record["action"],
        record["model"],
        human_bytes(completed),
        human_bytes(total),
        int(percent),
    )
    if completed and elapsed >= 0.5:
        line += ", %s/s" % human_bytes(rate)
        if completed < total:
            line += ", %s left" % human_seconds((total - completed) / rate)
    return line


class ProgressThrottle:
    """Says which records to print: the first, then at each further 10 % or after 10 s, and the last."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self.last_time = None
        self.last_step = None

    def should_print(self, record):
        total = record.get("total") or 0
        step = int(100 * record.get("completed", 0) / total) // PRINT_EVERY_PERCENT if total else 0
        now = self.clock()
        if self.last_time is not None and step == self.last_step and now - self.last_time < PRINT_EVERY_SECONDS:
            return False
        if self.last_time is not None and step < self.last_step and now - self.last_time < PRINT_EVERY_SECONDS:
            return False
        self.last_time, self.last_step = now, step
        return True
