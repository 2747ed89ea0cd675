# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the module_utils and modules tests share: the stub libnvidia-ml.so.1 that answers like an RTX 3060 12 GB on
driver 591.74 (test_nvml, test_facts, test_gpu_facts), and OpenPGP test keys (test_openpgp, test_apt_signing_key)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess
import tempfile
import types

import pytest

from ansible_collections.local_llm.ollama.tests.unit.plugins.module_utils.gpu import nvml_stub as _nvml_stub


@pytest.fixture
def nvml_stub(monkeypatch):
    """The stub libnvidia-ml.so.1 of tests/fixtures/nvml-stub (an RTX 3060 12 GB on driver 591.74), built once.

    library(variant) is the path of the built library ("rtx3060", or "old-driver" without
    nvmlDeviceGetMemoryBusWidth); mode(name) picks a fault the stub answers with (see stub.c); copy_to(folder)
    puts the library into a folder under its soname, as a driver installs it."""
    monkeypatch.delenv(_nvml_stub.MODE_VARIABLE, raising=False)

    class Stub:
        @staticmethod
        def library(variant="rtx3060"):
            return os.path.join(_nvml_stub.build(variant), _nvml_stub.LIBRARY_NAME)

        @staticmethod
        def mode(name):
            monkeypatch.setenv(_nvml_stub.MODE_VARIABLE, name)

        @staticmethod
        def copy_to(folder, variant="rtx3060"):
            folder = str(folder)
            if not os.path.isdir(folder):
                os.makedirs(folder)
            target = os.path.join(folder, _nvml_stub.LIBRARY_NAME)
            shutil.copy(Stub.library(variant), target)
            return target

    return Stub


# The molecule scenario docker's own test repository keys; fingerprints from
# gpg --show-keys --with-colons molecule/docker/files/test-*-repo-key.asc
_KEY_FILES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))),
    "molecule",
    "docker",
    "files",
)
REPO_KEYS = types.SimpleNamespace(
    docker=os.path.join(_KEY_FILES, "test-docker-repo-key.asc"),
    docker_fpr="9D035EE78C24DCAD22D774A674F1CA462023A64B",
    nvidia=os.path.join(_KEY_FILES, "test-nvidia-repo-key.asc"),
    nvidia_fpr="B2B3E951F6E60D5B9B5F34CC876C651178A4C099",
)


@pytest.fixture(scope="session")
def repo_keys():
    """The molecule test keys: .docker and .nvidia (paths of armored key files), .docker_fpr and .nvidia_fpr."""
    return REPO_KEYS


@pytest.fixture(scope="session")
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
