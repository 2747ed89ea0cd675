# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds the stub libnvidia-ml.so.1 of tests/fixtures/nvml-stub/stub.c with gcc, once per source and variant.

The unit tests (test_nvml, test_facts, test_gpu_facts), the functional and real tests and the molecule scenario
wsl2_host all use it. Built libraries are kept under the temporary folder, named by a hash of the source and the
compiler flags, so the three ansible-core unit sessions running side by side build each variant once.
Run as a program, it prints the folder holding the built library: ``python nvml_stub.py [variant]``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

LIBRARY_NAME = "libnvidia-ml.so.1"
SOURCE = os.path.join(
    os.path.dirname(
        os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
    ),
    "tests",
    "fixtures",
    "nvml-stub",
    "stub.c",
)
# The RTX 3060 12 GB on driver 591.74, and the same card on a driver too old for nvmlDeviceGetMemoryBusWidth.
VARIANTS = {"rtx3060": [], "old-driver": ["-DNVML_STUB_OLD_DRIVER"]}
# NVML_STUB_MODE values the stub knows (read at every call): see stub.c.
MODE_VARIABLE = "NVML_STUB_MODE"


def ensure_gcc():
    """gcc from PATH; installed from Debian's packages when missing and this is root, else a clear error."""
    if shutil.which("gcc"):
        return shutil.which("gcc")
    if os.geteuid() != 0:
        raise RuntimeError("gcc is missing and this is not root: install it (sudo apt-get install gcc libc6-dev)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    subprocess.run(
        [
            "apt-get",
            "install",
            "-y",
            "-qq",
            "-o",
            "DPkg::Lock::Timeout=600",
            "--no-install-recommends",
            "gcc",
            "libc6-dev",
        ],
        env=env,
        check=True,
    )
    return shutil.which("gcc")


def build(variant="rtx3060", cache_root=None):
    """The folder holding the built stub ``libnvidia-ml.so.1`` of that variant (built on first use)."""
    flags = VARIANTS[variant]
    with open(SOURCE, "rb") as handle:
        digest = hashlib.sha256(handle.read() + repr(flags).encode()).hexdigest()[:16]
    cache_root = cache_root or os.path.join(tempfile.gettempdir(), "local_llm-nvml-stub-%d" % os.getuid())
    folder = os.path.join(cache_root, "%s-%s" % (variant, digest))
    library = os.path.join(folder, LIBRARY_NAME)
    if os.path.exists(library):
        return folder
    os.makedirs(folder, exist_ok=True)
    partial = tempfile.NamedTemporaryFile(dir=folder, prefix=".building-", delete=False)
    partial.close()
    command = [ensure_gcc(), "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-Wl,-soname," + LIBRARY_NAME]
    subprocess.run(command + flags + ["-o", partial.name, SOURCE], check=True)
    os.replace(partial.name, library)
    return folder


if __name__ == "__main__":
    print(build(*sys.argv[1:2]))
