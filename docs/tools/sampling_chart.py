# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Draw docs/images/sampling-parameters.png: what temperature and top_p do to one next-token distribution.

    python docs/tools/sampling_chart.py                    # writes docs/images/sampling-parameters.png
    python docs/tools/sampling_chart.py --output x.png     # somewhere else
    python docs/tools/sampling_chart.py --table            # prints the Markdown table docs/sampling-parameters.md embeds

The numbers come from the functions below; tests/docs/test_sampling_chart.py checks the page against them.
The order of the steps is llama.cpp's default sampler chain, which Ollama 0.30+ runs for GGUF models:
top_p is decided on the unscaled (temperature 1) probabilities, then temperature reshapes the survivors.
"""

from __future__ import absolute_import, division, print_function

import argparse
import math
import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUTPUT = os.path.join(REPO_ROOT, "docs", "images", "sampling-parameters.png")

# Example: the model has written "if err != nil {" and a newline in Go; these are its eight best candidates for the
# next token, as raw scores (logits). A real vocabulary has about 152,000 tokens; the rest are left out here.
EXAMPLE_PROMPT = "if err != nil {"
EXAMPLE_LOGITS = (
    ("return", 4.0),
    ("log", 3.3),
    ("panic", 2.7),
    ("t", 2.3),
    ("fmt", 1.9),
    ("continue", 1.4),
    ("//", 1.0),
    ("http", 0.5),
)
TEMPERATURES = (0.3, 0.8, 1.2)  # my-coder, Ollama's default, a "creative" setting
TOP_P = 0.9
MY_CODER_TEMPERATURE = 0.3

TEMPERATURE_COLOURS = ("#1f4e9c", "#e07b00", "#2e8b3a")
KEPT_COLOUR = "#7b2cbf"
CUT_COLOUR = "#b8b8b8"
FINAL_COLOUR = "#c0392b"
FIGURE_SIZE_INCHES = (16.0, 5.6)
PANEL_WIDTHS = (1.7, 1.0, 1.0)
DPI = 100


def tokens():
    return [token for token, dummy in EXAMPLE_LOGITS]


def probabilities(temperature, logits=None):
    """Softmax of logits / temperature (temperature > 0), in the order of the logits."""
    if temperature <= 0:
        raise ValueError("temperature must be > 0 here (0 means greedy: always the top token)")
    scores = [value / temperature for dummy, value in (logits or EXAMPLE_LOGITS)]
    top = max(scores)
    weights = [math.exp(score - top) for score in scores]
    total = sum(weights)
    return [weight / total for weight in weights]


def top_p_survivors(probs, top_p):
    """Indexes of the smallest set of most probable tokens whose probabilities add up to at least top_p."""
    order = sorted(range(len(probs)), key=lambda index: probs[index], reverse=True)
    kept, cumulative = [], 0.0
    for index in order:
        kept.append(index)
        cumulative += probs[index]
        if cumulative >= top_p:
            break
    return kept


def sampling_distribution(top_p, temperature, logits=None):
    """What is finally sampled from: top_p on the unscaled probabilities, then temperature over the survivors."""
    logits = list(logits or EXAMPLE_LOGITS)
    kept = top_p_survivors(probabilities(1.0, logits), top_p)
    scaled = probabilities(temperature, [logits[index] for index in kept])
    result = [0.0] * len(logits)
    for index, probability in zip(kept, scaled):
        result[index] = probability
    return result


def percent(value):
    return "%.1f %%" % (100.0 * value)


def markdown_table():
    """The table of numbers docs/sampling-parameters.md embeds between its sampling-table markers."""
    columns = [("T %s" % t, probabilities(t)) for t in TEMPERATURES]
    columns.insert(2, ("T 1.0 (unscaled)", probabilities(1.0)))
    kept = set(top_p_survivors(probabilities(1.0), TOP_P))
    final = sampling_distribution(TOP_P, MY_CODER_TEMPERATURE)
    header = (
        ["token"]
        + [name for name, dummy in columns]
        + ["kept by top_p %s" % TOP_P, "my-coder (top_p %s, T %s)" % (TOP_P, MY_CODER_TEMPERATURE)]
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, token in enumerate(tokens()):
        cells = ["`%s`" % token] + [percent(probs[index]) for dummy, probs in columns]
        cells += ["yes" if index in kept else "no", percent(final[index])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _bar_labels(axis, bars, values, smallest=0.005):
    for patch, value in zip(bars, values):
        if value >= smallest:
            axis.annotate(
                "%.0f%%" % (100 * value) if value >= 0.095 else "%.1f%%" % (100 * value),
                (patch.get_x() + patch.get_width() / 2, patch.get_height()),
                ha="center",
                va="bottom",
                fontsize=7,
                xytext=(0, 1),
                textcoords="offset points",
            )


def draw(output):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = tokens()
    positions = list(range(len(names)))
    figure, (left, middle, right) = plt.subplots(
        1, 3, figsize=FIGURE_SIZE_INCHES, dpi=DPI, gridspec_kw={"width_ratios": PANEL_WIDTHS}
    )
    figure.suptitle('Next token after "%s" in Go: eight candidates of about 152,000' % EXAMPLE_PROMPT, fontsize=13)

    width = 0.8 / len(TEMPERATURES)
    for offset, (temperature, colour) in enumerate(zip(TEMPERATURES, TEMPERATURE_COLOURS)):
        values = probabilities(temperature)
        shift = (offset - (len(TEMPERATURES) - 1) / 2.0) * width
        bars = left.bar(
            [p + shift for p in positions], values, width, color=colour, label="temperature %s" % temperature
        )
        _bar_labels(left, bars, values, smallest=0.01)
    left.set_title("1. Temperature reshapes the distribution")
    left.legend(fontsize=9)

    unscaled = probabilities(1.0)
    kept = set(top_p_survivors(unscaled, TOP_P))
    middle.bar(positions, unscaled, 0.6, color=[KEPT_COLOUR if i in kept else CUT_COLOUR for i in positions])
    _bar_labels(middle, middle.patches, unscaled)
    cumulative, running = [], 0.0
    for value in unscaled:
        running += value
        cumulative.append(running)
    middle.plot(
        positions, cumulative, color="black", marker="o", markersize=4, linewidth=1.2, label="cumulative probability"
    )
    middle.axhline(TOP_P, color="black", linestyle="--", linewidth=1)
    middle.text(len(names) - 0.5, TOP_P + 0.015, "top_p %s" % TOP_P, ha="right", fontsize=9)
    middle.bar([0], [0], color=KEPT_COLOUR, label="kept (%d tokens)" % len(kept))
    middle.bar([0], [0], color=CUT_COLOUR, label="cut (never sampled)")
    middle.set_title("2. top_p %s: smallest set reaching %d %%" % (TOP_P, round(TOP_P * 100)))
    middle.legend(fontsize=9, loc="center right")

    final = sampling_distribution(TOP_P, MY_CODER_TEMPERATURE)
    bars = right.bar(positions, final, 0.6, color=FINAL_COLOUR)
    _bar_labels(right, bars, final)
    right.set_title("3. my-coder: top_p %s, then T %s" % (TOP_P, MY_CODER_TEMPERATURE))

    for axis in (left, middle, right):
        axis.set_xticks(positions)
        axis.set_xticklabels(names, family="monospace", fontsize=9, rotation=30, ha="right")
        axis.set_ylim(0, 1.05)
        axis.set_ylabel("probability")
        axis.grid(axis="y", alpha=0.3)
        axis.set_axisbelow(True)
    figure.tight_layout()
    directory = os.path.dirname(os.path.abspath(output))
    if not os.path.isdir(directory):
        os.makedirs(directory)
    figure.savefig(output, dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help="PNG to write (default: %(default)s)")
    parser.add_argument("--table", action="store_true", help="print the Markdown table of numbers instead")
    args = parser.parse_args(argv)
    if args.table:
        print(markdown_table())
    else:
        print("wrote %s" % draw(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
