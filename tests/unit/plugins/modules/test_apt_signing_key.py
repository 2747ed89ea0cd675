# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""apt_signing_key and the OpenPGP fingerprint reader: the molecule test keys, keys made by the real gpg (RSA with a
subkey, armored and binary), a real HTTP server, and files that must be refused."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import json
import os
import shutil
import subprocess
import tempfile
import threading
from http.server import HTTPServer, SimpleHTTPRequestHandler

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.local_llm.ollama.plugins.module_utils import _openpgp
from ansible_collections.local_llm.ollama.plugins.modules import apt_signing_key

FILES = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "molecule", "docker", "files")
DOCKER_TEST_KEY = os.path.join(FILES, "test-docker-repo-key.asc")
NVIDIA_TEST_KEY = os.path.join(FILES, "test-nvidia-repo-key.asc")
# gpg --show-keys --with-colons molecule/docker/files/test-*-repo-key.asc
DOCKER_TEST_FPR = "9D035EE78C24DCAD22D774A674F1CA462023A64B"
NVIDIA_TEST_FPR = "B2B3E951F6E60D5B9B5F34CC876C651178A4C099"


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


@pytest.fixture(scope="module")
def gpg_key():
    """An RSA key with an encryption subkey made by the real gpg: (armored, binary, fingerprint)."""
    if shutil.which("gpg") is None:
        pytest.skip("needs gpg")
    # A short home: gpg-agent's socket lives in it, and a socket path over 107 characters (pytest's temporary
    # folders under ansible-test's tests/output/.tmp are that long) makes every gpg call fail.
    home = tempfile.mkdtemp(prefix="llo-gpg-", dir="/tmp")
    env = dict(os.environ, GNUPGHOME=home)
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Test <test@example.invalid>",
            "rsa2048",
            "sign",
            "never",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    colons = subprocess.run(
        ["gpg", "--with-colons", "--list-keys"], env=env, check=True, capture_output=True, text=True
    ).stdout
    fingerprint = [line.split(":")[9] for line in colons.splitlines() if line.startswith("fpr:")][0]
    subprocess.run(
        ["gpg", "--batch", "--passphrase", "", "--quick-add-key", fingerprint, "rsa2048", "encr", "never"],
        env=env,
        check=True,
        capture_output=True,
    )
    armored = subprocess.run(
        ["gpg", "--armor", "--export", fingerprint], env=env, check=True, capture_output=True
    ).stdout
    binary = subprocess.run(["gpg", "--export", fingerprint], env=env, check=True, capture_output=True).stdout
    yield armored, binary, fingerprint
    subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=env, check=False, capture_output=True)
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def key_server(tmp_path):
    shutil.copy(DOCKER_TEST_KEY, str(tmp_path / "gpg"))
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/gpg" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_test_keys_have_gpgs_fingerprints():
    assert _openpgp.primary_fingerprints(read(DOCKER_TEST_KEY)) == [DOCKER_TEST_FPR]
    assert _openpgp.primary_fingerprints(read(NVIDIA_TEST_KEY)) == [NVIDIA_TEST_FPR]


def test_an_rsa_key_with_a_subkey_armored_and_binary(gpg_key):
    armored, binary, fingerprint = gpg_key
    assert _openpgp.primary_fingerprints(armored) == [fingerprint]
    assert _openpgp.primary_fingerprints(binary) == [fingerprint]


def test_two_keys_in_one_file_are_both_reported(gpg_key):
    both = read(DOCKER_TEST_KEY) + b"\n" + gpg_key[0]
    assert _openpgp.primary_fingerprints(both) == [DOCKER_TEST_FPR, gpg_key[2]]
    assert _openpgp.unpinned(_openpgp.primary_fingerprints(both), [DOCKER_TEST_FPR]) == [gpg_key[2]]


def test_fingerprints_are_compared_without_spaces_case_or_0x():
    assert (
        _openpgp.normalize_fingerprint("9dc8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88")
        == "9DC858229FC7DD38854AE2D88D81803C0EBFCD88"
    )
    assert _openpgp.unpinned([DOCKER_TEST_FPR], ["0x" + DOCKER_TEST_FPR.lower()]) == []


