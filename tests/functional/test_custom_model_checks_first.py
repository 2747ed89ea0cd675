# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""custom_model checks its Modelfile templates, system text and variables before it asks the server for anything:
the host is an ssh connection where nothing listens, so a check that came after a request would show as unreachable
instead of the failure asserted here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest
from test_generated_bad_inputs_roles import UNREACHABLE, host_results, run_playbook_on

BROKEN_TEMPLATE = "FROM {{ custom_model_item.from }}\nPARAMETER num_ctx\n"
GOOD_TEMPLATE = 'FROM {{ custom_model_item.from }}\nSYSTEM """{{ custom_model_item.system | default("") }}"""\n'


@pytest.mark.parametrize(
    "template, entry, expected",
    [
        (
            BROKEN_TEMPLATE,
            {},
            "custom_model_models entry my-coder (my.Modelfile.j2): line 2: PARAMETER num_ctx needs a value",
        ),
        (GOOD_TEMPLATE, {"system": 'x """\nFROM evil'}, "custom_model_models entry my-coder"),
        (GOOD_TEMPLATE, {"num_ctx": "12GB"}, "num_ctx"),
    ],
)
def test_custom_model_fails_before_any_request(tmp_path, template, entry, expected):
    (tmp_path / "my.Modelfile.j2").write_text(template)
    model = dict({"name": "my-coder", "from": "qwen2.5-coder:7b", "modelfile": "my.Modelfile.j2"}, **entry)
    role = {
        "role": "local_llm.ollama.custom_model",
        "custom_model_modelfiles_dir": str(tmp_path),
        "custom_model_models": [model],
    }
    output = run_playbook_on(str(tmp_path), {"all": {"hosts": {"h": dict(UNREACHABLE)}}}, [role])
    results = host_results(output)["h"]
    failed = [(name, result) for name, result in results if result.get("failed") or result.get("unreachable")]
    assert failed, results
    name, result = failed[0]
    assert not result.get("unreachable"), "a task reached the host before the checks: %s" % name
    assert expected in json.dumps(result), result
