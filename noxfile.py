# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The ansible-core matrix as nox sessions: sanity, units and a functional smoke under every supported ansible-core,
and molecule under every one molecule supports.

`make test` runs them through scripts/stages.sh; by hand: `.venv/bin/nox -l`, `.venv/bin/nox -s sanity-2.17`.
Each ansible-core version has its own virtualenv under .work/nox, kept between runs (warm runs install nothing).
Why not antsibull-nox: see docs/development.md ("The ansible-core matrix").
"""

import hashlib
import os

import nox

REPO_ROOT = os.path.dirname(os.path.abspath(__file__))
WORK_DIR = os.environ.get("LLO_WORK_DIR", os.path.join(REPO_ROOT, ".work"))
# The controller's lock (make provision and .venv install with it): the newest ansible-core's sessions install with it.
CONSTRAINTS = os.path.join(REPO_ROOT, "requirements", "constraints.txt")


def _locked_core():
    """The ansible-core version requirements/constraints.txt pins, the one make provision installs."""
    with open(CONSTRAINTS) as handle:
        for line in handle:
            if line.startswith("ansible-core=="):
                return line.split("==", 1)[1].strip()
    raise RuntimeError("%s pins no ansible-core" % CONSTRAINTS)


# The newest patch release of every ansible-core that meta/runtime.yml claims and Python 3.11 runs; the newest is
# the controller's lock's.
ANSIBLE_CORE = {
    "2.17": "2.17.14",
    "2.18": "2.18.19",
    "2.19": _locked_core(),
}
LOCKED = "2.19"
# Molecule 26 refuses ansible-core 2.17 (its requirement is ansible-core!=2.17.*).
MOLECULE_CORES = ("2.18", "2.19")


def _smoke_tests():
    """The smoke's pytest node ids (tests/smoke.txt, which scripts/stages.sh reads too)."""
    with open(os.path.join(REPO_ROOT, "tests", "smoke.txt")) as handle:
        lines = [line.strip() for line in handle]
    return [line for line in lines if line and not line.startswith("#")]


nox.options.envdir = os.path.join(WORK_DIR, "nox")
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True


def _install(session, core, *requirements):
    """ansible-core `core` and the requirements files into the session's virtualenv, once: a stamp remembers what
    is installed (versions and the files' contents), so a warm run starts without pip. The newest ansible-core
    installs with the controller's lock, the versions .venv and make provision have."""
    digest = hashlib.sha256(ANSIBLE_CORE[core].encode())
    constraints = [CONSTRAINTS] if core == LOCKED else []
    # The files, controller.txt, which smoke.txt includes, and the lock where it applies.
    for path in list(requirements) + [os.path.join(REPO_ROOT, "requirements", "controller.txt")] + constraints:
        with open(path, "rb") as handle:
            digest.update(handle.read())
    stamp = os.path.join(session.virtualenv.location, ".llo-installed")
    try:
        with open(stamp) as handle:
            if handle.read() == digest.hexdigest():
                return
    except OSError:
        pass
    args = ["ansible-core==%s" % ANSIBLE_CORE[core]]
    for path in requirements:
        args += ["-r", path]
    for path in constraints:
        args += ["-c", path]
    session.install("--disable-pip-version-check", "-q", *args)
    with open(stamp, "w") as handle:
        handle.write(digest.hexdigest())


def _session_home(kind, core):
    """A HOME of this session's own under .work/home (kept between runs, so a warm run reuses its virtualenvs)."""
    home = os.path.join(WORK_DIR, "home", "%s-%s" % (kind, core))
    os.makedirs(home, exist_ok=True)
    return home


def _ansible_test(session, core, kind):
    """scripts/ansible-test.sh with this session's ansible-core, on a copy of the tree of this version's own."""
    _install(session, core)
    env = {
        "LLO_ANSIBLE_TEST_VENV": session.virtualenv.location,
        "LLO_ANSIBLE_TEST_COPY": os.path.join(WORK_DIR, "ac-%s" % core),
        # ansible-test keeps its own virtualenvs under ~/.ansible/test/venv, named by a hash that is the same for
        # every ansible-core (sanity's import test): the versions run at once, so each gets a home of its own, or
        # on a cold machine two of them install pip into one folder at the same time.
        "HOME": _session_home(kind, core),
    }
    session.run(
        "bash", os.path.join(REPO_ROOT, "scripts", "ansible-test.sh"), kind, *session.posargs, env=env, external=True
    )


def _smoke(session, core):
    """The smoke tests under this ansible-core; pytest's junit XML goes where scripts/stages.sh counts it."""
    _install(session, core, os.path.join(REPO_ROOT, "requirements", "smoke.txt"))
    junit = os.path.join(WORK_DIR, "smoke-%s.xml" % core)
    session.run(
        "python",
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--junitxml=%s" % junit,
        *(session.posargs or _smoke_tests()),
    )


def _molecule(session, core):
    """molecule with the session's arguments (`nox -s molecule-2.18 -- test -s native`) under this ansible-core;
    scripts/stages.sh creates the virtualenv with --install-only and runs molecule from it itself."""
    _install(session, core, os.path.join(REPO_ROOT, "requirements", "molecule.txt"))
    session.run("molecule", *session.posargs)


def _define(core):
    def sanity(session):
        _ansible_test(session, core, "sanity")

    def units(session):
        _ansible_test(session, core, "units")

    def smoke(session):
        _smoke(session, core)

    for func, kind in ((sanity, "sanity"), (units, "units"), (smoke, "smoke")):
        if kind == "smoke":
            func.__doc__ = "ollama_model create/re-run, site.yml --check (emulator), ansible-core " + ANSIBLE_CORE[core]
        else:
            func.__doc__ = "ansible-test %s under ansible-core %s" % (kind, ANSIBLE_CORE[core])
        nox.session(name="%s-%s" % (kind, core), python="3.11")(func)
    if core in MOLECULE_CORES:

        def molecule(session):
            _molecule(session, core)

        molecule.__doc__ = "molecule (arguments after --) under ansible-core " + ANSIBLE_CORE[core]
        nox.session(name="molecule-%s" % core, python="3.11", default=False)(molecule)


for _core in ANSIBLE_CORE:
    _define(_core)
