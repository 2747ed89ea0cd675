"""Progress lines of ollama_model (its action plugin) in real ansible-playbook runs, against a paced emulator pull."""

import json
import os
import re

import pytest
from module_runner import run_playbook
from ollama_emulator import make_gguf

# 10 MB at 1 MB/s: about ten seconds of pulling, long enough for the 2 s polls to see it several times.
PACE = 1000000
PADDING = 10000000
LINE = re.compile(
    r"^(?P<host>[\w.-]+): (?P<action>pulling|uploading) (?P<model>\S+)  (?P<done>[\d.]+ [kMG]?B) / (?P<total>[\d.]+ [kMG]?B) "
    r"\((?P<pct>\d+) %\)(, (?P<rate>[\d.]+ [kMG]?B)/s)?(, (?P<left>\S+) left)?$"
)


def _playbook(tmp_path, hosts="all", models='"{{ [inventory_hostname] }}"'):
    """A play pulling one model per host (or importing gguf_path); the result is written next to it as JSON."""
    path = tmp_path / "pull.yml"
    path.write_text(
        """
- hosts: %s
  gather_facts: false
  tasks:
    - name: Pull the model
      local_llm.ollama.ollama_model:
        host: "{{ emulator_url }}"
        name: "{{ item }}"
        gguf_path: "{{ gguf_path | default(omit) }}"
      loop: %s
      register: pulled
    - name: Keep the result
      ansible.builtin.copy:
        content: "{{ pulled.results | to_json }}"
        dest: "%s/result-{{ inventory_hostname }}.json"
        mode: "0644"
      delegate_to: localhost
      check_mode: false
"""
        % (hosts, models, tmp_path)
    )
    return str(path)


def _progress_lines(output):
    return [match.groupdict() for match in (LINE.match(line) for line in output.splitlines()) if match]


def _run(tmp_path, emu, inventory="localhost,", check=False, **extra):
    remote_tmp = tmp_path / "remote-tmp"
    env = {"ANSIBLE_REMOTE_TMP": str(remote_tmp)}
    extra_vars = dict({"emulator_url": emu.url}, **extra)
    rc, output = run_playbook(_playbook(tmp_path), extra_vars, check=check, env=env, inventory=inventory)
    return rc, output, remote_tmp


def _leftover_progress_files(remote_tmp):
    found = []
    for root, _dirs, files in os.walk(str(remote_tmp)):
        found += [os.path.join(root, name) for name in files if name.startswith("ollama_model_progress")]
    return found


def _result(tmp_path, host="localhost"):
    with open(str(tmp_path / ("result-%s.json" % host))) as handle:
        return json.load(handle)[0]


@pytest.fixture
def paced(make_emulator):
    emu = make_emulator(pull_bytes_per_second=PACE)
    emu.seed_registry_model("localhost", padding=PADDING)
    return emu


def test_a_paced_pull_prints_progress_lines_and_the_usual_result(tmp_path, paced):
    rc, output, remote_tmp = _run(tmp_path, paced)
    assert rc == 0, output
    lines = _progress_lines(output)
    assert len(lines) >= 2, output
    assert {line["host"] for line in lines} == {"localhost"}
    assert {line["model"] for line in lines} == {"localhost:latest"}
    assert all(line["total"] == "10.0 MB" for line in lines), lines
    percents = [int(line["pct"]) for line in lines]
    assert percents == sorted(percents) and percents[0] < 100
    assert all(line["rate"] and line["left"] for line in lines[1:]), lines
    result = _result(tmp_path)
    assert result["changed"] is True and result["actions"] == ["pulled"] and result["changes"] == ["new"]
    for key in ("ansible_job_id", "results_file", "started", "finished"):
        assert key not in result, key
    assert result["invocation"]["module_args"]["progress_file"] is None
    assert _leftover_progress_files(remote_tmp) == []


def test_nothing_is_printed_for_a_model_already_present(tmp_path, paced):
    assert _run(tmp_path, paced)[0] == 0
    rc, output, _remote_tmp = _run(tmp_path, paced)
    assert rc == 0, output
    assert _progress_lines(output) == []
    assert "ok: [localhost] => (item=localhost)" in output
    assert _result(tmp_path)["changed"] is False


def test_check_mode_runs_without_progress_and_pulls_nothing(tmp_path, paced):
    rc, output, _remote_tmp = _run(tmp_path, paced, check=True)
    assert rc == 0, output
    assert _progress_lines(output) == []
    assert _result(tmp_path)["changed"] is True
    assert [c for c in paced.request_log if c["path"] == "/api/pull"] == []


def test_a_failed_pull_leaves_no_progress_file(tmp_path, paced):
    paced.faults.drop_stream_after(25, "/api/pull")  # about 2.5 s into the pull, after progress was written
    rc, output, remote_tmp = _run(tmp_path, paced)
    assert rc != 0
    assert "stream interrupted" in output or "ended without" in output, output
    assert _leftover_progress_files(remote_tmp) == []


def test_several_hosts_print_lines_naming_each_host(tmp_path, make_emulator):
    emu = make_emulator(pull_bytes_per_second=PACE)
    for index, host in enumerate(("lab-a", "lab-b")):
        emu.seed_registry_model(host, padding=PADDING // 2 + index)  # distinct blobs: each host downloads
    rc, output, _remote_tmp = _run(tmp_path, emu, inventory="lab-a,lab-b,")
    assert rc == 0, output
    lines = _progress_lines(output)
    assert {line["host"] for line in lines} == {"lab-a", "lab-b"}, output
    assert all(line["model"] == line["host"] + ":latest" for line in lines)


def test_a_slow_gguf_blob_upload_prints_uploading_lines(tmp_path, make_emulator):
    emu = make_emulator(blob_bytes_per_second=PACE)
    gguf = make_gguf(str(tmp_path / "big.gguf"), architecture="llama", padding=PADDING)
    rc, output, remote_tmp = _run(tmp_path, emu, gguf_path=gguf)
    assert rc == 0, output
    lines = _progress_lines(output)
    assert lines and {line["action"] for line in lines} == {"uploading"}, output
    assert {line["model"] for line in lines} == {"localhost:latest"}
    result = _result(tmp_path)
    assert result["changed"] is True and result["actions"][0].startswith("uploaded blob sha256:")
    assert _leftover_progress_files(remote_tmp) == []
