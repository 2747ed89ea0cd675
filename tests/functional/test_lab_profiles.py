# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lab inventory pattern for every GPU memory class: playbooks/lab_groups.yml places hosts by
lab_gpu_memory_mb, and inventories/lab/group_vars turns each class into the settings the roles read. Real
ansible-playbook over an inventory of local hosts, one per class boundary; the table in docs/lab.md must say the same.
(The molecule scenario lab converges three of the classes on real machines; this covers all five.)"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re

import pytest
import yaml
from module_runner import COLLECTION_DIR, run_playbook

# host: (total MiB of its largest GPU, the class it must land in)
HOSTS = {
    "no-gpu": (0, "gpu_none"),
    "rtx3060ti": (8192, "gpu_8gb"),
    "below-11000": (10999, "gpu_8gb"),
    "at-11000": (11000, "gpu_12gb"),
    "rtx3060-12gb": (12288, "gpu_12gb"),
    "rtx4060ti-16gb": (16380, "gpu_16gb"),
    "below-23000": (22999, "gpu_16gb"),
    "rtx4090": (24564, "gpu_24gb"),
}

PLAYBOOK = """
- name: Classes
  ansible.builtin.import_playbook: local_llm.ollama.lab_groups

- name: What each host would get
  hosts: all
  gather_facts: false
  tasks:
    - name: Write the settings the roles read
      ansible.builtin.copy:
        dest: "{{ out_dir }}/{{ inventory_hostname }}.json"
        content: "{{ {'class': group_names | select('match', '^gpu_(none|[0-9]+gb)$') | list,
                      'model_seed_models': model_seed_models,
                      'custom_model': custom_model_models[0],
                      'auto_max_num_ctx': custom_model_auto_max_num_ctx | int,
                      'verify_base_model': verify_base_model,
                      'verify_require_gpu': verify_require_gpu | bool,
                      'verify_min_tokens_per_second': verify_min_tokens_per_second | int,
                      'verify_custom_model_parameters': verify_custom_model_parameters} | to_json }}"
        mode: "0644"
      delegate_to: localhost
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    work = tmp_path_factory.mktemp("lab-profiles")
    inventory = work / "inventory"
    inventory.mkdir()
    (inventory / "group_vars").symlink_to(os.path.join(COLLECTION_DIR, "inventories", "lab", "group_vars"))
    hosts = {name: {"lab_gpu_memory_mb": mib} for name, (mib, _cls) in HOSTS.items()}
    (inventory / "hosts.yml").write_text(yaml.safe_dump({"all": {"children": {"lab": {"hosts": hosts}}}}))
    (work / "playbook.yml").write_text(PLAYBOOK)
    out = work / "out"
    out.mkdir()
    rc, output = run_playbook(
        str(work / "playbook.yml"), extra_vars={"out_dir": str(out)}, inventory=str(inventory / "hosts.yml")
    )
    assert rc == 0, output
    return {name: json.loads((out / (name + ".json")).read_text()) for name in HOSTS}


def documented_profiles():
    """{group: (base model, num_ctx text)} from the class table in docs/lab.md."""
    with open(os.path.join(COLLECTION_DIR, "docs", "lab.md"), encoding="utf-8") as handle:
        rows = re.findall(r"^\| `(gpu_\w+)` \|[^|]*\| (\S+) \| ([^|]+) \|$", handle.read(), re.MULTILINE)
    return {group: (model, num_ctx.strip()) for group, model, num_ctx in rows}


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_each_host_lands_in_its_class(settings, host):
    assert settings[host]["class"] == [HOSTS[host][1]]


@pytest.mark.parametrize("host", sorted(HOSTS))
def test_the_class_profile_reaches_every_role(settings, host):
    got = settings[host]
    base = got["custom_model"]["from"]
    assert got["model_seed_models"] == [base]
    assert got["verify_base_model"] == base
    assert got["custom_model"]["name"] == "my-coder"
    assert got["verify_require_gpu"] is (HOSTS[host][1] != "gpu_none")
    assert got["verify_custom_model_parameters"]["temperature"] == 0.3


def test_profiles_match_the_table_in_docs_lab_md(settings):
    documented = documented_profiles()
    assert sorted(documented) == sorted(set(cls for _mib, cls in HOSTS.values()))
    for host, (_mib, cls) in HOSTS.items():
        got = settings[host]
        model, num_ctx = documented[cls]
        assert got["custom_model"]["from"] == model, host
        if num_ctx.startswith("auto"):
            # The VRAM planner picks the context at run time, bounded by the profile's maximum.
            assert got["custom_model"]["num_ctx"] == "auto", host
            assert "num_ctx" not in got["verify_custom_model_parameters"], host
            assert "≤ %d" % got["auto_max_num_ctx"] in num_ctx, host
        else:
            assert int(got["custom_model"]["num_ctx"]) == int(num_ctx), host
            assert got["verify_custom_model_parameters"]["num_ctx"] == int(num_ctx), host
