# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the eval.json that playbooks/eval.yml writes into eval.md (one table) and eval.svg (one chart:
generation speed against pass rate, one point per host and model), and compare with the previous report.

Runs on the controller with the Python that runs ansible-playbook; only the standard library is needed (the chart
is plain SVG). Prints one JSON object: the files written, the report compared with and the regressions found.

    eval_report.py --input DIR/eval.json --outdir DIR [--compare-to OLD/eval.json | --previous-in ROOT]
                   [--pass-rate-tolerance 5] [--speed-tolerance 10]
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import sys
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_lib as lib  # noqa: E402  (next to this script; the line above finds it however this is loaded)

__metaclass__ = type

WIDTH, HEIGHT, MARGIN = 760, 480, 70


# ---------------------------------------------------------------- rows


def rows(report):
    """One row per host and model: the figures the table and the chart show."""
    return lib.rows(report, row_of)


def row_of(host, outcome):
    summary = outcome.get("summary") or {}
    details = (outcome.get("model_parameters") or {}).get("details") or {}
    measured = summary.get("pass_rate") is not None
    return {
        "host": host,
        "model": lib.model_of(outcome),
        "measured": measured,
        "pass_rate": summary.get("pass_rate"),
        "passed": summary.get("passed"),
        "total": summary.get("total"),
        "counts": summary.get("counts") or {},
        "tokens_per_second": (summary.get("tokens_per_second") or {}).get("median"),
        "wall_seconds": summary.get("wall_seconds"),
        "size": "%s %s" % (details.get("parameter_size", "?"), details.get("quantization_level", "?")),
        "status": lib.problem_status(outcome, measured, "no result") or "ok",
    }


# ---------------------------------------------------------------- comparison


def compare(current_rows, previous_rows, pass_tolerance, speed_tolerance, previous_path=""):
    """Pass rate (points) and median speed (percent) against the previous report, per host and model."""
    changes = []
    for row, before in lib.paired(current_rows, previous_rows):
        pass_change = row["pass_rate"] - before["pass_rate"]
        speed_change = lib.percent_change(row["tokens_per_second"], before["tokens_per_second"])
        reasons = []
        if pass_change < -pass_tolerance:
            reasons.append(
                "pass rate %.1f%% was %.1f%% (%+.1f points, tolerance %g)"
                % (row["pass_rate"], before["pass_rate"], pass_change, pass_tolerance)
            )
        if speed_change is not None and speed_change < -speed_tolerance:
            reasons.append(
                "median %.1f tok/s was %.1f (%+.1f%%, tolerance %g%%)"
                % (row["tokens_per_second"], before["tokens_per_second"], speed_change, speed_tolerance)
            )
        changes.append(
            {
                "host": row["host"],
                "model": row["model"],
                "previous_pass_rate": before["pass_rate"],
                "pass_rate": row["pass_rate"],
                "pass_rate_change": round(pass_change, 1),
                "speed_change_percent": None if speed_change is None else round(speed_change, 1),
                "regression": bool(reasons),
                "message": "%s on %s: %s (against %s)"
                % (row["model"], row["host"], "; ".join(reasons) or "no regression", previous_path),
            }
        )
    return changes


# ---------------------------------------------------------------- Markdown


def outcome_cell(counts):
    return ", ".join("%s %d" % (name, count) for name, count in sorted(counts.items()) if count) or "–"


def markdown(report, table, changes, compared_with):
    settings = report.get("settings") or {}
    lines = [
        "# Ollama coding evaluation %s" % report.get("generated_at", ""),
        "",
        "Pass rate: share of the tasks whose hidden tests passed when the model's answer was run (skipped Go "
        "tasks not counted). Speed: median of Ollama's `eval_count / eval_duration` over the answers. "
        "Settings: temperature %s, seed %s, num_predict %s, num_ctx %s, tasks %s."
        % (
            settings.get("temperature", "?"),
            settings.get("seed", "?"),
            settings.get("num_predict", "?"),
            settings.get("num_ctx", "?"),
            settings.get("num_tasks") or "all",
        ),
        "",
        "![pass rate against speed](eval.svg)",
        "",
        lib.table_row(
            ["host", "model", "size", "pass rate", "passed", "outcomes", "median tok/s", "wall s", "change", "status"]
        ),
        lib.table_row(["---", "---", "---", "---:", "---:", "---", "---:", "---:", "---", "---"]),
    ]
    by_key = dict(((change["host"], change["model"]), change) for change in changes)
    for row in table:
        change = by_key.get((row["host"], row["model"]))
        change_text = "–"
        if change:
            change_text = ("REGRESSION " if change["regression"] else "") + "%+.1f points" % change["pass_rate_change"]
        lines.append(
            lib.table_row(
                [
                    row["host"],
                    row["model"],
                    row["size"],
                    lib.fmt(row["pass_rate"], "%.1f%%"),
                    "%s/%s" % (lib.fmt(row["passed"], "%d"), lib.fmt(row["total"], "%d")),
                    outcome_cell(row["counts"]),
                    lib.fmt(row["tokens_per_second"]),
                    lib.fmt(row["wall_seconds"], "%.0f"),
                    change_text,
                    row["status"],
                ]
            )
        )
    lines += ["", "Compared with: %s" % (compared_with or "nothing (no previous report)")]
    for change in changes:
        if change["regression"]:
            lines.append("- **Regression** %s" % change["message"])
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- SVG chart


