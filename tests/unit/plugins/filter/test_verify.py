# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""verify_table: the summary table of the verify role."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.verify import verify_parameters_mismatch, verify_table

RESULTS = [
    {"check": "GPU visible", "status": "WARN", "value": "no NVIDIA GPU", "expected": "an NVIDIA GPU"},
    {"check": "API version", "status": "PASS", "value": "0.32.15", "expected": "0.32.15"},
    {"check": "my-coder num_ctx", "status": "FAIL", "value": 4096, "expected": 16384},
    {"check": "models disk", "status": "PASS", "value": None, "expected": ""},
]


def test_first_line_counts_each_status():
    assert verify_table(RESULTS, "lab-01")[0] == "verify lab-01: 2 PASS, 1 WARN, 1 FAIL"


def test_header_then_one_line_per_check():
    lines = verify_table(RESULTS)
    assert lines[1].split() == ["CHECK", "STATUS", "SEEN", "EXPECTED"]
    assert len(lines) == 2 + len(RESULTS)


def test_columns_are_aligned():
    lines = verify_table(RESULTS)[1:]
    status_column = lines[0].index("STATUS")
    assert [line[status_column : status_column + 4] for line in lines[1:]] == ["WARN", "PASS", "FAIL", "PASS"]


def test_missing_values_show_as_dash():
    assert verify_table(RESULTS)[-1].split() == ["models", "disk", "PASS", "-", "-"]


def test_a_list_value_shows_every_item_under_the_seen_column():
    reasons = [
        "no NVIDIA GPU, looked for:",
        "nvml: no libnvidia-ml.so.1",
        "nvidia-smi: not found",
        "devices: no /dev/nvidia*",
    ]
    lines = verify_table([dict(RESULTS[0], value=reasons)] + RESULTS[1:])
    seen_column = lines[1].index("SEEN")
    assert lines[2].split()[:3] == ["GPU", "visible", "WARN"]
    assert lines[2][seen_column:].startswith("no NVIDIA GPU, looked for:")
    assert lines[2].rstrip().endswith("an NVIDIA GPU")
    assert [line[seen_column:] for line in lines[3:6]] == reasons[1:]
    assert all(not line[:seen_column].strip() for line in lines[3:6])
    assert lines[6].split()[:2] == ["API", "version"]


def test_numbers_are_shown_as_text():
    assert "4096" in verify_table(RESULTS)[4] and "16384" in verify_table(RESULTS)[4]


@pytest.mark.parametrize(
    "bad",
    [
        "not a list",
        [{"check": "x", "status": "OK"}],
        [{"status": "PASS"}],
        ["PASS"],
    ],
)
def test_bad_input_names_the_problem(bad):
    with pytest.raises(AnsibleFilterError, match="verify_table"):
        verify_table(bad)


def test_parameters_match_numerically():
    assert (
        verify_parameters_mismatch({"num_ctx": 16384, "temperature": 0.3}, {"num_ctx": "16384", "temperature": 0.30})
        == []
    )


def test_parameters_mismatch_names_actual_values():
    actual = {"num_ctx": 4096, "stop": ["<|im_end|>"]}
    expected = {"num_ctx": 16384, "top_p": 0.9, "stop": ["<|im_end|>"]}
    result = verify_parameters_mismatch(actual, expected)
    assert result == ["num_ctx=4096", "top_p=unset"]


def test_parameters_mismatch_rejects_non_dicts():
    with pytest.raises(AnsibleFilterError, match="must be dicts"):
        verify_parameters_mismatch(None, {"num_ctx": 1})
