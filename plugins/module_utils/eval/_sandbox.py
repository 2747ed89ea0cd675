# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run untrusted code (a model's answer and its tests) in a throwaway folder, contained.

Containment, each where the host allows it:
  - a wall-clock timeout per run; the whole process tree is killed when it passes;
  - resource limits (setrlimit): CPU seconds, memory (address space and data), processes of the sandbox user,
    file size, open files, no core dumps;
  - no network: a new network namespace (``unshare --net``; without root through a user namespace), which
    has only a loopback device that is down; also a new PID namespace, so that every process the code
    started dies with it;
  - an unprivileged user (``nobody`` by default) when the module runs as root;
  - the folder is removed afterwards.
``probe()`` finds out once which of these the host allows; ``Sandbox.run()`` then runs each command.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

OUTPUT_LIMIT = 4000
KILL_GRACE = 2
# runs as root between unshare and the code: drop to the sandbox user, then exec the command
DROP_PRIVILEGES = (
    "import os, sys; os.setgroups([]); os.setgid(int(sys.argv[2])); os.setuid(int(sys.argv[1])); "
    "os.execvp(sys.argv[3], sys.argv[3:])"
)


class SandboxError(Exception):
    """The sandbox cannot be set up as asked; the message says why and what to do."""


class RunResult:
    """How one command ended: exit status (negative: killed by that signal), timed out, output tails."""

    def __init__(self, returncode, timed_out, stdout, stderr, seconds):
        self.returncode = returncode
        self.timed_out = timed_out
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds

    @property
    def killed_by_limit(self):
        """Killed by the CPU limit (SIGXCPU, then SIGKILL at the hard limit)."""
        return self.returncode in (-signal.SIGXCPU, -signal.SIGKILL, 128 + signal.SIGXCPU, 128 + signal.SIGKILL)


class Limits:
    """Per-run limits: wall seconds, CPU seconds, memory in MiB, extra processes of the sandbox user."""

    def __init__(self, timeout, cpu_seconds, memory_mb, processes, file_mb=64, open_files=256):
        self.timeout = timeout
        self.cpu_seconds = cpu_seconds
        self.memory_mb = memory_mb
        self.processes = processes
        self.file_mb = file_mb
        self.open_files = open_files

    def as_dict(self):
        return {
            "timeout_seconds": self.timeout,
            "cpu_seconds": self.cpu_seconds,
            "memory_mb": self.memory_mb,
            "processes": self.processes,
            "file_size_mb": self.file_mb,
            "open_files": self.open_files,
        }


# ---------------------------------------------------------------- setup


