# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""scripts/ee_offline.py, the offline variant of ee/execution-environment.yml that `make ee` builds: what
ansible-builder writes from it (ansible-builder create, no Docker), and a pin that the collections folder does not
hold (tests/ee/ee_test.sh builds and runs the image)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import shutil
import subprocess
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK_DIR = os.environ.get("LLO_WORK_DIR", os.path.join(REPO_ROOT, ".work"))
DEFINITION = os.path.join(REPO_ROOT, "ee", "execution-environment.yml")
SCRIPT = os.path.join(REPO_ROOT, "scripts", "ee_offline.py")


def generate(tmp_path, definition=DEFINITION):
    (tmp_path / "wheelhouse").mkdir(exist_ok=True)
    tarball = tmp_path / "local_llm-ollama-0.1.0.tar.gz"
    tarball.write_bytes(b"")
    output = tmp_path / "execution-environment.yml"
    done = subprocess.run(
        [sys.executable, SCRIPT, definition, "local/ee-base:test", os.path.join(WORK_DIR, "collections"), str(tarball),
         str(tmp_path / "wheelhouse"), str(output)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return done, output


def stages(containerfile):
    """{stage name: its lines} of a Containerfile."""
    found, name = {}, None
    for line in containerfile.splitlines():
        match = re.match(r"FROM \S+ AS (\w+)", line)
        if match:
            name = match.group(1)
        found.setdefault(name, []).append(line)
    return found


def test_the_final_stage_gets_no_wheelhouse_and_no_pip_no_index(tmp_path):
    done, output = generate(tmp_path)
    assert done.returncode == 0, done.stderr
    offline = yaml.safe_load(output.read_text())
    assert offline["images"]["base_image"]["name"] == "local/ee-base:test"
    assert "prepend_base" not in offline["additional_build_steps"]
    assert "ansible-core==2.19.14" in offline["dependencies"]["python"]
    kinds = {
        entry["name"].rsplit("/", 2)[-2:][-1]: entry["type"]
        for entry in offline["dependencies"]["galaxy"]["collections"]
    }
    assert kinds == {
        "local_llm-ollama-0.1.0.tar.gz": "file",
        "docker": "dir",
        "general": "dir",
        "posix": "dir",
        "library_inventory_filtering_v1": "dir",
    }
    context = tmp_path / "context"
    create = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-builder"), "create", "-f", str(output), "-c", str(context),
         "--output-filename", "Dockerfile"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert create.returncode == 0, create.stdout + create.stderr
    by_stage = stages((context / "Dockerfile").read_text())
    for stage in ("base", "final"):
        assert not [line for line in by_stage[stage] if "wheelhouse" in line], by_stage[stage]
    assert not [line for stage in by_stage.values() for line in stage if re.match(r"ENV .*PIP_NO_INDEX", line)]
    assert "ARG PIP_NO_INDEX=1" in by_stage["builder"] and "ARG PIP_NO_INDEX=1" in by_stage["final"]
    assert "COPY _build/wheelhouse /build/wheelhouse" in by_stage["builder"]


def test_a_pin_the_collections_folder_does_not_hold_is_refused(tmp_path):
    definition = yaml.safe_load(open(DEFINITION))
    for entry in definition["dependencies"]["galaxy"]["collections"]:
        if entry["name"] == "community.docker":
            entry["version"] = "9.9.9"
    changed = tmp_path / "definition.yml"
    changed.write_text(yaml.safe_dump(definition))
    shutil.rmtree(tmp_path / "context", ignore_errors=True)
    done, output = generate(tmp_path, str(changed))
    assert done.returncode != 0
    assert "community.docker is 4.8.5" in done.stderr and "pins 9.9.9" in done.stderr, done.stderr
    assert "ee/execution-environment.yml" in done.stderr
    assert not output.exists()
