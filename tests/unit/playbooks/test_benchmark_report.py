# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The report script's table rows, Markdown and regression verdicts (no chart, no matplotlib needed)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import importlib.util
import json
import os
import sys

import pytest

SCRIPT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
    "playbooks",
    "files",
    "benchmark_report.py",
)


@pytest.fixture(scope="module")
def report_script():
    spec = importlib.util.spec_from_file_location("benchmark_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def outcome(model, median, low, high, gpu_percent=100.0, processor="100% GPU", problems=(), ceiling=76.87):
    return {
        "model": model,
        "summary": {
            "tokens_per_second": {"count": 3, "median": median, "mean": median, "min": low, "max": high, "stdev": 1.0},
            "prompt_tokens_per_second": {"median": 1500.0},
            "ttft_ms": {"median": 90.0},
        },
        "gpu": {"gpu_percent": gpu_percent, "processor": processor},
        "roofline": {
            "bandwidth_gbps": 360.0,
            "bandwidth_source": "nvml",
            "ceiling_tokens_per_second": ceiling,
            "efficiency_percent": round(median / ceiling * 100, 1) if ceiling else None,
        },
        "thresholds": {"problems": list(problems)},
    }


def report(*host_results):
    return {
        "generated_at": "2026-11-22T05:00:00Z",
        "settings": {"runs": 3, "warmup": 1, "num_predict": 128, "num_ctx": 4096, "api": "chat"},
        "hosts": dict((host, {"gpu": {"devices": []}, "results": results}) for host, results in host_results),
    }


def test_rows_and_statuses(report_script):
    data = report(
        ("b-host", [outcome("7b", 54.8, 52.0, 56.1, 64.9, "35%/65% CPU/GPU")]),
        (
            "a-host",
            [
                outcome("7b", 65.0, 63.1, 67.0),
                outcome(
                    "14b",
                    20.0,
                    19.0,
                    21.0,
                    problems=["median generation rate 20.0 tok/s is below min_tokens_per_second 24"],
                ),
                {"item": "gone", "failed": True, "msg": "model: model 'gone' is not on the server"},
            ],
        ),
    )
    rows = report_script.rows(data)
    expected = [("a-host", "7b"), ("a-host", "14b"), ("a-host", "gone"), ("b-host", "7b")]
    assert [(row["host"], row["model"]) for row in rows] == expected
    assert [row["status"] for row in rows] == [
        "ok",
        "FAILED: median generation rate 20.0 tok/s is below min_tokens_per_second 24",
        "error: model: model 'gone' is not on the server",
        "ok, but partly on the CPU",
    ]
    assert rows[0]["efficiency"] == 84.6 and rows[2]["measured"] is False


def test_markdown_overview_rows(report_script):
    data = report(
        ("a-host", [outcome("7b", 65.0, 63.1, 67.0)]),
        ("b-host", [outcome("7b", 54.8, 52.0, 56.1, 64.9, "35%/65% CPU/GPU", ceiling=None)]),
    )
    text = report_script.markdown(data, report_script.rows(data), [], "", 10)
    assert "| a-host | 7b | 65.00 | 63.1–67.0 (σ 1.0) | 100% GPU | 84.6% of 76.9 | ok |" in text
    assert (
        "| b-host | 7b | 54.80 | 52.0–56.1 (σ 1.0) | 35%/65% CPU/GPU (64.9% on the GPU) | – | "
        "ok, but partly on the CPU |" in text
    )
    assert "## a-host" in text and "## b-host" in text and "Comparison" not in text


def test_compare_flags_drops_beyond_the_tolerance(report_script):
    before = report_script.rows(
        report(("a", [outcome("7b", 65.0, 64, 66), outcome("14b", 28.0, 27, 29)]), ("b", [outcome("7b", 60.0, 59, 61)]))
    )
    after = report_script.rows(
        report(("a", [outcome("7b", 58.0, 57, 59), outcome("14b", 25.5, 25, 26)]), ("c", [outcome("7b", 70.0, 69, 71)]))
    )
    changes = report_script.compare(after, before, 10.0, "old.json")
    assert [(c["host"], c["model"], c["change_percent"], c["regression"]) for c in changes] == [
        ("a", "7b", -10.8, True),
        ("a", "14b", -8.9, False),
    ]
    assert changes[0]["message"] == "7b on a: median 58.00 tok/s, 65.00 in old.json (-10.8%, tolerance 10%)"
    text = report_script.markdown(report(), [], changes, "old.json", 10.0)
    assert "| a | 7b | 65.00 | 58.00 | -10.8% | **REGRESSION** |" in text
    assert "| a | 14b | 28.00 | 25.50 | -8.9% | ok |" in text


def test_compare_with_nothing_in_common(report_script):
    text = report_script.markdown(report(), [], [], "old.json", 10.0)
    assert "No host and model in common with the previous report." in text


def test_cpu_only_server_states_the_efficiency_labelled_as_a_cpu_run(report_script):
    data = report(
        ("cpu-host", [outcome("7b", 8.2, 8.0, 8.4, 0.0, "100% CPU")]),
        ("mixed-host", [outcome("7b", 30.0, 29.0, 31.0, 60.0, "40%/60% CPU/GPU")]),
    )
    rows = report_script.rows(data)
    assert [(row["host"], row["status"], row["ceiling"], row["cpu_run"]) for row in rows] == [
        ("cpu-host", "ok, on the CPU", 76.87, True),
        ("mixed-host", "ok, but partly on the CPU", 76.87, False),
    ]
    text = report_script.markdown(data, rows, [], "", 10)
    assert (
        "| cpu-host | 7b | 8.20 | 8.0–8.4 (σ 1.0) | 100% CPU | 10.7% of 76.9 (CPU run vs GPU ceiling) | ok, on the CPU |"
        in text
    )
    assert "| 100% CPU | 76.9 | 10.7% (CPU run vs GPU ceiling) |" in text
    assert "- **7b**: the efficiency 10.7% is of a CPU run: Ollama served the model from the CPU (100% CPU)" in text
    assert "| 40%/60% CPU/GPU (60% on the GPU) | 76.9 | 39.0% |" in text
    assert "CPU run" not in report_script.bar_label(rows[1]) and "(CPU run)" in report_script.bar_label(rows[0])


def test_without_matplotlib_the_report_is_written_with_a_warning(report_script, tmp_path, monkeypatch, capsys):
    source = tmp_path / "benchmark.json"
    source.write_text(json.dumps(report(("a-host", [outcome("7b", 65.0, 63.1, 67.0)]))))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` meets where it is not installed
    assert report_script.main(["--input", str(source), "--outdir", str(tmp_path)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["png"] is None and not (tmp_path / "benchmark.png").exists()
    assert "| a-host | 7b | 65.00 |" in (tmp_path / "benchmark.md").read_text()
    assert len(answer["warnings"]) == 1
    warning = answer["warnings"][0]
    assert "the Python package matplotlib is missing" in warning and "requirements/controller.txt" in warning


def test_a_model_unloaded_before_api_ps_has_an_unknown_gpu_share(report_script):
    evicted = outcome("7b", 40.0, 39.0, 41.0, None, "not loaded")
    evicted["gpu"]["loaded"] = False
    data = report(("gpu-host", [evicted]))
    rows = report_script.rows(data)
    assert rows[0]["status"] == "ok, GPU share unknown: the model was unloaded before /api/ps was read"
    text = report_script.markdown(data, rows, [], "", 10)
    assert "| unknown (unloaded before /api/ps) |" in text
    assert "- **7b**: ok, GPU share unknown" in text
