# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""_openpgp, the OpenPGP fingerprint reader: the molecule test keys, keys made by the real gpg (RSA with a subkey,
armored and binary), two keys in one file, and data that is no key."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.host import _openpgp


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def test_the_test_keys_have_gpgs_fingerprints(repo_keys):
    assert _openpgp.primary_fingerprints(read(repo_keys.docker)) == [repo_keys.docker_fpr]
    assert _openpgp.primary_fingerprints(read(repo_keys.nvidia)) == [repo_keys.nvidia_fpr]


def test_an_rsa_key_with_a_subkey_armored_and_binary(gpg_key):
    armored, binary, fingerprint = gpg_key
    assert _openpgp.primary_fingerprints(armored) == [fingerprint]
    assert _openpgp.primary_fingerprints(binary) == [fingerprint]


def test_two_keys_in_one_file_are_both_reported(gpg_key, repo_keys):
    both = read(repo_keys.docker) + b"\n" + gpg_key[0]
    assert _openpgp.primary_fingerprints(both) == [repo_keys.docker_fpr, gpg_key[2]]
    assert _openpgp.unpinned(_openpgp.primary_fingerprints(both), [repo_keys.docker_fpr]) == [gpg_key[2]]


def test_fingerprints_are_compared_without_spaces_case_or_0x(repo_keys):
    assert (
        _openpgp.normalize_fingerprint("9dc8 5822 9FC7 DD38 854A  E2D8 8D81 803C 0EBF CD88")
        == "9DC858229FC7DD38854AE2D88D81803C0EBFCD88"
    )
    assert _openpgp.unpinned([repo_keys.docker_fpr], ["0x" + repo_keys.docker_fpr.lower()]) == []


@pytest.mark.parametrize("data", [b"", b"not a key", b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!\n"])
def test_garbage_is_not_a_key(data):
    with pytest.raises(_openpgp.KeyFormatError):
        _openpgp.primary_fingerprints(data)
