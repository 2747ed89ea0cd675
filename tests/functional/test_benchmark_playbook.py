"""playbooks/benchmark.yml through real ansible-playbook on localhost, the emulator as the host's Ollama.

Two models at different speeds and a fake bandwidth (so the ceiling is drawn); the JSON, the Markdown and the
PNG are checked, then a second run against a slower emulator is compared with the first report.
"""

import glob
import json
import os
import re
import struct

import pytest
from module_runner import COLLECTION_DIR, http, recap, run_playbook

PLAYBOOK = os.path.join(COLLECTION_DIR, "playbooks", "benchmark.yml")
FAST, SLOW = 400.0, 150.0
FAST_COLOUR, SLOW_COLOUR, CEILING_COLOUR = "#1f77b4", "#ff7f0e", "#d62728"
CEILING_RATIO = 1.3  # the fake bandwidth puts the fast model's ceiling 30% above its speed


def start(make_emulator, fast_rate):
    emu = make_emulator(
        tokens_per_second={"fast-coder:latest": fast_rate, "slow-coder:latest": SLOW}, prompt_tokens_per_second=4000.0
    )
    emu.seed_local_model("fast-coder")
    emu.seed_local_model("slow-coder", padding=4096)  # a bigger file: a lower ceiling
    return emu


def tags(emu):
    return dict((entry["name"], entry["size"]) for entry in http(emu.url, "GET", "/api/tags").json()["models"])


def benchmark(emu, root, bandwidth, **extra):
    extra_vars = {
        "benchmark_models": ["fast-coder", "slow-coder"],
        "benchmark_ollama_host": emu.url,
        "benchmark_runs": 2,
        "benchmark_warmup": 1,
        "benchmark_num_predict": 16,
        "benchmark_gpu_bandwidth_gbps": bandwidth,
        "benchmark_report_root": root if isinstance(root, list) else str(root),
    }
    extra_vars.update(extra)
    rc, output = run_playbook(PLAYBOOK, extra_vars)
    folders = sorted(glob.glob(os.path.join(str(root), "benchmark-*")))
    return rc, output, folders


def png_header(path):
    with open(path, "rb") as handle:
        data = handle.read(33)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, chunk, width, height = struct.unpack(">I4sII", data[8:24])
    assert chunk == b"IHDR" and length == 13
    return width, height


def colour_mask(image, hex_colour, tolerance=0.03):
    import numpy  # pylint: disable=import-outside-toplevel

    rgb = [int(hex_colour[i : i + 2], 16) / 255.0 for i in (1, 3, 5)]
    return numpy.all(numpy.abs(image[:, :, :3] - numpy.array(rgb)) < tolerance, axis=2)


def bar_extent(mask):
    """(top row, bottom row, columns) of the tallest run of a colour: the bar, not the small legend patch."""
    import numpy  # pylint: disable=import-outside-toplevel

    heights = mask.sum(axis=0)
    columns = numpy.nonzero(heights >= heights.max() * 0.9)[0]
    rows = numpy.nonzero(mask[:, columns].any(axis=1))[0]
    return rows.min(), rows.max(), columns


@pytest.fixture(scope="module")
def matplotlib_image():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.image  # pylint: disable=import-outside-toplevel,redefined-outer-name

    return matplotlib.image


