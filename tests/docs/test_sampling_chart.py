# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/tools/sampling_chart.py: the PNG it draws, its arithmetic, and the numbers docs/sampling-parameters.md quotes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import struct
import subprocess
import sys

import pytest
from docs_support import REPO_ROOT, load_tool, marked_block, read_page

chart = load_tool("sampling_chart")
PAGE = "docs/sampling-parameters.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def png(tmp_path_factory):
    output = tmp_path_factory.mktemp("chart") / "nested" / "sampling-parameters.png"
    done = subprocess.run(
        [sys.executable, "docs/tools/sampling_chart.py", "--output", str(output)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout
    assert str(output) in done.stdout
    return output


def _hex_rgb(colour):
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_png_signature_and_size(png):
    data = png.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (
        round(chart.FIGURE_SIZE_INCHES[0] * chart.DPI),
        round(chart.FIGURE_SIZE_INCHES[1] * chart.DPI),
    )


def test_png_shows_every_bar_colour(png):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.image
    import numpy

    pixels = numpy.round(matplotlib.image.imread(str(png))[:, :, :3] * 255).astype(int)
    colours = chart.TEMPERATURE_COLOURS + (chart.KEPT_COLOUR, chart.CUT_COLOUR, chart.FINAL_COLOUR)
    for colour in colours:
        count = int(numpy.all(numpy.abs(pixels - _hex_rgb(colour)) <= 2, axis=2).sum())
        assert count > 200, "bar colour %s covers only %d pixels" % (colour, count)
    white = int(numpy.all(pixels >= 250, axis=2).sum())
    assert white < 0.9 * pixels.shape[0] * pixels.shape[1], "the chart is almost empty"


@pytest.mark.parametrize("temperature", [0.3, 0.8, 1.0, 1.2, 5.0])
def test_probabilities_are_a_distribution(temperature):
    probs = chart.probabilities(temperature)
    assert math.isclose(sum(probs), 1.0)
    assert probs == sorted(probs, reverse=True)  # the example's logits are in descending order


def test_lower_temperature_sharpens():
    tops = [chart.probabilities(t)[0] for t in (0.3, 0.8, 1.0, 1.2)]
    assert tops == sorted(tops, reverse=True)
    assert chart.probabilities(0.3)[0] > 0.85 > chart.probabilities(1.2)[0]


def test_temperature_zero_is_refused():
    with pytest.raises(ValueError):
        chart.probabilities(0)


def test_top_p_keeps_the_smallest_set():
    probs = chart.probabilities(1.0)
    kept = chart.top_p_survivors(probs, chart.TOP_P)
    assert sum(probs[i] for i in kept) >= chart.TOP_P
    assert sum(probs[i] for i in kept[:-1]) < chart.TOP_P
    assert 1 < len(kept) < len(probs)  # the example must show both kept and cut tokens
    assert chart.top_p_survivors(probs, 1.0) == list(range(len(probs)))


def test_sampling_distribution_only_uses_survivors():
    final = chart.sampling_distribution(chart.TOP_P, chart.MY_CODER_TEMPERATURE)
    kept = chart.top_p_survivors(chart.probabilities(1.0), chart.TOP_P)
    assert math.isclose(sum(final), 1.0)
    assert all(final[i] == 0.0 for i in range(len(final)) if i not in kept)


def test_page_table_matches_the_script():
    assert marked_block(read_page(PAGE), "sampling-table") == chart.markdown_table()


def test_page_prose_numbers_match_the_script():
    page = read_page(PAGE)
    kept = chart.top_p_survivors(chart.probabilities(1.0), chart.TOP_P)
    expected = [
        "keeps %d of the %d candidates" % (len(kept), len(chart.EXAMPLE_LOGITS)),
        "from %s at temperature 1.2 to %s at temperature 0.3"
        % (chart.percent(chart.probabilities(1.2)[0]), chart.percent(chart.probabilities(0.3)[0])),
        "%s at the default 0.8" % chart.percent(chart.probabilities(0.8)[0]),
    ]
    for phrase in expected:
        assert phrase in page, "docs/sampling-parameters.md should say %r" % phrase


def test_page_embeds_the_generated_image():
    assert "](images/sampling-parameters.png)" in read_page(PAGE)
