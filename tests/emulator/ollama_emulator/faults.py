"""Injected faults: delays, failing the Nth request, dropping streams mid-way.

Every fault may name a `path` (exact request path such as "/api/pull"); without one it applies
to every request except the emulator's own control routes.
"""

import threading
import time


class Faults:
    """Thread-safe fault table consulted by the HTTP handler."""

    def __init__(self):
        self._lock = threading.Lock()
        self._delays = []
        self._failures = []
        self._drops = []

    def clear(self):
        with self._lock:
            self._delays, self._failures, self._drops = [], [], []

    def add_delay(self, seconds, path=None):
        """Sleep `seconds` before answering each matching request."""
        with self._lock:
            self._delays.append({"seconds": float(seconds), "path": path})

    def fail_request(self, nth=1, status=500, path=None, message="internal server error", times=1):
        """Answer the nth matching request (counted from now) with `status` and {"error": message}.

        times: how many consecutive requests from the nth on fail (0 = all of them).
        """
        with self._lock:
            self._failures.append(
                {
                    "nth": int(nth),
                    "status": int(status),
                    "path": path,
                    "message": message,
                    "times": int(times),
                    "seen": 0,
                }
            )

    def drop_stream_after(self, lines, path=None):
        """Close the connection after `lines` NDJSON lines of the next matching stream."""
        with self._lock:
            self._drops.append({"lines": int(lines), "path": path})

    def configure(self, spec):
        """Apply a JSON fault spec (the body of POST /__emulator/faults)."""
        if spec.get("clear"):
            self.clear()
        for item in _as_list(spec.get("delay")):
            self.add_delay(item["seconds"], item.get("path"))
        for item in _as_list(spec.get("fail")):
            self.fail_request(
                item.get("nth", 1),
                item.get("status", 500),
                item.get("path"),
                item.get("message", "internal server error"),
                item.get("times", 1),
            )
        for item in _as_list(spec.get("drop_stream")):
            self.drop_stream_after(item["lines"], item.get("path"))

    # ------------------------------------------------------------ used by the handler
    def delay_for(self, path):
        with self._lock:
            return sum(d["seconds"] for d in self._delays if d["path"] in (None, path))

    def failure_for(self, path):
        """(status, message) when this request must fail, else None."""
        with self._lock:
            for failure in self._failures:
                if failure["path"] not in (None, path):
                    continue
                failure["seen"] += 1
                last = failure["nth"] + failure["times"] - 1
                if failure["seen"] >= failure["nth"] and (failure["times"] == 0 or failure["seen"] <= last):
                    return failure["status"], failure["message"]
        return None

    def stream_line_limit(self, path):
        """Number of lines to send before dropping this stream, or None (consumes the fault)."""
        with self._lock:
            for drop in self._drops:
                if drop["path"] in (None, path):
                    self._drops.remove(drop)
                    return drop["lines"]
        return None

    def sleep_before(self, path):
        seconds = self.delay_for(path)
        if seconds > 0:
            time.sleep(seconds)


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