def test_report_then_regression_against_a_slower_run(make_emulator, tmp_path, matplotlib_image):
    emu = start(make_emulator, FAST)
    sizes = tags(emu)
    bandwidth = FAST * CEILING_RATIO * sizes["fast-coder:latest"] / 1e9
    rc, output, folders = benchmark(emu, tmp_path / "reports", bandwidth)
    assert rc == 0, output
    assert recap(output)["failed"] == 0
    assert len(folders) == 1 and re.search(r"/benchmark-\d{8}T\d{6}Z$", folders[0]), folders
    folder = folders[0]

    # JSON: every run of both models, summaries, GPU facts
    with open(os.path.join(folder, "benchmark.json")) as handle:
        report = json.load(handle)
    host = report["hosts"]["localhost"]
    assert "devices" in host["gpu"] and report["settings"]["runs"] == 2
    results = dict((r["model"], r) for r in host["results"])
    assert sorted(results) == ["fast-coder", "slow-coder"]
    for name, rate in (("fast-coder", FAST), ("slow-coder", SLOW)):
        assert len(results[name]["runs"]) == 2
        assert results[name]["summary"]["tokens_per_second"]["median"] == pytest.approx(rate, rel=0.01)
    fast_ceiling = results["fast-coder"]["roofline"]["ceiling_tokens_per_second"]
    assert fast_ceiling == pytest.approx(FAST * CEILING_RATIO, rel=0.01)
    slow_ceiling = results["slow-coder"]["roofline"]["ceiling_tokens_per_second"]
    assert slow_ceiling < fast_ceiling and slow_ceiling > SLOW

    # Markdown: one overview row per host and model with the medians, GPU share and efficiency
    with open(os.path.join(folder, "benchmark.md")) as handle:
        markdown = handle.read()
    fast_median = results["fast-coder"]["summary"]["tokens_per_second"]["median"]
    slow_median = results["slow-coder"]["summary"]["tokens_per_second"]["median"]
    assert re.search(
        r"^\| localhost \| fast-coder \| %.2f \| .* \| 100%% GPU \| %.1f%% of "
        % (fast_median, results["fast-coder"]["roofline"]["efficiency_percent"]),
        markdown,
        re.M,
    ), markdown
    assert re.search(r"^\| localhost \| slow-coder \| %.2f \| " % slow_median, markdown, re.M), markdown
    assert re.search(r"^\| fast-coder \| %.2f \| " % fast_median, markdown, re.M)  # the per-host table
    assert "Comparison" not in markdown

    # PNG: a real image of a sensible size whose bars are as tall as the medians and whose ceiling is drawn
    png = os.path.join(folder, "benchmark.png")
    width, height = png_header(png)
    assert 600 <= width <= 2000 and 400 <= height <= 1200, (width, height)
    assert os.path.getsize(png) > 15000
    image = matplotlib_image.imread(png)
    assert image.shape[:2] == (height, width)
    fast_top, fast_bottom, fast_columns = bar_extent(colour_mask(image, FAST_COLOUR))
    slow_top, slow_bottom, slow_columns = bar_extent(colour_mask(image, SLOW_COLOUR))
    assert abs(fast_bottom - slow_bottom) <= 2  # same baseline
    assert slow_columns.min() > fast_columns.max()  # side by side, fast model first
    ratio = (fast_bottom - fast_top) / float(slow_bottom - slow_top)
    assert ratio == pytest.approx(fast_median / slow_median, rel=0.04)
    red = colour_mask(image, CEILING_COLOUR, tolerance=0.05)
    ceiling_rows = numpy_rows(red[:, fast_columns])
    assert ceiling_rows.size, "no ceiling line over the fast bar"
    ceiling_height = fast_bottom - ceiling_rows.max()
    assert ceiling_height / float(fast_bottom - fast_top) == pytest.approx(fast_ceiling / fast_median, rel=0.04)

    # A slower host now, with a threshold the slow model misses and a model that is not there: the report
    # records all of it, flags the regression, and the host fails with every reason once the report is written
    emu.stop()
    slower = start(make_emulator, FAST * 0.7)
    rc, output, folders = benchmark(
        slower,
        tmp_path / "reports",
        bandwidth,
        benchmark_models=["fast-coder", "slow-coder", "missing"],
        benchmark_min_tokens_per_second=200,
        benchmark_compare_to=os.path.join(folder, "benchmark.json"),
        benchmark_regression_tolerance_percent=10,
        benchmark_fail_on_regression=True,
    )
    assert rc != 0 and recap(output)["failed"] == 1, output
    assert (
        "fast-coder on localhost: median 280.00 tok/s, %.2f in %s (-30.0%%, tolerance 10%%)"
        % (fast_median, os.path.join(folder, "benchmark.json"))
        in output
    )
    assert "slow-coder: median generation rate 150.0 tok/s is below min_tokens_per_second 200" in output
    assert "model 'missing' is not on the Ollama server" in output
    assert len(folders) == 2
    with open(os.path.join(folders[1], "benchmark.md")) as handle:
        compared = handle.read()
    assert re.search(
        r"^\| localhost \| fast-coder \| %.2f \| 280\.00 \| -30\.0%% \| \*\*REGRESSION\*\* \|$" % fast_median,
        compared,
        re.M,
    ), compared
    assert re.search(
        r"^\| localhost \| slow-coder \| %.2f \| %.2f \| \+0\.0%% \| ok \|$" % (slow_median, slow_median),
        compared,
        re.M,
    ), compared
    assert re.search(
        r"^\| localhost \| slow-coder \| 150\.00 \| .* \| FAILED: median generation rate 150\.0 ", compared, re.M
    ), compared
    assert re.search(
        r"^\| localhost \| missing \| – \| .* \| error: model: model 'missing' is not on", compared, re.M
    ), compared
    assert os.path.getsize(os.path.join(folders[1], "benchmark.png")) > 15000


def numpy_rows(mask):
    import numpy  # pylint: disable=import-outside-toplevel

    return numpy.nonzero(mask.any(axis=1))[0]


@pytest.mark.parametrize(
    "root, says",
    [
        ("", "benchmark_report_root accepts a non-empty single-line string or null, got the string ''"),
        (["reports"], "benchmark_report_root accepts a non-empty single-line string or null, got a list"),
        ("a-file", "is a file, not a folder. Set benchmark_report_root to a folder path, absolute or relative to"),
    ],
)
def test_a_report_root_that_is_no_folder_stops_the_play_before_it_runs(make_emulator, tmp_path, root, says):
    emu = start(make_emulator, FAST)
    (tmp_path / "a-file").write_text("")
    root = str(tmp_path / root) if root == "a-file" else root
    rc, output, folders = benchmark(emu, root, 100.0)
    assert rc != 0 and recap(output)["failed"] == 1, output
    assert says in output, output
    assert not [entry for entry in emu.request_log if entry["path"] in ("/api/chat", "/api/generate")]
