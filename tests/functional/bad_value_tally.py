# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tally of a generated bad-input test: verdicts per module or role, printed at the end of the pytest run."""


class BadValueTally:
    """Counts of each verdict per name (a module or a role), the details of every verdict but clear, and a note per
    name appended to its line (free options, seconds). A pytest plugin: registered_tally() registers it."""

    def __init__(self, title, verdicts):
        self.title = title
        self.verdicts = verdicts
        self.counts = {}
        self.details = []
        self.notes = {}

    def record(self, name, verdict, detail):
        counts = self.counts.setdefault(name, dict((verdict_name, 0) for verdict_name in self.verdicts))
        counts[verdict] += 1
        if verdict != "clear":
            self.details.append("%s: %s: %s" % (verdict, name, detail[:400]))

    def lines(self):
        lines = list(self.details)
        for name in sorted(self.counts):
            counts = self.counts[name]
            lines.append(
                "%s: %d tried / %s%s"
                % (
                    name,
                    sum(counts.values()),
                    " / ".join("%d %s" % (counts[verdict], verdict) for verdict in self.verdicts),
                    self.notes.get(name, ""),
                )
            )
        return lines

    def pytest_terminal_summary(self, terminalreporter):
        if self.counts:
            terminalreporter.write_sep("-", self.title)
            for line in self.lines():
                terminalreporter.write_line(line)


def registered_tally(request, title, verdicts, plugin_name):
    """A BadValueTally registered as a pytest plugin, so that its lines end the run's output."""
    found = BadValueTally(title, verdicts)
    request.config.pluginmanager.register(found, plugin_name)
    return found
