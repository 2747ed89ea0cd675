# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""wsl_conf_systemd / wsl_conf_enable_systemd against the spellings WSL's parser accepts and refuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.local_llm.ollama.plugins.filter.wsl_conf import wsl_conf_enable_systemd, wsl_conf_systemd

ON = [
    "[boot]\nsystemd=true\n",
    "[boot]\nsystemd = true\n",
    "[Boot]\nSystemd=True\n",
    "[BOOT]\nSYSTEMD=TRUE\n",
    "[boot]\nsystemd=1\n",
    '[boot]\nsystemd="true"\n',
    "[boot]\n  systemd = true   # needed for Ollama\n",
    "[boot]  # comment\r\nsystemd=true\r\n",
    "[network]\nhostname=lab\n[boot]\ncommand=echo hi\nsystemd=true\n",
    # The first occurrence wins; WSL ignores the second.
    "[boot]\nsystemd=true\nsystemd=false\n",
]
OFF = [
    "",
    "[boot]\nsystemd=false\n",
    "[boot]\nsystemd=yes\n",  # not a boolean for WSL (warning, default off)
    "[boot]\nsystemd=on\n",
    "[boot]\n# systemd=true\n",
    '[boot]\nsystemd="true\n',  # open quote: the line is ignored
    "systemd=true\n",  # outside [boot]
    "[automount]\nsystemd=true\n",
    "[boot]\nsystemd=false\nsystemd=true\n",
]


@pytest.mark.parametrize("text", ON)
def test_spellings_wsl_reads_as_on_are_kept_as_they_are(text):
    assert wsl_conf_systemd(text) is True
    assert wsl_conf_enable_systemd(text) == text


@pytest.mark.parametrize("text", OFF)
def test_spellings_wsl_reads_as_off_are_turned_on(text):
    assert wsl_conf_systemd(text) is False
    changed = wsl_conf_enable_systemd(text)
    assert wsl_conf_systemd(changed) is True
    assert wsl_conf_enable_systemd(changed) == changed


def test_the_line_wsl_reads_is_replaced_and_the_rest_kept():
    text = '[network]\nhostname = lab  # keep\n[Boot]\ncommand = "echo x"\nSystemD = False\n[user]\ndefault=me\n'
    assert wsl_conf_enable_systemd(text) == (
        '[network]\nhostname = lab  # keep\n[Boot]\ncommand = "echo x"\nsystemd=true\n[user]\ndefault=me\n'
    )


def test_the_key_is_added_to_an_existing_boot_section_or_a_new_one():
    assert (
        wsl_conf_enable_systemd("[boot]\ncommand=x\n[user]\ndefault=me\n")
        == "[boot]\nsystemd=true\ncommand=x\n[user]\ndefault=me\n"
    )
    assert wsl_conf_enable_systemd("[user]\ndefault=me\n") == "[user]\ndefault=me\n\n[boot]\nsystemd=true\n"
    assert wsl_conf_enable_systemd(None) == "[boot]\nsystemd=true\n"


def test_not_text_is_refused():
    with pytest.raises(AnsibleFilterError, match="wsl_conf_systemd: expects the text of wsl.conf"):
        wsl_conf_systemd(["[boot]"])