def chart(table):
    """Speed (x) against pass rate (y), one labelled point per host and model; the SVG text."""
    points = [row for row in table if row["measured"]]
    top_speed = max([row["tokens_per_second"] or 0 for row in points] + [1.0]) * 1.15
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN

    def x_of(speed):
        return MARGIN + (speed or 0) / top_speed * plot_w

    def y_of(rate):
        return HEIGHT - MARGIN - rate / 100.0 * plot_h

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
        'font-size="12">' % (WIDTH, HEIGHT),
        '<rect width="100%" height="100%" fill="white"/>',
        '<text x="%d" y="30" font-size="16">Pass rate against generation speed</text>' % MARGIN,
    ]
    for tick in range(0, 101, 20):
        parts.append(
            '<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#dddddd"/>'
            % (MARGIN, y_of(tick), WIDTH - MARGIN, y_of(tick))
        )
        parts.append('<text x="%d" y="%.1f" text-anchor="end">%d%%</text>' % (MARGIN - 6, y_of(tick) + 4, tick))
    for index in range(6):
        speed = top_speed * index / 5.0
        parts.append(
            '<text x="%.1f" y="%d" text-anchor="middle">%.0f</text>' % (x_of(speed), HEIGHT - MARGIN + 18, speed)
        )
    parts.append(
        '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>'
        % (MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN)
    )
    parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (MARGIN, MARGIN, MARGIN, HEIGHT - MARGIN))
    parts.append(
        '<text x="%d" y="%d" text-anchor="middle">median generation speed (tokens/s)</text>' % (WIDTH // 2, HEIGHT - 20)
    )
    parts.append(
        '<text x="18" y="%d" text-anchor="middle" transform="rotate(-90 18 %d)">pass rate</text>'
        % (HEIGHT // 2, HEIGHT // 2)
    )
    models = sorted(set(row["model"] for row in points))
    for row in points:
        colour = lib.colour_of(models, row["model"])
        x, y = x_of(row["tokens_per_second"]), y_of(row["pass_rate"])
        label = "%s @ %s" % (row["model"], row["host"])
        parts.append(
            '<circle cx="%.1f" cy="%.1f" r="6" fill="%s" data-host="%s" data-model="%s"><title>%s: %.1f%%, '
            "%s tok/s</title></circle>"
            % (
                x,
                y,
                colour,
                escape(row["host"], {'"': "&quot;"}),
                escape(row["model"], {'"': "&quot;"}),
                escape(label),
                row["pass_rate"],
                lib.fmt(row["tokens_per_second"]),
            )
        )
        parts.append('<text x="%.1f" y="%.1f">%s</text>' % (x + 9, y - 8, escape(label)))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--compare-to", default="")
    parser.add_argument("--previous-in", default="")
    parser.add_argument("--pass-rate-tolerance", type=float, default=5.0)
    parser.add_argument("--speed-tolerance", type=float, default=10.0)
    args = parser.parse_args(argv)
    report = lib.load(args.input)
    table = rows(report)
    compared_with = args.compare_to or (
        lib.previous_report(args.previous_in, args.input, "eval") if args.previous_in else None
    )
    changes = []
    if compared_with:
        changes = compare(
            table, rows(lib.load(compared_with)), args.pass_rate_tolerance, args.speed_tolerance, compared_with
        )
    markdown_path = os.path.join(args.outdir, "eval.md")
    chart_path = os.path.join(args.outdir, "eval.svg")
    lib.write(markdown_path, markdown(report, table, changes, compared_with))
    lib.write(chart_path, chart(table))
    lib.print_outcome(
        {"markdown": markdown_path, "chart": chart_path, "compared_with": compared_with, "changes": changes}
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