@pytest.mark.parametrize("data", [b"", b"not a key", b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n"])
def test_garbage_is_not_a_key(data):
    with pytest.raises(_openpgp.KeyFormatError):
        _openpgp.primary_fingerprints(data)


def test_a_pinned_key_is_written_then_unchanged(capsys, tmp_path):
    dest = str(tmp_path / "keyrings" / "docker.asc")
    args = {"src": "file://" + DOCKER_TEST_KEY, "dest": dest, "fingerprints": [DOCKER_TEST_FPR]}
    checked = run_module(capsys, args, check_mode=True, diff=True)
    assert checked["changed"] is True and not os.path.exists(dest)
    assert "BEGIN PGP PUBLIC KEY BLOCK" in checked["diff"]["after"]
    first = run_module(capsys, args)
    assert first["changed"] is True and first["fingerprints"] == [DOCKER_TEST_FPR]
    assert read(dest) == read(DOCKER_TEST_KEY)
    assert os.stat(dest).st_mode & 0o777 == 0o644
    assert run_module(capsys, args)["changed"] is False


def test_a_key_with_another_fingerprint_fails_naming_both_and_writes_nothing(capsys, tmp_path):
    dest = tmp_path / "docker.asc"
    dest.write_text("the key the user had")
    result = run_module(
        capsys,
        {
            "src": NVIDIA_TEST_KEY,
            "dest": str(dest),
            "fingerprints": [DOCKER_TEST_FPR],
            "name": "Docker's key (docker_nvidia_docker_apt_key_fingerprints)",
        },
    )
    assert result["failed"] is True
    assert NVIDIA_TEST_FPR in result["msg"] and DOCKER_TEST_FPR in result["msg"]
    assert "Docker's key (docker_nvidia_docker_apt_key_fingerprints)" in result["msg"]
    assert dest.read_text() == "the key the user had"


def test_an_extra_key_in_the_file_is_refused(capsys, tmp_path, gpg_key):
    src = tmp_path / "both.asc"
    src.write_bytes(read(DOCKER_TEST_KEY) + gpg_key[0])
    result = run_module(capsys, {"src": str(src), "dest": str(tmp_path / "k.asc"), "fingerprints": [DOCKER_TEST_FPR]})
    assert result["failed"] is True and gpg_key[2] in result["msg"]
    assert not (tmp_path / "k.asc").exists()


def test_plain_http_is_refused_unless_allowed(capsys, tmp_path, key_server):
    args = {"src": key_server, "dest": str(tmp_path / "k.asc"), "fingerprints": [DOCKER_TEST_FPR]}
    refused = run_module(capsys, args)
    assert refused["failed"] is True and "plain http://" in refused["msg"]
    assert not (tmp_path / "k.asc").exists()
    allowed = run_module(capsys, dict(args, allow_http=True))
    assert allowed["changed"] is True and allowed["fingerprints"] == [DOCKER_TEST_FPR]


def test_a_wrong_pin_format_is_refused(capsys, tmp_path):
    result = run_module(capsys, {"src": DOCKER_TEST_KEY, "dest": str(tmp_path / "k.asc"), "fingerprints": ["1234"]})
    assert result["failed"] is True and "40 or 64 hexadecimal digits" in result["msg"]


def test_an_unreachable_key_fails_but_only_warns_in_check_mode(capsys, tmp_path):
    args = {
        "src": "https://127.0.0.1:9/gpg",
        "dest": str(tmp_path / "k.asc"),
        "fingerprints": [DOCKER_TEST_FPR],
        "timeout": 5,
    }
    failed = run_module(capsys, args)
    assert failed["failed"] is True and "downloading https://127.0.0.1:9/gpg failed" in failed["msg"]
    checked = run_module(capsys, args, check_mode=True)
    assert checked["changed"] is True and "failed" not in checked
    assert "in check mode the key is not checked" in checked["msg"]
    assert not (tmp_path / "k.asc").exists()
