# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Who listens on a TCP port: parse ``ss -ltnpH`` and name the systemd unit of each process.

Native Ollama (ollama.service) and Ollama in Docker (docker-proxy) both want port 11434; the roles use the
classification here to refuse a second server on the same port with one wording.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re

FREE = "free"
OLLAMA_NATIVE = "ollama_native"
DOCKER = "docker"
OTHER = "other"

NATIVE_UNIT = "ollama.service"
_PROCESS = re.compile(r'\("(?P<name>[^"]*)",pid=(?P<pid>\d+)')
_DOCKER_PROCESSES = ("docker-proxy", "dockerd", "rootlesskit")
_DOCKER_UNITS = ("docker.service", "containerd.service")


def split_address(local):
    """'127.0.0.1:11434' / '[::]:11434' / '*:11434' / '[::ffff:1.2.3.4]%lo:80' -> (address, port)."""
    address, _sep, port = local.rpartition(":")
    address = address.split("%", 1)[0]
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    return address, int(port) if port.isdigit() else None


def parse_ss(output, port):
    """Listening sockets on ``port`` from ``ss -ltnpH`` output: [{address, port, processes: [{name, pid}]}]."""
    listeners = []
    for line in output.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 5 or fields[0] != "LISTEN":
            continue
        address, found_port = split_address(fields[3])
        if found_port != port:
            continue
        users = fields[5] if len(fields) > 5 else ""
        processes = [{"name": m.group("name"), "pid": int(m.group("pid"))} for m in _PROCESS.finditer(users)]
        listeners.append({"address": address, "port": found_port, "processes": processes})
    return listeners


def unit_from_cgroup(text):
    """The last ``*.service`` in a /proc/<pid>/cgroup file (cgroup v1 or v2), or None."""
    units = []
    for line in text.splitlines():
        path = line.split(":", 2)[-1]
        units.extend(part for part in path.split("/") if part.endswith(".service"))
    return units[-1] if units else None


def unit_of_pid(pid, proc_root="/proc"):
    try:
        with open(os.path.join(proc_root, str(pid), "cgroup")) as handle:
            return unit_from_cgroup(handle.read())
    except (IOError, OSError):
        return None


def classify(processes):
    """FREE, OLLAMA_NATIVE, DOCKER or OTHER for the processes ({name, pid, unit}) that hold a port."""
    if not processes:
        return FREE
    if any(p["name"] in _DOCKER_PROCESSES or p.get("unit") in _DOCKER_UNITS for p in processes):
        return DOCKER
    if any(p.get("unit") == NATIVE_UNIT or (p["name"] == "ollama" and p.get("unit") is None) for p in processes):
        return OLLAMA_NATIVE
    return OTHER


def describe(listeners):
    """'python3 (pid 41, ollama.service) on 127.0.0.1' for every holder, joined with '; '."""
    parts = []
    for listener in listeners:
        names = ", ".join(
            "%s (pid %d%s)" % (p["name"], p["pid"], ", " + p["unit"] if p.get("unit") else "")
            for p in listener["processes"]) or "an unknown process (run as root to see it)"
        parts.append("%s on %s" % (names, listener["address"]))
    return "; ".join(parts)


def port_owner(ss_output, port, proc_root="/proc"):
    listeners = parse_ss(ss_output, port)
    for listener in listeners:
        for process in listener["processes"]:
            process["unit"] = unit_of_pid(process["pid"], proc_root)
    processes = [p for listener in listeners for p in listener["processes"]]
    holder = classify(processes) if processes or not listeners else OTHER
    return {"listeners": listeners, "holder": holder, "description": describe(listeners)}
