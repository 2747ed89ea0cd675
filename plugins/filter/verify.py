# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the verify role; documented in verify_table.yml and verify_parameters_mismatch.yml next to this file."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

STATUSES = ("PASS", "WARN", "FAIL")
COLUMNS = (("check", "CHECK"), ("status", "STATUS"), ("value", "SEEN"), ("expected", "EXPECTED"))


def _validated(results):
    if not isinstance(results, list):
        raise AnsibleFilterError(
            "local_llm.ollama.verify_table: expected a list of checks, got %s" % type(results).__name__
        )
    for index, result in enumerate(results):
        if not isinstance(result, dict) or result.get("status") not in STATUSES or not result.get("check"):
            raise AnsibleFilterError(
                'local_llm.ollama.verify_table: item %d needs a name in "check" and a status '
                "among %s, got %r" % (index, ", ".join(STATUSES), result)
            )
    return results


def _cell(result, key):
    value = result.get(key)
    if isinstance(value, list):
        return [_cell({key: item}, key) for item in value][0] if value else "-"
    return "-" if value is None or value == "" else str(value)


def _more_lines(result):
    """A value given as a list shows its first item in the row and the others on lines of their own below it."""
    value = result.get("value")
    return [str(item) for item in value[1:]] if isinstance(value, list) else []


def verify_table(results, host="this host"):
    """Lines of an aligned table (check, status, value seen, expected) under a one-line count per status."""
    results = _validated(results)
    counts = ", ".join("%d %s" % (sum(1 for r in results if r["status"] == s), s) for s in STATUSES)
    rows = [[title for dummy, title in COLUMNS]] + [[_cell(r, key) for key, dummy in COLUMNS] for r in results]
    widths = [max(len(row[column]) for row in rows) for column in range(len(COLUMNS))]
    value_indent = " " * (widths[0] + widths[1] + 4)
    lines = ["verify %s: %s" % (host, counts)]
    for row, result in zip(rows, [{}] + results):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
        lines.extend(value_indent + more for more in _more_lines(result))
    return lines


def _same_value(actual, wanted):
    if isinstance(actual, bool) or isinstance(wanted, bool):
        return actual == wanted
    try:
        return float(actual) == float(wanted)
    except (TypeError, ValueError):
        return actual == wanted


def verify_parameters_mismatch(actual, expected):
    """'name=actual' for every expected parameter that is unset or different (numbers compared numerically)."""
    if not isinstance(actual, dict) or not isinstance(expected, dict):
        raise AnsibleFilterError(
            "local_llm.ollama.verify_parameters_mismatch: both the parameters and the expected values must be dicts"
        )
    return [
        "%s=%s" % (name, actual.get(name, "unset"))
        for name, wanted in sorted(expected.items())
        if name not in actual or not _same_value(actual[name], wanted)
    ]


class FilterModule(object):
    def filters(self):
        return {
            "verify_table": verify_table,
            "verify_parameters_mismatch": verify_parameters_mismatch,
        }
