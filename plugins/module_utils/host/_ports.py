# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Who listens on a TCP port: parse ``ss -ltnpeH`` and name the systemd unit of each process.

Native Ollama (ollama.service) and Ollama in Docker (docker-proxy) both want port 11434; the roles use the
classification here to refuse a second server on the same port with one wording. Where ss cannot show the processes
(a container without CAP_SYS_PTRACE, a sandboxed kernel), the socket's own owner uid and cgroup (``-e``) still tell
the native service apart.
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
# ss -e prints uid:N only for a non-root owner, and cgroup:PATH where the kernel reports the socket's cgroup.
_SOCKET_UID = re.compile(r"(?:^|\s)uid:(?P<uid>\d+)")
_SOCKET_CGROUP = re.compile(r"(?:^|\s)cgroup:(?P<path>\S+)")
_DOCKER_PROCESSES = ("docker-proxy", "dockerd", "rootlesskit")
_DOCKER_UNITS = ("docker.service", "containerd.service")
# A container's cgroup: docker-<id>.scope (systemd driver) or /docker/<id> (cgroupfs driver). With host networking
# the container's own process holds the port (no docker-proxy), so the cgroup is what names it.
# Only a path that ends in the container counts: /docker/<id>/system.slice/ollama.service is a unit inside a
# container platform (molecule), and the container this module itself runs in is no "other" container.
_CONTAINER = re.compile(r"(?:/docker-|/docker/)(?P<id>[0-9a-f]{64})(?:\.scope)?/?$")


def split_address(local):
    """'127.0.0.1:11434' / '[::]:11434' / '*:11434' / '[::ffff:1.2.3.4]%lo:80' -> (address, port)."""
    address, _sep, port = local.rpartition(":")
    address = address.split("%", 1)[0]
    if address.startswith("[") and address.endswith("]"):
        address = address[1:-1]
    return address, int(port) if port.isdigit() else None


def parse_ss(output, port):
    """Listening sockets on ``port`` from ``ss -ltnpeH`` output.

    [{address, port, uid, unit, processes: [{name, pid}]}]: uid is the socket owner's (None when ss printed none,
    which it does for root), unit the ``*.service`` of the socket's cgroup (None when not reported).
    """
    listeners = []
    for line in output.splitlines():
        fields = line.split(None, 5)
        if len(fields) < 5 or fields[0] != "LISTEN":
            continue
        address, found_port = split_address(fields[3])
        if found_port != port:
            continue
        extra = fields[5] if len(fields) > 5 else ""
        uid = _SOCKET_UID.search(extra)
        cgroup = _SOCKET_CGROUP.search(extra)
        listeners.append(
            {
                "address": address,
                "port": found_port,
                "uid": int(uid.group("uid")) if uid else None,
                "unit": unit_from_cgroup(cgroup.group("path")) if cgroup else None,
                "container": container_from_cgroup(cgroup.group("path")) if cgroup else None,
                "processes": [{"name": m.group("name"), "pid": int(m.group("pid"))} for m in _PROCESS.finditer(extra)],
            }
        )
    return listeners


def unit_from_cgroup(text):
    """The last ``*.service`` in a /proc/<pid>/cgroup file (cgroup v1 or v2), or None."""
    units = []
    for line in text.splitlines():
        path = line.split(":", 2)[-1]
        units.extend(part for part in path.split("/") if part.endswith(".service"))
    return units[-1] if units else None


def container_from_cgroup(text):
    """The Docker container ID a cgroup path or /proc/<pid>/cgroup file ends in, or None."""
    for line in text.splitlines():
        match = _CONTAINER.search(line.split(":", 2)[-1])
        if match:
            return match.group("id")
    return None


def cgroup_of_pid(pid, proc_root="/proc"):
    try:
        with open(os.path.join(proc_root, str(pid), "cgroup")) as handle:
            return handle.read()
    except (IOError, OSError):
        return ""


def classify(processes):
    """FREE, OLLAMA_NATIVE, DOCKER or OTHER for the processes ({name, pid, unit}) that hold a port."""
    if not processes:
        return FREE
    if any(p["name"] in _DOCKER_PROCESSES or p.get("unit") in _DOCKER_UNITS or p.get("container") for p in processes):
        return DOCKER
    if any(p.get("unit") == NATIVE_UNIT or (p["name"] == "ollama" and p.get("unit") is None) for p in processes):
        return OLLAMA_NATIVE
    return OTHER


def classify_hidden(listener, native_uid):
    """The holder of a socket whose processes ss cannot show, from the socket's own cgroup and owner uid."""
    if listener["unit"] in _DOCKER_UNITS or listener.get("container"):
        return DOCKER
    if listener["unit"] == NATIVE_UNIT or (native_uid is not None and listener["uid"] == native_uid):
        return OLLAMA_NATIVE
    return OTHER


def holder_of(listeners, native_uid):
    """One holder for all the listeners on the port, in classify's order: DOCKER, then OLLAMA_NATIVE, then OTHER."""
    holders = set()
    for listener in listeners:
        if listener["processes"]:
            holders.add(classify(listener["processes"]))
        else:
            holders.add(classify_hidden(listener, native_uid))
    for holder in (DOCKER, OLLAMA_NATIVE, OTHER):
        if holder in holders:
            return holder
    return FREE


def describe(listeners):
    """'python3 (pid 41, ollama.service) on 127.0.0.1' for every holder, joined with '; '."""
    parts = []
    for listener in listeners:
        names = ", ".join(
            "%s (pid %d%s%s)"
            % (
                p["name"],
                p["pid"],
                ", " + p["unit"] if p.get("unit") else "",
                ", container " + p["container"][:12] if p.get("container") else "",
            )
            for p in listener["processes"]
        ) or describe_hidden(listener)
        parts.append("%s on %s" % (names, listener["address"]))
    return "; ".join(parts)


def describe_hidden(listener):
    known = ["uid %d" % listener["uid"]] if listener["uid"] is not None else []
    known += [listener["unit"]] if listener["unit"] else []
    known += ["container " + listener["container"][:12]] if listener.get("container") else []
    if known:
        return "a process ss cannot show (socket of %s)" % ", ".join(known)
    return "an unknown process (run as root to see it)"


def port_owner(ss_output, port, proc_root="/proc", native_uid=None):
    """{listeners, holder, description, containers} for ``port``; native_uid: the uid ollama.service runs as.

    containers: the IDs of the Docker containers whose processes (or sockets) hold the port (host networking).
    """
    listeners = parse_ss(ss_output, port)
    own = container_from_cgroup(cgroup_of_pid("self", proc_root))
    containers = set()
    for listener in listeners:
        if listener["container"] == own:
            listener["container"] = None
        for process in listener["processes"]:
            cgroup = cgroup_of_pid(process["pid"], proc_root)
            process["unit"] = unit_from_cgroup(cgroup)
            found = container_from_cgroup(cgroup)
            process["container"] = found if found != own else None
            containers.add(process["container"])
        containers.add(listener["container"])
    containers.discard(None)
    return {
        "listeners": listeners,
        "holder": holder_of(listeners, native_uid),
        "description": describe(listeners),
        "containers": sorted(containers),
    }
