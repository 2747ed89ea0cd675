# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the module_utils and modules tests share: a stand-in for the pynvml module that answers like an RTX 3060
12 GB on driver 591.74 (test_gpu, test_gpu_facts), and OpenPGP test keys (test_openpgp, test_apt_signing_key)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import subprocess
import tempfile
import types

import pytest

MIB = 1024 * 1024


class NVMLError(Exception):
    pass


class NVMLError_LibraryNotFound(NVMLError):  # noqa: N801 (pynvml's own class names)
    pass


class NVMLError_DriverNotLoaded(NVMLError):  # noqa: N801
    pass


class NVMLError_NotSupported(NVMLError):  # noqa: N801
    pass


class NVMLError_NotFound(NVMLError):  # noqa: N801
    pass


RTX_3060 = {
    "nvmlDeviceGetName": "NVIDIA GeForce RTX 3060",
    "nvmlDeviceGetUUID": "GPU-2f4e1f3c-6b5d-4c1e-9c55-0a4b0c3d5e6f",
    "nvmlDeviceGetMemoryInfo": types.SimpleNamespace(total=12288 * MIB, used=426 * MIB, free=11862 * MIB),
    "nvmlDeviceGetCudaComputeCapability": (8, 6),
    "nvmlDeviceGetMemoryBusWidth": 192,
    "nvmlDeviceGetTemperature": 41,
    "nvmlDeviceGetPowerManagementLimit": 170000,
    "nvmlDeviceGetUtilizationRates": types.SimpleNamespace(gpu=3, memory=1),
    "nvmlDeviceGetCurrPcieLinkGeneration": 1,
    "nvmlDeviceGetCurrPcieLinkWidth": 16,
    "nvmlDeviceGetMaxPcieLinkGeneration": 4,
    "nvmlDeviceGetMaxPcieLinkWidth": 16,
    "nvmlDeviceGetComputeRunningProcesses": [
        types.SimpleNamespace(pid=4242, usedGpuMemory=4896 * MIB),
        types.SimpleNamespace(pid=77, usedGpuMemory=None),
    ],
}
PROCESS_NAMES = {4242: "/usr/local/bin/ollama"}


def make_fake_pynvml(
    default_library=True, init_error=None, unsupported=(), device_count=1, cuda=13000, driver="591.74"
):
    """A module object with the pynvml calls gpu_facts makes.

    default_library: whether loading libnvidia-ml.so.1 by soname works (False = WSL2 root without the linker path).
    init_error: name of the NVMLError subclass nvmlInit raises once the library is loaded.
    unsupported: NVML function names that raise NVMLError_NotSupported.
    """
    fake = types.ModuleType("pynvml")
    fake.NVMLError = NVMLError
    fake.NVMLError_LibraryNotFound = NVMLError_LibraryNotFound
    fake.NVMLError_DriverNotLoaded = NVMLError_DriverNotLoaded
    fake.NVMLError_NotSupported = NVMLError_NotSupported
    fake.NVMLError_NotFound = NVMLError_NotFound
    fake.NVML_CLOCK_MEM = 2
    fake.NVML_TEMPERATURE_GPU = 0
    fake.nvmlLib = None
    fake.events = []

    def nvmlInit():
        if fake.nvmlLib is None:
            if not default_library:
                raise NVMLError_LibraryNotFound()
            fake.nvmlLib = "libnvidia-ml.so.1 (default search)"
        if init_error is not None:
            raise getattr(fake, init_error)()
        fake.events.append("init")

    def nvmlShutdown():
        fake.events.append("shutdown")

    def answer(name, value):
        def call(*args):
            assert "init" in fake.events, "%s called before nvmlInit" % name
            if name in unsupported:
                raise NVMLError_NotSupported()
            return value(*args) if callable(value) else value

        return call

    def handle(index):
        if index >= device_count:
            raise NVMLError_NotFound()
        return "handle-%d" % index

    def max_clock(dummy_handle, clock_type):
        assert clock_type == 2, "memory clock (NVML_CLOCK_MEM) expected"
        return 7501

    def process_name(pid):
        if pid not in PROCESS_NAMES:
            raise NVMLError_NotFound()
        return PROCESS_NAMES[pid]

    fake.nvmlInit = nvmlInit
    fake.nvmlShutdown = nvmlShutdown
    fake.nvmlDeviceGetCount = answer("nvmlDeviceGetCount", device_count)
    fake.nvmlDeviceGetHandleByIndex = answer("nvmlDeviceGetHandleByIndex", handle)
    fake.nvmlSystemGetDriverVersion = answer("nvmlSystemGetDriverVersion", driver)
    fake.nvmlSystemGetCudaDriverVersion = answer("nvmlSystemGetCudaDriverVersion", cuda)
    fake.nvmlSystemGetProcessName = answer("nvmlSystemGetProcessName", process_name)
    fake.nvmlDeviceGetMaxClockInfo = answer("nvmlDeviceGetMaxClockInfo", max_clock)
    for name, value in RTX_3060.items():
        setattr(fake, name, answer(name, _constant(value)))
    return fake


def _constant(value):
    def call(*args):
        return value

    return call


@pytest.fixture
def fake_pynvml():
    return make_fake_pynvml


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
