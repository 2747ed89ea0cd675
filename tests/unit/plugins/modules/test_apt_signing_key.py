# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""apt_signing_key: a pinned key written once, keys with another or an extra fingerprint refused, plain http://, a
real HTTP server and check mode. The fingerprint reader itself: module_utils/host/test_openpgp.py."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import os
import shutil
import threading
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.local_llm.ollama.plugins.modules import apt_signing_key


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def run_module(capsys, args, check_mode=False, diff=False):
    if check_mode:
        args = dict(args, _ansible_check_mode=True)
    if diff:
        args = dict(args, _ansible_diff=True)
    with patch_module_args(args):
        with pytest.raises(SystemExit):
            apt_signing_key.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def key_server(tmp_path, repo_keys):
    shutil.copy(repo_keys.docker, str(tmp_path / "gpg"))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/gpg" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_pinned_key_is_written_then_unchanged(capsys, tmp_path, repo_keys):
    dest = str(tmp_path / "keyrings" / "docker.asc")
    args = {"src": "file://" + repo_keys.docker, "dest": dest, "fingerprints": [repo_keys.docker_fpr]}
    checked = run_module(capsys, args, check_mode=True, diff=True)
    assert checked["changed"] is True and not os.path.exists(dest)
    assert "BEGIN PGP PUBLIC KEY BLOCK" in checked["diff"]["after"]
    first = run_module(capsys, args)
    assert first["changed"] is True and first["fingerprints"] == [repo_keys.docker_fpr]
    assert read(dest) == read(repo_keys.docker)
    assert os.stat(dest).st_mode & 0o777 == 0o644
    assert run_module(capsys, args)["changed"] is False


def test_a_key_with_another_fingerprint_fails_naming_both_and_writes_nothing(capsys, tmp_path, repo_keys):
    dest = tmp_path / "docker.asc"
    dest.write_text("the key the user had")
    result = run_module(
        capsys,
        {
            "src": repo_keys.nvidia,
            "dest": str(dest),
            "fingerprints": [repo_keys.docker_fpr],
            "name": "Docker's key (docker_nvidia_docker_apt_key_fingerprints)",
        },
    )
    assert result["failed"] is True
    assert repo_keys.nvidia_fpr in result["msg"] and repo_keys.docker_fpr in result["msg"]
    assert "Docker's key (docker_nvidia_docker_apt_key_fingerprints)" in result["msg"]
    assert dest.read_text() == "the key the user had"


def test_an_extra_key_in_the_file_is_refused(capsys, tmp_path, gpg_key, repo_keys):
    src = tmp_path / "both.asc"
    src.write_bytes(read(repo_keys.docker) + gpg_key[0])
    result = run_module(
        capsys, {"src": str(src), "dest": str(tmp_path / "k.asc"), "fingerprints": [repo_keys.docker_fpr]}
    )
    assert result["failed"] is True and gpg_key[2] in result["msg"]
    assert not (tmp_path / "k.asc").exists()


def test_plain_http_is_refused_unless_allowed(capsys, tmp_path, key_server, repo_keys):
    args = {"src": key_server, "dest": str(tmp_path / "k.asc"), "fingerprints": [repo_keys.docker_fpr]}
    refused = run_module(capsys, args)
    assert refused["failed"] is True and "plain http://" in refused["msg"]
    assert not (tmp_path / "k.asc").exists()
    allowed = run_module(capsys, dict(args, allow_http=True))
    assert allowed["changed"] is True and allowed["fingerprints"] == [repo_keys.docker_fpr]


def test_a_wrong_pin_format_is_refused(capsys, tmp_path, repo_keys):
    result = run_module(capsys, {"src": repo_keys.docker, "dest": str(tmp_path / "k.asc"), "fingerprints": ["1234"]})
    assert result["failed"] is True and "40 or 64 hexadecimal digits" in result["msg"]


def test_an_unreachable_key_fails_but_only_warns_in_check_mode(capsys, tmp_path, repo_keys):
    args = {
        "src": "https://127.0.0.1:9/gpg",
        "dest": str(tmp_path / "k.asc"),
        "fingerprints": [repo_keys.docker_fpr],
        "timeout": 5,
    }
    failed = run_module(capsys, args)
    assert failed["failed"] is True and "downloading https://127.0.0.1:9/gpg failed" in failed["msg"]
    checked = run_module(capsys, args, check_mode=True)
    assert checked["changed"] is True and "failed" not in checked
    assert "in check mode the key is not checked" in checked["msg"]
    assert not (tmp_path / "k.asc").exists()
