# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn the benchmark.json that playbooks/benchmark.yml writes into benchmark.md and benchmark.png.

Runs on the controller with the Python that runs ansible-playbook (matplotlib, from requirements/controller.txt,
draws the chart; without it benchmark.md is still written and a warning names the missing package).
Prints one JSON object: the files written, the regressions found against --compare-to and any warnings.

    benchmark_report.py --input DIR/benchmark.json --outdir DIR [--compare-to OLD/benchmark.json]
                        [--tolerance 10]
"""

from __future__ import absolute_import, division, print_function

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_lib as lib  # noqa: E402  (next to this script; the line above finds it however this is loaded)

__metaclass__ = type

CEILING_COLOUR = "#d62728"


# ---------------------------------------------------------------- reading


def rows(report):
    """One row per host and model: the figures the table and the chart show."""
    return lib.rows(report, row_of)


def row_of(host, outcome):
    summary = outcome.get("summary") or {}
    generation = summary.get("tokens_per_second") or {}
    gpu = outcome.get("gpu") or {}
    roofline = outcome.get("roofline") or {}
    measured = generation.get("median") is not None
    on_cpu_only = gpu.get("gpu_percent") == 0
    return {
        "host": host,
        "model": lib.model_of(outcome),
        "measured": measured,
        "median": generation.get("median"),
        "min": generation.get("min"),
        "max": generation.get("max"),
        "stdev": generation.get("stdev"),
        "runs": generation.get("count") or 0,
        "prompt_median": (summary.get("prompt_tokens_per_second") or {}).get("median"),
        "ttft_median": (summary.get("ttft_ms") or {}).get("median"),
        "gpu_percent": gpu.get("gpu_percent"),
        "processor": gpu.get("processor"),
        # Against the GPU's bandwidth ceiling even when the CPU served the model: how far that run is from what the
        # GPU could do. Every place that shows it then says "CPU run" (cpu_run), since it is not the GPU's efficiency.
        "ceiling": roofline.get("ceiling_tokens_per_second"),
        "efficiency": roofline.get("efficiency_percent"),
        "cpu_run": on_cpu_only,
        "status": lib.problem_status(outcome, measured, "no measurement") or placement_status(gpu),
    }


def placement_status(gpu):
    """The status of a measured model that passed: where it ran."""
    if gpu.get("loaded") is False or gpu.get("gpu_percent") is None:
        return "ok, GPU share unknown: the model was unloaded before /api/ps was read"
    if gpu.get("gpu_percent") == 0:
        return "ok, on the CPU"
    if gpu.get("gpu_percent") is not None and gpu["gpu_percent"] < 100:
        return "ok, but partly on the CPU"
    return "ok"


# ---------------------------------------------------------------- comparison


def compare(current_rows, previous_rows, tolerance, previous_path=""):
    """Change of the median per host and model present in both reports; a drop beyond tolerance regresses."""
    changes = []
    for row, before in lib.paired(current_rows, previous_rows):
        change = lib.percent_change(row["median"], before["median"])
        if change is None:
            continue
        message = "%s on %s: median %.2f tok/s, %.2f in %s (%+.1f%%, tolerance %g%%)" % (
            row["model"],
            row["host"],
            row["median"],
            before["median"],
            previous_path,
            change,
            tolerance,
        )
        changes.append(
            {
                "host": row["host"],
                "model": row["model"],
                "previous": before["median"],
                "current": row["median"],
                "change_percent": round(change, 1),
                "regression": change < -tolerance,
                "message": message,
            }
        )
    return changes


# ---------------------------------------------------------------- Markdown


def spread(row):
    if row["min"] is None:
        return "–"
    text = "%.1f–%.1f" % (row["min"], row["max"])
    return text + (" (σ %.1f)" % row["stdev"] if row["stdev"] is not None else "")


def gpu_text(row):
    if row["processor"] == "not loaded":
        return "unknown (unloaded before /api/ps)"
    if row["gpu_percent"] is None or row["processor"] in ("100% GPU", "100% CPU"):
        return row["processor"] or "–"
    return "%s (%g%% on the GPU)" % (row["processor"], row["gpu_percent"])


CPU_RUN_LABEL = "CPU run vs GPU ceiling"


def efficiency_text(row):
    if row["efficiency"] is None:
        return "–"
    text = "%.1f%% of %.1f" % (row["efficiency"], row["ceiling"])
    return "%s (%s)" % (text, CPU_RUN_LABEL) if row["cpu_run"] else text


def efficiency_cell(row):
    if row["efficiency"] is None:
        return "–"
    return "%.1f%% (%s)" % (row["efficiency"], CPU_RUN_LABEL) if row["cpu_run"] else "%.1f%%" % row["efficiency"]


def markdown(report, table, changes, compare_to, tolerance):
    settings = report.get("settings") or {}
    lines = [
        "# Ollama benchmark %s" % report.get("generated_at", ""),
        "",
        "Generation speed is Ollama's own `eval_count / eval_duration`, the median of %s runs per model after "
        "%s warm-up request(s), %s tokens each, `num_ctx` %s, API `%s`. The ceiling is GPU memory bandwidth / "
        "model size; efficiency is median / ceiling."
        % (
            settings.get("runs", "?"),
            settings.get("warmup", "?"),
            settings.get("num_predict", "?"),
            settings.get("num_ctx", "?"),
            settings.get("api", "?"),
        ),
        "",
    ]
    lines += [
        "## Overview",
        "",
        lib.table_row(
            [
                "host",
                "model",
                "median tok/s",
                "spread min–max tok/s",
                "GPU share",
                "efficiency vs ceiling tok/s",
                "status",
            ]
        ),
        lib.table_row(["---", "---", "---:", "---", "---", "---", "---"]),
    ]
    for row in table:
        lines.append(
            lib.table_row(
                [
                    row["host"],
                    row["model"],
                    lib.fmt(row["median"], "%.2f"),
                    spread(row),
                    gpu_text(row),
                    efficiency_text(row),
                    row["status"],
                ]
            )
        )
    for host in sorted(report.get("hosts") or {}):
        lines += host_section(host, report["hosts"][host] or {}, [row for row in table if row["host"] == host])
    if compare_to:
        lines += comparison_section(changes, compare_to, tolerance)
    return "\n".join(lines) + "\n"


def device_text(device):
    return "%s (%s MiB, %s GB/s)" % (
        device.get("name"),
        device.get("memory_total_mb"),
        lib.fmt(device.get("memory_bandwidth_gbps")),
    )


def host_section(host, entry, host_rows):
    gpu = entry.get("gpu") or {}
    devices = gpu.get("devices") or []
    names = ", ".join(device_text(device) for device in devices)
    bandwidths = set()
    for outcome in entry.get("results") or []:
        roofline = outcome.get("roofline") or {}
        if roofline.get("bandwidth_gbps"):
            bandwidths.add("%g GB/s (%s)" % (roofline["bandwidth_gbps"], roofline.get("bandwidth_source")))
    lines = [
        "",
        "## %s" % host,
        "",
        "GPU: %s. Bandwidth used for the ceiling: %s."
        % (names or "none found", ", ".join(sorted(bandwidths)) or "unknown"),
        "",
        lib.table_row(
            [
                "model",
                "median tok/s",
                "mean",
                "min",
                "max",
                "stdev",
                "prompt tok/s",
                "TTFT ms",
                "GPU share",
                "ceiling tok/s",
                "efficiency",
            ]
        ),
        lib.table_row(["---"] + ["---:"] * 10),
    ]
    for row in host_rows:
        lines.append(
            lib.table_row(
                [
                    row["model"],
                    lib.fmt(row["median"], "%.2f"),
                    lib.fmt(mean_of(entry, row["model"]), "%.2f"),
                    lib.fmt(row["min"], "%.2f"),
                    lib.fmt(row["max"], "%.2f"),
                    lib.fmt(row["stdev"], "%.2f"),
                    lib.fmt(row["prompt_median"]),
                    lib.fmt(row["ttft_median"]),
                    gpu_text(row),
                    lib.fmt(row["ceiling"]),
                    efficiency_cell(row),
                ]
            )
        )
    failures = [row for row in host_rows if row["status"] != "ok"]
    for row in failures:
        lines += ["", "- **%s**: %s" % (row["model"], row["status"])]
    for row in host_rows:
        if row["cpu_run"] and row["efficiency"] is not None:
            lines += [
                "",
                "- **%s**: the efficiency %.1f%% is of a CPU run: Ollama served the model from the CPU (%s), and "
                "the ceiling %.1f tok/s is what this host's GPU bandwidth would allow. It says how far the CPU run "
                "is from the GPU, not how well the GPU is used."
                % (row["model"], row["efficiency"], row["processor"], row["ceiling"]),
            ]
    return lines


def mean_of(entry, model):
    for outcome in entry.get("results") or []:
        if (outcome.get("model") or outcome.get("item")) == model:
            return ((outcome.get("summary") or {}).get("tokens_per_second") or {}).get("mean")
    return None


def comparison_section(changes, compare_to, tolerance):
    lines = [
        "",
        "## Comparison with %s" % compare_to,
        "",
        "A drop of the median by more than %g%% is flagged as a regression." % tolerance,
        "",
        lib.table_row(["host", "model", "previous median tok/s", "median tok/s", "change", "verdict"]),
        lib.table_row(["---", "---", "---:", "---:", "---:", "---"]),
    ]
    for change in changes:
        lines.append(
            lib.table_row(
                [
                    change["host"],
                    change["model"],
                    "%.2f" % change["previous"],
                    "%.2f" % change["current"],
                    "%+.1f%%" % change["change_percent"],
                    "**REGRESSION**" if change["regression"] else "ok",
                ]
            )
        )
    if not changes:
        lines.append("")
        lines.append("No host and model in common with the previous report.")
    return lines


# ---------------------------------------------------------------- chart


def bar_label(row):
    lines = ["%.1f tok/s" % row["median"]]
    if row["efficiency"] is not None:
        lines.append("%.0f%% of ceiling%s" % (row["efficiency"], " (CPU run)" if row["cpu_run"] else ""))
    if row["gpu_percent"] is not None and row["gpu_percent"] < 100:
        lines.append(row["processor"])
    return "\n".join(lines)


def chart_warning(error):
    """Why the chart was not drawn, naming the missing package and where it comes from."""
    package = getattr(error, "name", None) or "matplotlib"
    return (
        "benchmark.png not drawn: the Python package %s is missing from %s (%s). benchmark.md and benchmark.json "
        "are complete. Install it with: %s -m pip install -r requirements/controller.txt"
        % (package, sys.executable, error, sys.executable)
    )


def chart(table, path, title):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    measured = [row for row in table if row["measured"]]
    hosts = sorted(set(row["host"] for row in measured)) or ["(no results)"]
    models = []
    for row in measured:
        if row["model"] not in models:
            models.append(row["model"])
    width = 0.8 / max(1, len(models))
    fig, axis = plt.subplots(figsize=(max(8, 1.4 * len(hosts) * max(1, len(models)) + 2), 6), dpi=100)
    top = 1.0
    for index, model in enumerate(models):
        colour = lib.colour_of(models, model)
        for position, host in enumerate(hosts):
            row = next((r for r in measured if r["host"] == host and r["model"] == model), None)
            if row is None:
                continue
            x = position - 0.4 + width * (index + 0.5)
            low, high = row["median"] - row["min"], row["max"] - row["median"]
            axis.bar(x, row["median"], width * 0.9, color=colour)
            axis.errorbar(x, row["median"], yerr=[[low], [high]], fmt="none", ecolor="black", capsize=5, lw=1.2)
            axis.annotate(
                bar_label(row),
                (x, row["max"]),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                va="bottom",
                fontsize=9,
            )
            top = max(top, row["max"])
            # A CPU run's bar would shrink under a GPU ceiling line: its label states the efficiency instead.
            if row["ceiling"] and not row["cpu_run"]:
                axis.hlines(
                    row["ceiling"], x - width * 0.45, x + width * 0.45, colors=CEILING_COLOUR, linestyles="dashed", lw=2
                )
                axis.annotate(
                    "ceiling %.0f" % row["ceiling"],
                    (x, row["ceiling"]),
                    textcoords="offset points",
                    xytext=(0, 3),
                    ha="center",
                    va="bottom",
                    fontsize=8,
                    color=CEILING_COLOUR,
                )
                top = max(top, row["ceiling"])
    axis.set_ylim(0, top * 1.22)
    axis.set_xticks(range(len(hosts)))
    axis.set_xticklabels(hosts)
    axis.set_xlabel("host")
    axis.set_ylabel("generation speed, median (tokens/s)")
    axis.set_title(title)
    axis.grid(axis="y", alpha=0.3)
    axis.set_axisbelow(True)
    handles = [Patch(color=lib.colour_of(models, model), label=model) for model in models]
    handles.append(Line2D([0], [0], color="black", marker="_", markersize=10, lw=1.2, label="min–max of runs"))
    if any(row["ceiling"] and not row["cpu_run"] for row in measured):
        handles.append(
            Line2D(
                [0], [0], color=CEILING_COLOUR, linestyle="dashed", lw=2, label="bandwidth ceiling (GB/s ÷ model bytes)"
            )
        )
    axis.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=min(4, len(handles)),
        fontsize=9,
        frameon=False,
    )
    fig.tight_layout()
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


# ---------------------------------------------------------------- main


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="benchmark.json written by playbooks/benchmark.yml")
    parser.add_argument("--outdir", required=True, help="where benchmark.md and benchmark.png go")
    parser.add_argument("--compare-to", default="", help="a previous benchmark.json")
    parser.add_argument("--tolerance", type=float, default=10.0, help="allowed drop of the median in percent")
    args = parser.parse_args(argv)
    report = lib.load(args.input)
    table = rows(report)
    changes = []
    if args.compare_to:
        changes = compare(table, rows(lib.load(args.compare_to)), args.tolerance, args.compare_to)
    md_path = os.path.join(args.outdir, "benchmark.md")
    png_path = os.path.join(args.outdir, "benchmark.png")
    lib.write(md_path, markdown(report, table, changes, args.compare_to, args.tolerance))
    settings = report.get("settings") or {}
    warnings = []
    try:
        chart(
            table,
            png_path,
            "Ollama generation speed per host and model (median of %s runs)\n%s"
            % (settings.get("runs", "?"), report.get("generated_at", "")),
        )
    except ImportError as error:
        warnings.append(chart_warning(error))
        png_path = None
    lib.print_outcome({"markdown": md_path, "png": png_path, "changes": changes, "warnings": warnings})
    return 0


if __name__ == "__main__":
    sys.exit(main())
