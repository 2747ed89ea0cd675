# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One job run the way an AWX execution node runs it: a private data directory as AWX writes it (env/extravars,
env/settings, env/envvars, env/cmdline, env/ssh_key, inventory/hosts, project/), then
`ansible-runner transmit | docker run -i <ee> ansible-runner worker --private-data-dir=/runner | ansible-runner
process`, with the execution environment on the host network and the GPU hosts at 127.0.0.1:<port> over SSH.

  awx_job.py IMAGE PLAYBOOK WORK_DIR KEY PORT... [--check] [--expect-recap RECAP.json] [--no-changes]
             [--no-ssh-client] [--plain] [--extravars VARS.json] [--ollama-ports PORT...]

--extravars adds its variables to the job's extra variables; --ollama-ports gives host N the host variable
ollama_listen=127.0.0.1:<Nth port> (the hosts share the host network).

Checks the artifacts, not the exit code alone (process can exit 0 on a broken stream): status `successful`, rc 0,
the playbook_on_stats counts (with --expect-recap, the {host: counts} that --plain printed on these hosts or more:
those of plain ansible-playbook; with --no-changes, changed 0 for every host, as for verify.yml), one runner_on_ok
per host and task. With --no-ssh-client: the job fails, naming ssh-agent, before the timeout. Prints one
line of timings and sizes (JSON) for the caller to report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN_DIR = os.path.dirname(sys.executable)
JOB_TIMEOUT = 900
NO_SSH_TIMEOUT = 120


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def inventory_line(index, port, ollama_ports):
    line = "target%d ansible_host=127.0.0.1 ansible_port=%s" % (index, port)
    if ollama_ports:
        line += " ollama_listen=127.0.0.1:%s" % ollama_ports[index - 1]
    return line


def private_data_dir(work, key, hosts, check, extravars, ollama_ports):
    """The files AWX writes for a job: its settings, environment, command line, machine credential and inventory."""
    shutil.rmtree(work, ignore_errors=True)
    write(os.path.join(work, "env", "extravars"), json.dumps(dict({"verify_require_gpu": False}, **extravars)))
    write(
        os.path.join(work, "env", "settings"), json.dumps({"job_timeout": 0, "idle_timeout": 0, "pexpect_timeout": 5})
    )
    envvars = {
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_FORCE_COLOR": "False",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
    }
    write(os.path.join(work, "env", "envvars"), json.dumps(envvars))
    write(os.path.join(work, "env", "cmdline"), "-u root --forks 5" + (" --check" if check else ""))
    with open(key) as handle:
        write(os.path.join(work, "env", "ssh_key"), handle.read())
    lines = ["[lab]"] + [inventory_line(index, port, ollama_ports) for index, port in enumerate(hosts, 1)]
    lines += ["", "[all:vars]", "ansible_python_interpreter=/usr/bin/python3"]
    lines += ["ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'"]
    write(os.path.join(work, "inventory", "hosts"), "\n".join(lines) + "\n")
    # The project AWX checks out: this repository's playbooks; their roles and modules come from the execution
    # environment's collection, by their collection names.
    shutil.copytree(os.path.join(REPO_ROOT, "playbooks"), os.path.join(work, "project", "playbooks"))


def worker_sent_artifacts(received):
    """Whether the worker's stream holds its final status and the zipped artifacts that follow it."""
    if not os.path.exists(received):
        return False
    with open(received, "rb") as handle:
        text = handle.read()
    return b'{"status": ' in text and b'{"zipfile": ' in text


