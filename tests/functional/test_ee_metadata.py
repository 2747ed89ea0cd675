# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's metadata for execution environment builders (meta/execution-environment.yml): what
`ansible-builder introspect` finds in the built and installed collection, next to community.docker's, and that it
stays the controller's list (requirements/controller.txt reads it) without the GPU host's NVML bindings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK_DIR = os.environ.get("LLO_WORK_DIR", os.path.join(REPO_ROOT, ".work"))
BIN_DIR = os.path.dirname(sys.executable)


def run(*args):
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, "%s failed:\n%s%s" % (" ".join(args), done.stdout, done.stderr)
    return done.stdout


def installed_built_collection(tmp_path):
    """Builds the collection tarball as a release would and installs it (no Galaxy); returns the collections root."""
    dist = tmp_path / "dist"
    run(os.path.join(BIN_DIR, "ansible-galaxy"), "collection", "build", REPO_ROOT, "--output-path", str(dist))
    (tarball,) = dist.iterdir()
    root = tmp_path / "collections"
    run(os.path.join(BIN_DIR, "ansible-galaxy"), "collection", "install", str(tarball), "-p", str(root), "--no-deps")
    return root


def test_introspect_lists_our_python_and_system_deps_next_to_community_docker(tmp_path):
    root = installed_built_collection(tmp_path)
    # community.docker as ensure_collections installed it, beside ours: introspect reads one collections root.
    (root / "ansible_collections" / "community").symlink_to(
        os.path.join(WORK_DIR, "collections", "ansible_collections", "community")
    )
    report = run(os.path.join(BIN_DIR, "ansible-builder"), "introspect", "--sanitize", str(root))
    found = yaml.safe_load(report)
    python = [line.split("#")[0].strip() for line in found["python"] if "local_llm.ollama" in line]
    assert python == ["jmespath==1.1.0", "requests==2.34.2"], report
    assert any("requests" in line and "community.docker" in line for line in found["python"]), report
    assert "openssh-client [platform:dpkg]  # from collection local_llm.ollama" in found["system"], report
    assert not [line for line in found["python"] if "nvidia-ml-py" in line or "matplotlib" in line], report


def test_the_controller_requirements_read_the_execution_environment_list():
    with open(os.path.join(REPO_ROOT, "requirements", "controller.txt")) as handle:
        assert "-r ../meta/ee-requirements.txt" in handle.read().splitlines()
