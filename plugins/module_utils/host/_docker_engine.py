# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which Docker engine the ``docker`` command talks to here: a Docker Engine of this Linux, or Docker Desktop's.

Docker Desktop with its WSL 2 integration runs the engine in its own ``docker-desktop`` distribution and puts a
``docker`` CLI into the user's distribution; installing Docker CE or the NVIDIA Container Toolkit there as well
conflicts with it (Docker's WSL page: "Before installing Docker Desktop, uninstall any version of Docker Engine or
the Docker CLI that was installed directly inside a WSL Linux distribution. Running both can cause conflicts.",
https://docs.docker.com/desktop/features/wsl/). The role docker_nvidia asks this module first.

What the signs rest on (public sources, read 2026):

- ``docker info --format '{{json .}}'`` prints the daemon's ``system.Info`` fields at the top level (``ServerVersion``,
  ``OperatingSystem``, ``Name``, ``Labels``, ``KernelVersion``, ``Runtimes``, ``DefaultRuntime``) next to
  ``ClientInfo``; when the daemon does not answer it prints the error on stderr and a JSON whose server fields are
  empty, with ``ServerErrors`` (docker/cli ``cli/command/system/info.go`` and
  ``cli/command/system/testdata/docker-info-no-swarm.json.golden``). Older CLIs exit 1 with only the error.
