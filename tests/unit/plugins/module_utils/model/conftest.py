# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the model tests: the recorded /api/show of a derived model and of its base, as ModelStates."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.model._state import state_from_show


@pytest.fixture
def derived_state(recorded):
    return state_from_show(recorded.json("show_derived.json"))


@pytest.fixture
def base_state(recorded):
    return state_from_show(recorded.json("show.json"))
