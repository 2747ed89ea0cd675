# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""port_owner_info end to end inside the test process: real AnsibleModule, a real listening socket read by the real
`ss`, and a stand-in `ss` for what this machine cannot produce (a socket whose processes are hidden)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import pwd
import shutil
import socket
import stat

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.local_llm.ollama.plugins.modules import port_owner_info

# ss -ltnpeH with the process hidden: a socket of the current user's uid in no systemd unit.
HIDDEN_SS = """#!/bin/sh
[ "$1" = "-ltnpeH" ] || { echo "unexpected arguments: $*" >&2; exit 2; }
echo "LISTEN 0      4096   127.0.0.1:11434 0.0.0.0:* uid:%d ino:48211 sk:3 <->"
""" % os.getuid()


def run_module(capsys, args):
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            port_owner_info.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def listener():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def hidden_ss(monkeypatch, tmp_path):
    path = tmp_path / "ss"
    path.write_text(HIDDEN_SS)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(tmp_path))


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2)")
def test_a_real_listener_is_found_with_its_address(capsys, listener):
    result = run_module(capsys, {"port": listener})
    assert result["changed"] is False
    assert [entry["address"] for entry in result["listeners"]] == ["127.0.0.1"]
    assert result["holder"] in ("other", "ollama_native")
    assert result["description"].endswith(" on 127.0.0.1")


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs ss (iproute2)")
def test_a_port_nobody_holds_is_free(capsys, listener):
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    probe.bind(("127.0.0.1", 0))
    free_port = probe.getsockname()[1]
    probe.close()
    result = run_module(capsys, {"port": free_port})
    assert (result["holder"], result["listeners"], result["description"]) == ("free", [], "")


def test_a_hidden_socket_of_the_ollama_user_is_native(capsys, hidden_ss):
    me = pwd.getpwuid(os.getuid()).pw_name
    result = run_module(capsys, {"port": 11434, "ollama_user": me})
    assert result["holder"] == "ollama_native"
    assert result["listeners"][0]["uid"] == os.getuid()


def test_a_hidden_socket_of_another_user_is_other(capsys, hidden_ss):
    result = run_module(capsys, {"port": 11434, "ollama_user": "no-such-user-llo"})
    assert result["holder"] == "other"
    assert result["description"] == "a process ss cannot show (socket of uid %d) on 127.0.0.1" % os.getuid()


def test_a_port_out_of_range_names_the_option(capsys, hidden_ss):
    result = run_module(capsys, {"port": 70000})
    assert result["failed"] is True
    assert result["msg"] == "port accepts a whole number from 1 to 65535, got the number 70000"
