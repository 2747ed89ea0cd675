# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the controller's report scripts (benchmark_report.py, eval_report.py) share: reading the JSON the
playbooks write, one row per host and model, Markdown tables, chart colours, and the comparison with a previous
report. Standard library only; the scripts import it from their own folder."""

from __future__ import absolute_import, division, print_function

import glob
import json
import os
import sys

__metaclass__ = type

MODEL_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22")


# ---------------------------------------------------------------- reading


def load(path):
    with open(path) as handle:
        return json.load(handle)


def rows(report, row_of):
    """One row per host and model (hosts sorted, models in the order they ran): ``row_of(host, outcome)``."""
    result = []
    for host in sorted(report.get("hosts") or {}):
        for outcome in (report["hosts"][host] or {}).get("results") or []:
            result.append(row_of(host, outcome))
    return result


def model_of(outcome):
    return outcome.get("model") or outcome.get("item") or "?"


def problem_status(outcome, measured, unmeasured):
    """``error: <msg>`` for a model not measured, ``FAILED: <problems>`` for a failed threshold, else None."""
    problems = (outcome.get("thresholds") or {}).get("problems") or []
    if not measured:
        return "error: %s" % (outcome.get("msg") or unmeasured)
    if problems:
        return "FAILED: %s" % "; ".join(problems)
    return None


# ---------------------------------------------------------------- Markdown


def fmt(value, pattern="%.1f", missing="–"):
    return missing if value is None else pattern % value


def table_row(cells):
    return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"


# ---------------------------------------------------------------- chart


def colour_of(models, model):
    """The colour of a model in a chart: its place in ``models``, the palette repeating."""
    return MODEL_COLOURS[models.index(model) % len(MODEL_COLOURS)]


# ---------------------------------------------------------------- comparison


def previous_report(root, current_path, kind):
    """The newest <kind>-*/<kind>.json under root that is older than the current one (None when there is none)."""
    current = os.path.abspath(current_path)
    candidates = sorted(
        path
        for path in glob.glob(os.path.join(root, "%s-*" % kind, "%s.json" % kind))
        if os.path.abspath(path) != current
        and os.path.basename(os.path.dirname(path)) < os.path.basename(os.path.dirname(current))
    )
    return candidates[-1] if candidates else None


def paired(current_rows, previous_rows):
    """(row, previous row) for each measured host and model that the previous report measured too."""
    previous = dict(((row["host"], row["model"]), row) for row in previous_rows if row["measured"])
    for row in current_rows:
        before = previous.get((row["host"], row["model"]))
        if row["measured"] and before is not None:
            yield row, before


def percent_change(now, before):
    """How far ``now`` is from ``before`` in percent of ``before``; None when either is unknown or zero."""
    if not now or not before:
        return None
    return (now - before) / before * 100


# ---------------------------------------------------------------- output


def write(path, text):
    with open(path, "w") as handle:
        handle.write(text)


def print_outcome(outcome):
    """The one JSON object a report script prints for the playbook: files written, changes, regressions."""
    outcome["regressions"] = [change for change in outcome["changes"] if change["regression"]]
    json.dump(outcome, sys.stdout)
