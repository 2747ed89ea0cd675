# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ollama_host filter: the error a role sees; the forms themselves are in test_endpoint_table.py's table,
which runs them through this filter and through the modules' path alike."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.ollama_host import ollama_host


def test_null_is_the_default():
    assert ollama_host(None)["url"] == "http://127.0.0.1:11434"


@pytest.mark.parametrize("value", ["127.0.0.1:http", "127.0.0.1:70000", "127.0.0.1:0"])
def test_bad_port_is_a_filter_error_naming_the_option(value):
    with pytest.raises(AnsibleFilterError, match=r"^local_llm.ollama.ollama_host: ollama_listen=.* has the port"):
        ollama_host(value, "ollama_listen")