def run_job(image, playbook, work, timeout):
    """transmit | docker run -i <ee> worker | process. Returns (transmit bytes, wall seconds until the job ended,
    rc, output, whether the worker exited by itself). A worker still running 10 s after it sent its status and
    artifacts, or at the timeout, is stopped (ansible-runner 2.4.3's worker never exits when ssh-agent is missing)."""
    stream = work + ".transmit"
    with open(stream, "wb") as handle:
        subprocess.run(
            [os.path.join(BIN_DIR, "ansible-runner"), "transmit", work, "-p", playbook], stdout=handle, check=True
        )
    name = "llo-awx-job-%d" % os.getpid()
    worker = "docker run -i --rm --name %s --network host %s ansible-runner worker --private-data-dir=/runner" % (
        name,
        image,
    )
    process = "%s process %s" % (os.path.join(BIN_DIR, "ansible-runner"), work)
    # The worker's stream, kept: its last message before the end of the stream carries the artifacts (zipfile).
    received = work + ".worker"
    if os.path.exists(received):
        os.remove(received)
    start = time.monotonic()
    ended = None
    exited = True
    with open(stream, "rb") as stdin, open(work + ".out", "w+") as out:
        pipeline = subprocess.Popen(
            "%s | tee %s | %s" % (worker, received, process),
            shell=True,
            stdin=stdin,
            stdout=out,
            stderr=subprocess.STDOUT,
            executable="/bin/bash",
        )
        while pipeline.poll() is None:
            if ended is None and worker_sent_artifacts(received):
                ended = time.monotonic()
            if time.monotonic() - start > timeout or (ended is not None and time.monotonic() - ended > 10):
                subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
                pipeline.wait()
                exited = False
                break
            time.sleep(1)
        out.seek(0)
        output = out.read()
    seconds = (ended if ended is not None else time.monotonic()) - start
    return os.path.getsize(stream), seconds, pipeline.returncode, output, exited


def read_artifact(folder, name):
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        return handle.read().strip()


def artifacts(work):
    """(status, rc, job events in order) from what ansible-runner process wrote under <work>/artifacts."""
    folder = os.path.join(work, "artifacts")
    events = []
    for path in glob.glob(os.path.join(folder, "job_events", "*.json")):
        with open(path) as handle:
            events.append(json.load(handle))
    events.sort(key=lambda event: event.get("counter", 0))
    return read_artifact(folder, "status"), read_artifact(folder, "rc"), events


def check_successful(work, hosts, expected_recap, output, no_changes=False):
    status, rc, events = artifacts(work)
    problems = []
    if status != "successful":
        problems.append("status artifact is %r, not 'successful'" % status)
    if rc != "0":
        problems.append("rc artifact is %r, not '0'" % rc)
    stats = [e for e in events if e["event"] == "playbook_on_stats"]
    if len(stats) != 1:
        problems.append("%d playbook_on_stats events, not 1" % len(stats))
        raise AssertionError("; ".join(problems) + "\n" + output[-3000:])
    data = stats[0]["event_data"]
    names = ["target%d" % index for index in range(1, len(hosts) + 1)]
    if data.get("failures") or data.get("dark"):
        problems.append("failures %s, unreachable %s" % (data.get("failures"), data.get("dark")))
    changed = {name: count for name, count in (data.get("changed") or {}).items() if count}
    if no_changes and changed:
        problems.append("changed %s: this playbook must change nothing" % changed)
    oks = collections.Counter(
        (e["event_data"].get("task_uuid"), e["event_data"]["host"]) for e in events if e["event"] == "runner_on_ok"
    )
    repeated = {key: count for key, count in oks.items() if count != 1}
    if repeated:
        problems.append("tasks reported ok more than once for a host: %s" % repeated)
    per_host = collections.Counter(host for _task, host in oks)
    for name in names:
        if data["ok"].get(name) != per_host[name]:
            problems.append("%s: stats ok %s, runner_on_ok events %s" % (name, data["ok"].get(name), per_host[name]))
    tasks = {task for task, _host in oks}
    for task in tasks:
        missing = [name for name in names if (task, name) not in oks]
        if missing:
            problems.append("task %s ok on some hosts, not on %s" % (task, missing))
    if expected_recap is not None:
        for name in names:
            seen = {key: data.get(key, {}).get(name, 0) for key in ("ok", "changed", "skipped", "failures")}
            if seen != expected_recap.get(name):
                problems.append("%s: stats %s, plain ansible-playbook %s" % (name, seen, expected_recap.get(name)))
    if problems:
        raise AssertionError("; ".join(problems) + "\n" + output[-3000:])
    return {"events": len(events), "ok_per_host": per_host[names[0]], "tasks_ok": len(tasks)}