- Docker Desktop's engine reports ``Operating System: Docker Desktop``, ``Name: docker-desktop``, the label
  ``com.docker.desktop.address=npipe://\\\\.\\pipe\\docker_cli`` and, on the WSL 2 backend, a kernel
  ``*-microsoft-standard-WSL2`` and the runtime ``nvidia`` (``docker info`` captures in docker/desktop-feedback#451
  and #495, docker/buildx#3320, docker/for-win#14544; Docker's own model CLI treats a server whose operating system
  is "Docker Desktop" as Docker Desktop, docker/model-cli#86).
- The WSL integration links ``/usr/bin/docker`` to ``/mnt/wsl/docker-desktop/cli-tools/usr/bin/docker`` (a dangling
  link while Docker Desktop is stopped; docker/for-win#6441, #14850, #5096) and ``/var/run/docker.sock`` to
  ``/mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock`` (docker/desktop-feedback#423); Docker
  Desktop before 4.30 kept its data in a second distribution mounted under ``/mnt/wsl/docker-desktop-data``. Without
  the integration, the ``docker`` found through the Windows PATH is a wrapper script,
  ``/mnt/c/Program Files/Docker/Docker/resources/bin/docker``, which only says "The command 'docker' could not be found
  in this WSL 2 distro" (docker/desktop-feedback#440).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
from shutil import which

DESKTOP_OPERATING_SYSTEM = "Docker Desktop"
DESKTOP_NAME = "docker-desktop"
DESKTOP_LABEL = "com.docker.desktop.address"
# Where the WSL integration mounts Docker Desktop inside an integrated distribution (the CLI tools, the sockets, and
# before Docker Desktop 4.30 the data distribution).
DESKTOP_MOUNTS = ("/mnt/wsl/docker-desktop/", "/mnt/wsl/docker-desktop-data/")
# The Windows-side wrapper found through the Windows PATH when the integration is off for this distribution
# (C:\Program Files\Docker\Docker\resources\bin, under /mnt/c/ or wherever wsl.conf mounts the drives).
WINDOWS_WRAPPER_DIR = "/Docker/Docker/resources/bin/"
GPU_RUNTIMES = ("nvidia",)
DEFAULT_SOCKET = "/var/run/docker.sock"
INFO_FORMAT = "{{json .}}"
# coreutils timeout exits 124 when the command timed out, 137 when it had to be killed after --kill-after.
TIMEOUT_EXIT_CODES = (124, 137)


def find_cli(path_env, name="docker"):
    """The ``docker`` a shell would run: (path, resolved path, dangling link target).

    ``path`` is what ``shutil.which`` finds on ``path_env``; when nothing runnable is found, the first PATH entry that
    holds a symlink of that name whose target is missing (Docker Desktop stopped: its CLI link dangles) is returned
    with that target, so that the caller can still tell Docker Desktop was here. (None, None, None) when neither.
    """
    found = which(name, path=path_env)
    if found:
        return found, os.path.realpath(found), None
    for folder in (path_env or "").split(os.pathsep):
        candidate = os.path.join(folder or ".", name)
        if os.path.islink(candidate) and not os.path.exists(candidate):
            target = os.readlink(candidate)
            if not os.path.isabs(target):
                target = os.path.normpath(os.path.join(os.path.dirname(candidate), target))
            return candidate, None, target
    return None, None, None


def parse_info(rc, stdout, stderr, timeout=None):
    """The outcome of ``docker info --format '{{json .}}'``: (info dict or None, error text or "").

    The daemon counts as answering only when the JSON names a server version. ``timeout`` (seconds) is used for
    the message when rc says the command was stopped by coreutils ``timeout``.
    """
    stdout = stdout or ""
    stderr = stderr or ""
    if timeout is not None and rc in TIMEOUT_EXIT_CODES:
        return None, "`docker info` did not answer within %s s (the engine or its socket hangs)" % timeout
    info = None
    text = stdout.strip()
    if text:
        try:
            info = json.loads(text)
        except ValueError:
            info = None
    if not isinstance(info, dict):
        detail = first_lines(stderr) or first_lines(stdout) or "no output"
        if rc == 0:
            return None, "`docker info` printed no JSON object: %s" % detail
        return None, "`docker info` failed (rc %s): %s" % (rc, detail)
    server_errors = [str(error) for error in info.get("ServerErrors") or [] if error]
    if not info.get("ServerVersion"):
        detail = "; ".join(server_errors) or first_lines(stderr) or "no server version in its answer"
        return info, "the Docker engine does not answer: %s" % detail
    return info, ""


def first_lines(text, limit=300):
    """The first non-empty lines of ``text`` joined on one line, cut at ``limit`` characters."""
    line = " ".join(part.strip() for part in (text or "").splitlines() if part.strip())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def under_desktop_mount(path):
    return bool(path) and any(path.startswith(mount) or path + "/" == mount for mount in DESKTOP_MOUNTS)


def desktop_reasons(info, cli_path=None, cli_realpath=None, cli_link_target=None, socket_realpath=None):
    """Why this looks like Docker Desktop: a list of sentences, empty when nothing does."""
    reasons = []
    info = info or {}
    if info.get("OperatingSystem") == DESKTOP_OPERATING_SYSTEM:
        reasons.append('docker info reports OperatingSystem "%s"' % DESKTOP_OPERATING_SYSTEM)
    if info.get("Name") == DESKTOP_NAME:
        reasons.append('docker info reports Name "%s"' % DESKTOP_NAME)
    labels = [str(label) for label in info.get("Labels") or []]
    desktop_labels = [label for label in labels if label.split("=", 1)[0] == DESKTOP_LABEL]
    if desktop_labels:
        reasons.append("docker info reports the label %s" % desktop_labels[0])
    if under_desktop_mount(cli_realpath):
        reasons.append("the docker CLI %s resolves to %s (Docker Desktop's WSL integration)" % (cli_path, cli_realpath))
    if under_desktop_mount(cli_link_target):
        reasons.append(
            "the docker CLI %s links to %s, which is missing: Docker Desktop's WSL integration while Docker Desktop "
            "is not running" % (cli_path, cli_link_target)
        )
    wrapper = cli_realpath or ""
    if WINDOWS_WRAPPER_DIR in wrapper:
        reasons.append(
            "the docker CLI %s is Docker Desktop's Windows-side wrapper: the WSL integration is off for this "
            "distribution" % wrapper
        )
    if under_desktop_mount(socket_realpath):
        reasons.append("the Docker socket resolves to %s (Docker Desktop's WSL integration)" % socket_realpath)
    return reasons


def engine_facts(info, error, cli_path=None, cli_realpath=None, cli_link_target=None, socket_realpath=None):
    """The module's answer from the parsed ``docker info`` and the CLI and socket paths."""
    reachable = bool(info) and not error
    server = info if reachable else {}
    runtimes = server.get("Runtimes")
    runtime_names = sorted(runtimes) if isinstance(runtimes, dict) else []
    reasons = desktop_reasons(server if reachable else info, cli_path, cli_realpath, cli_link_target, socket_realpath)
    return {
        "installed": bool(cli_realpath),
        "reachable": reachable,
        "desktop": bool(reasons),
        "reasons": reasons,
        "server_version": server.get("ServerVersion") or "",
        "operating_system": server.get("OperatingSystem") or "",
        "kernel_version": server.get("KernelVersion") or "",
        "name": server.get("Name") or "",
        "labels": [str(label) for label in server.get("Labels") or []],
        "runtimes": runtime_names,
        "default_runtime": server.get("DefaultRuntime") or "",
        "gpu_runtime": any(name in GPU_RUNTIMES for name in runtime_names),
        "cli_path": cli_path or "",
        "cli_realpath": cli_realpath or cli_link_target or "",
        "socket_realpath": socket_realpath or "",
        "error": error,
    }


def socket_realpath(path):
    """The resolved path of the Docker socket, or "" when there is none."""
    if not path or not os.path.lexists(path):
        return ""
    return os.path.realpath(path)


def gather(run_command, path_env, timeout, timeout_bin=None, socket=DEFAULT_SOCKET):
    """Everything the module returns. ``run_command(argv) -> (rc, stdout, stderr)`` runs ``docker info``;
    ``timeout_bin`` is coreutils ``timeout`` (None: run without a time limit)."""
    cli_path, cli_real, link_target = find_cli(path_env)
    sock = socket_realpath(socket)
    if not cli_real:
        error = (
            "%s links to %s, which does not exist" % (cli_path, link_target)
            if cli_path
            else "no docker command on PATH"
        )
        return engine_facts(None, error, cli_path, None, link_target, sock)
    argv = [cli_path, "info", "--format", INFO_FORMAT]
    if timeout_bin:
        argv = [timeout_bin, "--kill-after=5", str(timeout)] + argv
    rc, out, err = run_command(argv)
    info, error = parse_info(rc, out, err, timeout if timeout_bin else None)
    return engine_facts(info, error, cli_path, cli_real, None, sock)