def count_processes(uid):
    """Processes and threads the user already has (RLIMIT_NPROC counts both)."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/status" % entry) as handle:
                fields = dict(line.split(":", 1) for line in handle if ":" in line)
            if int(fields["Uid"].split()[0]) == uid:
                count += int(fields.get("Threads", "1").strip() or 1)
        except (IOError, OSError, KeyError, ValueError):
            continue
    return count


def _set_limit(kind, value):
    soft_hard = (value, value)
    try:
        resource.setrlimit(kind, soft_hard)
    except (ValueError, OSError):
        current = resource.getrlimit(kind)[1]
        if current != resource.RLIM_INFINITY and current < value:
            resource.setrlimit(kind, (current, current))


def limiter(limits, uid, memory_kind):
    """The preexec function of a run: its own session (for killing the tree), then the limits."""
    processes = count_processes(uid) + limits.processes

    def apply():
        os.setsid()
        cpu = int(limits.cpu_seconds)
        try:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        except (ValueError, OSError):
            pass
        memory = int(limits.memory_mb) * 1024 * 1024
        if memory_kind in ("as", "both"):
            _set_limit(resource.RLIMIT_AS, memory)
        if memory_kind in ("data", "both"):
            _set_limit(resource.RLIMIT_DATA, memory)
        _set_limit(resource.RLIMIT_NPROC, processes)
        _set_limit(resource.RLIMIT_FSIZE, int(limits.file_mb) * 1024 * 1024)
        _set_limit(resource.RLIMIT_NOFILE, int(limits.open_files))
        _set_limit(resource.RLIMIT_CORE, 0)

    return apply


def _tail(path):
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_LIMIT))
            return handle.read().decode("utf-8", "replace")
    except (IOError, OSError):
        return ""


def _kill_tree(process):
    for target in (lambda: os.killpg(process.pid, signal.SIGKILL), process.kill):
        try:
            target()
        except OSError:
            pass


class Sandbox:
    """Runs commands contained as the host allows; ``describe()`` tells what containment was used."""

    def __init__(self, user="nobody", require_network_isolation=True, unshare="unshare"):
        self.is_root = os.geteuid() == 0
        self.user = user if self.is_root else pwd.getpwuid(os.geteuid()).pw_name
        self.require_network_isolation = require_network_isolation
        self.unshare = unshare if os.path.sep in unshare else _which(unshare)
        self.uid, self.gid = self._ids()
        self.namespace = None
        self.namespace_problem = None
        self.root = None

    def _ids(self):
        if not self.is_root:
            return os.geteuid(), os.getegid()
        try:
            entry = pwd.getpwnam(self.user)
        except KeyError:
            raise SandboxError(
                "sandbox_user: there is no user %r on the host; create an unprivileged user for "
                "the sandbox or name an existing one (default nobody)" % self.user
            )
        if entry.pw_uid == 0:
            raise SandboxError("sandbox_user: %r is root; the answers must run as an unprivileged user" % self.user)
        return entry.pw_uid, entry.pw_gid

    # -- namespaces

    def _namespace_prefix(self, user_namespace):
        prefix = [self.unshare]
        if user_namespace:
            prefix += ["--user", "--map-root-user"]
        return prefix + ["--net", "--pid", "--fork", "--kill-child", "--"]

    def probe(self):
        """Find a working namespace command (root: plain; others: through a user namespace)."""
        if self.unshare is None:
            self.namespace_problem = "unshare (util-linux) is not installed"
        else:
            for user_namespace in (False,) if self.is_root else (True,):
                prefix = self._namespace_prefix(user_namespace)
                try:
                    proc = subprocess.run(
                        prefix + ["true"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10, check=False
                    )
                except (OSError, subprocess.TimeoutExpired) as exc:
                    self.namespace_problem = "unshare failed: %s" % exc
                    continue
                if proc.returncode == 0:
                    self.namespace = prefix
                    self.namespace_problem = None
                    break
                self.namespace_problem = "unshare failed: %s" % proc.stderr.decode("utf-8", "replace").strip()
        if self.namespace is None and self.require_network_isolation:
            raise SandboxError(
                "this host cannot create a network namespace for the answers (%s), so the code the model writes "
                "would reach the network, the Ollama API on loopback included; run the module as root with "
                "util-linux's unshare, or allow unprivileged user namespaces (sysctl "
                "kernel.unprivileged_userns_clone=1), or set require_network_isolation: false to run the answers "
                "with network access" % self.namespace_problem
            )
        return self

    def describe(self):
        return {
            "user": self.user,
            "network_isolated": self.namespace is not None,
            "pid_namespace": self.namespace is not None,
            "isolation": self._isolation_text(),
        }

    def _isolation_text(self):
        if not self.namespace:
            return "none: %s" % self.namespace_problem
        user_namespace = " with a user namespace" if "--user" in self.namespace else ""
        return "network and PID namespace (unshare%s)" % user_namespace

    # -- folders

    def __enter__(self):
        self.root = tempfile.mkdtemp(prefix="ollama-eval-")
        os.chmod(self.root, 0o711)
        return self

    def __exit__(self, *exc_info):
        self.remove()

    def remove(self):
        if self.root and os.path.isdir(self.root):
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def folder(self, name):
        """A fresh folder under the throwaway root, owned by the sandbox user."""
        path = os.path.join(self.root, name)
        os.mkdir(path, 0o700)
        self.give(path)
        os.mkdir(os.path.join(path, "tmp"), 0o700)
        self.give(os.path.join(path, "tmp"))
        return path

    def give(self, path):
        if self.is_root:
            os.chown(path, self.uid, self.gid)

    def write(self, folder, name, text):
        path = os.path.join(folder, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.give(path)
        return path

    # -- running

    def command(self, argv):
        """argv wrapped in the namespace and the drop to the sandbox user."""
        wrapped = list(argv)
        if self.is_root:
            wrapped = [_python_for_drop(), "-I", "-c", DROP_PRIVILEGES, str(self.uid), str(self.gid)] + wrapped
        return (self.namespace or []) + wrapped

    def run(self, argv, folder, limits, env=None, memory_kind="both"):
        """Run argv in folder under the limits; output goes to files (bounded by the file size limit)."""
        stdout_path = os.path.join(self.root, ".%s.out" % os.path.basename(folder))
        stderr_path = os.path.join(self.root, ".%s.err" % os.path.basename(folder))
        environment = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": folder,
            "TMPDIR": os.path.join(folder, "tmp"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "PYTHONIOENCODING": "utf-8",
        }
        environment.update(env or {})
        started = time.monotonic()
        timed_out = False
        with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
            process = subprocess.Popen(
                self.command(argv),
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                close_fds=True,
                preexec_fn=limiter(limits, self.uid, memory_kind),
            )
            try:
                process.wait(timeout=limits.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_tree(process)
                try:
                    process.wait(timeout=KILL_GRACE + 5)
                except subprocess.TimeoutExpired:
                    pass
        seconds = time.monotonic() - started
        result = RunResult(process.returncode, timed_out, _tail(stdout_path), _tail(stderr_path), seconds)
        for path in (stdout_path, stderr_path):
            os.unlink(path)
        return result


def _which(name):
    for directory in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep) + ["/usr/bin", "/bin"]:
        path = os.path.join(directory, name)
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _python_for_drop():
    """A Python to run the privilege drop with (root runs it, any Python 3 works)."""
    return sys.executable or _which("python3")
