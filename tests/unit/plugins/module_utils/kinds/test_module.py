# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""kinds/_module: the values a task gave are checked as AnsibleModule will read them (a type path option after ~ and
$VAR expansion), and only then by their kinds."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import kind_problems

PATH_SPEC = {"gguf_path": {"type": "path"}, "label": {"type": "str"}}
PATH_KINDS = {"gguf_path": {"kind": "absolute_path"}, "label": {"kind": "text", "single_line": True}}


def test_a_path_option_is_read_as_ansible_expands_it(monkeypatch):
    monkeypatch.setenv("HOME", "/home/user")
    monkeypatch.setenv("MODELS", "/srv/models")
    assert kind_problems(PATH_SPEC, PATH_KINDS, {"gguf_path": "~/model.gguf"}) == []
    assert kind_problems(PATH_SPEC, PATH_KINDS, {"gguf_path": "$MODELS/model.gguf"}) == []


def test_a_relative_path_is_still_refused_and_named():
    problems = kind_problems(PATH_SPEC, PATH_KINDS, {"gguf_path": "models/model.gguf"})
    assert len(problems) == 1 and problems[0].startswith("gguf_path ")


def test_only_path_options_are_expanded(monkeypatch):
    monkeypatch.setenv("HOME", "/home/user")
    problems = kind_problems(PATH_SPEC, PATH_KINDS, {"label": "a\nb"})
    assert len(problems) == 1 and problems[0].startswith("label ")
