# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the offline variant of the execution environment definition (ee/execution-environment.yml) for `make ee`:
the same collections, packages and versions, from local sources only, for a build without a network.

- the base image is the local one scripts/ee.sh builds with debootstrap, which already has what prepend_base installs
  (Python, pip, bindep, openssh-client), so prepend_base goes;
- the collections come from the built tarball and the collections folder (additional_build_files), each checked
  against the version the definition pins;
- ansible-core, ansible-runner and dumb-init join the Python requirements: they are built into wheels in the builder
  stage and installed in the final one, so no stage that the final image is made from ever sees the wheelhouse
  (ansible-builder's base stage is a layer of the final image); ansible-builder's check for ansible therefore runs
  before they are there and is skipped (tests/ee checks the image instead);
- the wheelhouse (pip download) is copied into the galaxy and builder stages only, with PIP_NO_INDEX as a build ARG
  (never an ENV), so neither it nor PIP_NO_INDEX reaches the final image; the final stage gets the wheels of its
  requirements the way ansible-builder passes them on anyway, in the builder's /output.

Usage: ee_offline.py DEFINITION BASE_IMAGE COLLECTIONS_ROOT TARBALL WHEELHOUSE OUTPUT
       ee_offline.py --pip DEFINITION     (the Python packages the offline variant adds, one a line)
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import yaml

INIT_PACKAGE = "dumb-init==1.2.5"
BUILD_DIR = "/build"
FINAL_WHEELS = "/output/wheels/offline"


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def moved_python_packages(definition):
    """The pip requirements the offline variant installs from the wheels instead of in the base stage."""
    dependencies = definition["dependencies"]
    return [dependencies["ansible_core"]["package_pip"], dependencies["ansible_runner"]["package_pip"], INIT_PACKAGE]


def pinned_collections(definition):
    return {entry["name"]: str(entry["version"]) for entry in definition["dependencies"]["galaxy"]["collections"]}


def local_collections(collections_root, tarball, pins):
    """galaxy requirements entries for the local sources; exits naming the collection whose version differs."""
    entries = [{"name": "%s/collections/%s" % (BUILD_DIR, os.path.basename(tarball)), "type": "file"}]
    namespaces = os.path.join(collections_root, "ansible_collections")
    for namespace in sorted(os.listdir(namespaces)):
        for name in sorted(os.listdir(os.path.join(namespaces, namespace))):
            fqcn = "%s.%s" % (namespace, name)
            if fqcn not in pins:
                continue
            with open(os.path.join(namespaces, namespace, name, "MANIFEST.json")) as handle:
                version = json.load(handle)["collection_info"]["version"]
            if version != pins[fqcn]:
                sys.exit(
                    "%s is %s under %s, but the definition pins %s: make the pin in ee/execution-environment.yml "
                    "and the collections folder agree" % (fqcn, version, collections_root, pins[fqcn])
                )
            entries.append({"name": "%s/collections/%s/%s" % (BUILD_DIR, namespace, name), "type": "dir"})
    missing = (
        set(pins) - {"local_llm.ollama"} - {e["name"].split("/collections/")[1].replace("/", ".") for e in entries[1:]}
    )
    if missing:
        sys.exit(
            "not under %s: %s (make ee takes them from the collections folder)"
            % (collections_root, ", ".join(sorted(missing)))
        )
    return entries


def offline_definition(definition, base_image, collections_root, tarball, wheelhouse):
    pins = pinned_collections(definition)
    core = definition["dependencies"]["ansible_core"]["package_pip"]
    python = moved_python_packages(definition)
    offline = dict(definition)
    offline["images"] = {"base_image": {"name": base_image}}
    dependencies = {
        key: value for key, value in definition["dependencies"].items() if key not in ("ansible_core", "ansible_runner")
    }
    dependencies["python"] = list(dependencies.get("python") or []) + python
    dependencies["galaxy"] = {"collections": local_collections(collections_root, tarball, pins)}
    offline["dependencies"] = dependencies
    options = dict(definition.get("options") or {})
    options["skip_ansible_check"] = True
    options["container_init"] = {
        "package_pip": "",
        "entrypoint": '["/opt/builder/bin/entrypoint", "dumb-init"]',
        "cmd": '["bash"]',
    }
    offline["options"] = options
    offline["build_arg_defaults"] = dict(
        definition.get("build_arg_defaults") or {}, ANSIBLE_GALAXY_CLI_COLLECTION_OPTS="--offline"
    )
    offline["additional_build_files"] = list(definition.get("additional_build_files") or []) + [
        {"src": os.path.abspath(wheelhouse), "dest": "wheelhouse"},
        {"src": os.path.abspath(tarball), "dest": "collections"},
        {"src": os.path.abspath(os.path.join(collections_root, "ansible_collections")), "dest": "collections"},
    ]
    steps = {
        key: list(value)
        for key, value in (definition.get("additional_build_steps") or {}).items()
        if key != "prepend_base"
    }
    wheels = [
        "COPY _build/wheelhouse %s/wheelhouse" % BUILD_DIR,
        "ARG PIP_NO_INDEX=1",
        "ARG PIP_FIND_LINKS=%s/wheelhouse" % BUILD_DIR,
    ]
    steps["prepend_galaxy"] = (
        ["COPY _build/collections %s/collections" % BUILD_DIR]
        + wheels
        + ["RUN $PYCMD -m pip install --no-cache-dir '%s'" % core]
        + steps.get("prepend_galaxy", [])
    )
    steps["prepend_builder"] = wheels + steps.get("prepend_builder", [])
    # The final stage installs from the builder's /output (ansible-builder copies it in and removes it again): the
    # wheels of the requirements alone go there, in a folder of their own (top-level wheels in /output/wheels would
    # make ansible-builder uninstall Debian's own Python packages first).
    steps["append_builder"] = steps.get("append_builder", []) + [
        "RUN $PYCMD -m pip download --no-cache-dir -d %s -r /output/requirements.txt" % FINAL_WHEELS
    ]
    steps["prepend_final"] = ["ARG PIP_NO_INDEX=1", "ARG PIP_FIND_LINKS=%s" % FINAL_WHEELS] + steps.get(
        "prepend_final", []
    )
    offline["additional_build_steps"] = steps
    return offline


def main(argv):
    if argv[:1] == ["--pip"]:
        print("\n".join(moved_python_packages(load(argv[1]))))
        return 0
    definition_path, base_image, collections_root, tarball, wheelhouse, output = argv
    offline = offline_definition(load(definition_path), base_image, collections_root, tarball, wheelhouse)
    with open(output, "w") as handle:
        handle.write("# Generated by scripts/ee_offline.py from %s: do not edit.\n" % os.path.relpath(definition_path))
        yaml.safe_dump(offline, handle, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
