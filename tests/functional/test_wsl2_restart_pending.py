"""A WSL2 host that waits for `wsl.exe --shutdown` stays out of every play of site.yml after wsl2_host.

wsl2_host sets the fact wsl2_host_restart_required and ends its own play (meta: end_host ends one play only). Every
later play of site.yml imports playbooks/tasks/wsl2_restart_pending.yml first. Here: two hosts on this machine, one
waiting; through real ansible-playbook the waiting host runs nothing after the stop, the other goes on, and the
recap shows no failure. Molecule scenario wsl2_site runs the whole of site.yml on a simulated WSL2 distribution.
"""

import os

import yaml
from module_runner import COLLECTION_DIR, run_playbook

PLAYBOOKS = os.path.join(COLLECTION_DIR, "playbooks")
TASKS_FILE = "tasks/wsl2_restart_pending.yml"


def test_every_play_after_wsl2_host_imports_the_stop_first():
    for name in ("native.yml", "docker.yml", "models.yml", "verify.yml"):
        with open(os.path.join(PLAYBOOKS, name)) as handle:
            plays = yaml.safe_load(handle)
        for play in plays:
            first = (play.get("pre_tasks") or [{}])[0]
            assert first.get("ansible.builtin.import_tasks") == TASKS_FILE, (name, play["name"])
    with open(os.path.join(PLAYBOOKS, "site.yml")) as handle:
        imported = [entry.get("ansible.builtin.import_playbook") for entry in yaml.safe_load(handle)]
    after = imported[imported.index("wsl2.yml") + 1 :]
    assert after and set(after) <= {"native.yml", "docker.yml", "models.yml", "verify.yml"}, imported


def test_the_waiting_host_runs_nothing_more_and_the_other_goes_on(tmp_path):
    playbook = tmp_path / "two_plays.yml"
    record = tmp_path / "ran.jsonl"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "name": "Like wsl2_host on the first WSL2 run",
                    "hosts": "all",
                    "gather_facts": False,
                    "tasks": [
                        {
                            "name": "Remember that WSL must restart",
                            "ansible.builtin.set_fact": {
                                "wsl2_host_restart_required": "{{ inventory_hostname == 'waiting' }}"
                            },
                        },
                        {
                            "name": "End the play for the waiting host",
                            "ansible.builtin.meta": "end_host",
                            "when": "wsl2_host_restart_required | bool",
                        },
                    ],
                },
                {
                    "name": "A later play of site.yml",
                    "hosts": "all",
                    "gather_facts": False,
                    "pre_tasks": [
                        {
                            "name": "Stop for a WSL2 host that waits for its restart",
                            "ansible.builtin.import_tasks": os.path.join(PLAYBOOKS, TASKS_FILE),
                        }
                    ],
                    "tasks": [
                        {
                            "name": "Record the host",
                            "ansible.builtin.lineinfile": {
                                "path": str(record),
                                "line": "{{ inventory_hostname }}",
                                "create": True,
                                "mode": "0644",
                            },
                            "throttle": 1,
                        }
                    ],
                },
            ]
        )
    )
    rc, output = run_playbook(str(playbook), inventory="waiting,other,")
    assert rc == 0, output
    assert record.read_text().split() == ["other"], output
    recap = dict((line.split()[0], line) for line in output.splitlines() if " : ok=" in line)
    assert "failed=0" in recap["waiting"] and "failed=0" in recap["other"], output
    assert "changed=0" in recap["waiting"] and "changed=1" in recap["other"], output