def check_fails_without_ssh_client(work, seconds, output):
    status, _rc, events = artifacts(work)
    if seconds >= NO_SSH_TIMEOUT:
        raise AssertionError("the job without an SSH client reached no status in %d s\n%s" % (NO_SSH_TIMEOUT, output))
    if status != "failed" or "ssh-agent" not in output:
        raise AssertionError(
            "the job without an SSH client did not fail naming ssh-agent (status %s)\n%s" % (status, output)
        )
    return {"events": len(events), "status": status}


def run_plain(playbook, work, key):
    """The same job by plain ansible-playbook on this machine: {host: recap counts}, wall seconds."""
    with open(os.path.join(work, "env", "cmdline")) as handle:
        cmdline = handle.read().split()
    command = [os.path.join(BIN_DIR, "ansible-playbook"), "-i", os.path.join(work, "inventory", "hosts")]
    command += ["-e", "@" + os.path.join(work, "env", "extravars"), "--private-key", key] + cmdline
    command.append(os.path.join(work, "project", playbook))
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=JOB_TIMEOUT, check=False)
    seconds = time.monotonic() - start
    if done.returncode != 0:
        raise AssertionError(
            "plain ansible-playbook exited %d\n%s" % (done.returncode, done.stdout[-3000:] + done.stderr)
        )
    recap = {}
    for line in done.stdout[done.stdout.index("PLAY RECAP") :].splitlines()[1:]:
        if ":" in line:
            host, counts = line.split(":", 1)
            values = dict(pair.split("=") for pair in counts.split())
            recap[host.strip()] = {
                key: int(values[key if key != "failures" else "failed"])
                for key in ("ok", "changed", "skipped", "failures")
            }
    return recap, seconds


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("image")
    parser.add_argument("playbook")
    parser.add_argument("work")
    parser.add_argument("key")
    parser.add_argument("ports", nargs="+")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--expect-recap")
    parser.add_argument("--no-changes", action="store_true", help="changed must be 0 for every host")
    parser.add_argument("--no-ssh-client", action="store_true")
    parser.add_argument("--plain", action="store_true", help="run it by plain ansible-playbook; print the recap")
    parser.add_argument("--extravars", help="a JSON file of extra variables for the job")
    parser.add_argument("--ollama-ports", nargs="+", default=[], help="host N gets ollama_listen 127.0.0.1:<Nth>")
    args = parser.parse_args(argv)
    if args.ollama_ports and len(args.ollama_ports) < len(args.ports):
        parser.error("--ollama-ports names %d ports for %d hosts" % (len(args.ollama_ports), len(args.ports)))
    extravars = {}
    if args.extravars:
        with open(args.extravars) as handle:
            extravars = json.load(handle)
    private_data_dir(args.work, args.key, args.ports, args.check, extravars, args.ollama_ports)
    if args.plain:
        recap, seconds = run_plain(args.playbook, args.work, args.key)
        print(json.dumps({"recap": recap, "plain_seconds": round(seconds, 1), "hosts": len(args.ports)}))
        return 0
    timeout = NO_SSH_TIMEOUT if args.no_ssh_client else JOB_TIMEOUT
    size, seconds, rc, output, exited = run_job(args.image, args.playbook, args.work, timeout)
    if args.no_ssh_client:
        result = check_fails_without_ssh_client(args.work, seconds, output)
        result["worker_exited_by_itself"] = exited
    else:
        expected = None
        if args.expect_recap:
            with open(args.expect_recap) as handle:
                expected = json.load(handle)
        if rc != 0 or not exited:
            raise AssertionError(
                "transmit | worker | process exited %s\n%s" % (rc if exited else "not", output[-3000:])
            )
        result = check_successful(args.work, args.ports, expected, output, args.no_changes)
    result.update(transmit_bytes=size, worker_seconds=round(seconds, 1), hosts=len(args.ports), playbook=args.playbook)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
