# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every command in a ```bash, ```sh, ```console or ```shell block of README.md and docs/**/*.md either runs here
(as written, or in the cheaper form RUNS_HERE gives with the reason) and must succeed, or runs against the project's
Ollama emulator (ON_THE_EMULATOR: the commands that need an Ollama) and must succeed, or is listed in CANNOT_RUN_HERE
with the reason. A command in no list fails the test with instructions (see unclassified()). Every command that runs
starts at once with the others (fixture `started`), so the test costs about its slowest command, not their sum;
docs/getting-started.md's verify sample (docs/tools/verify_sample.py) is checked against a fresh run among them.

A command is one line of a block, with backslash continuations joined, a leading "$ " (console blocks) and a
trailing "# comment" removed. Commands run from the repository root as after `make provision`: .venv/bin first on
PATH and local_llm.ollama found by name (ansible.cfg; here ANSIBLE_COLLECTIONS_PATH names this working tree), with
stdin closed and no terminal (-K then asks nothing), and `make` targets in a work directory of their own
(LLO_WORK_DIR) so that they cannot touch the results of the `make test` that runs this test.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re
import subprocess
import sys

import pytest
from docs_support import REPO_ROOT

PAGES = ["README.md"] + sorted(
    os.path.relpath(path, REPO_ROOT)
    for path in glob.glob(os.path.join(REPO_ROOT, "docs", "**", "*.md"), recursive=True)
)
BLOCK = re.compile(r"^```(bash|sh|console|shell)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
LAB_HOSTS = (
    "the lab inventory names example machines (192.0.2.0/24) that do not exist here; molecule scenario lab runs "
    "this command against three machines"
)

BENCHMARK = (
    '.venv/bin/ansible-playbook -i inventories/localhost playbooks/benchmark.yml -e \'{"benchmark_models": '
    '["qwen2.5-coder:7b", "qwen2.5-coder:14b"], "benchmark_min_tokens_per_second": 45}\''
)
BENCHMARK_COMPARE = (
    ".venv/bin/ansible-playbook -i inventories/localhost playbooks/benchmark.yml -e benchmark_compare_to=reports/"
    "benchmark-20261122T050645Z/benchmark.json -e benchmark_regression_tolerance_percent=10 "
    "-e benchmark_fail_on_regression=true"
)
EVAL = (
    '.venv/bin/ansible-playbook -i inventories/localhost playbooks/eval.yml -e \'{"eval_allow_code_execution": true, '
    '"eval_models": ["my-coder", "qwen2.5-coder:7b", "qwen2.5-coder:14b"]}\''
)
CHAT = (
    "curl -s http://127.0.0.1:11434/v1/chat/completions -H 'Content-Type: application/json' -d '{\"model\": "
    '"my-coder", "stream": false, "max_tokens": 32, "messages": [{"role": "user", "content": "Write a Go function '
    "that reverses a string.\"}]}'"
)
# Where a playbook run against the emulator writes its reports (not reports/ of the working tree).
TO_THE_EMULATOR = (
    " -e ollama_listen=$OLLAMA_HOST -e benchmark_report_root=$LLO_DOC_REPORTS -e eval_report_root=$LLO_DOC_REPORTS"
)
LAB_ROLLOUT = ".venv/bin/ansible-playbook -i inventories/lab local_llm.ollama.lab_rollout -K"
LAB_SITE = ".venv/bin/ansible-playbook -i inventories/lab local_llm.ollama.site -K"

# command as written -> (the form run here, why). None: run exactly as written.
RUNS_HERE = {
    LAB_ROLLOUT: (LAB_ROLLOUT + " --syntax-check", LAB_HOSTS),
    LAB_SITE: (LAB_SITE + " --syntax-check", LAB_HOSTS),
    'make pytest PYTEST_ARGS="tests/unit/plugins/filter/test_verify.py -k mismatch"': (None, "a cheap make target"),
    "make pytest PYTEST_ARGS=\"tests/functional -k 'ollama_model and check_mode'\"": (None, "a cheap make target"),
    'make provision ARGS="--check --diff"': (None, "check mode changes nothing on this machine"),
    ".venv/bin/ansible-playbook -i inventories/localhost local_llm.ollama.wsl2 --check --diff -K": (
        None,
        "check mode changes nothing on this machine",
    ),
    "sudo apt-get install -y git make python3-venv": (
        "apt-cache show git make python3-venv",
        "installing would change this machine; the packages must exist",
    ),
    "sudo ss -ltnp 'sport = :11434'": ("ss -ltnp 'sport = :11434'", "the tests run as root, without sudo"),
}

EMULATOR = "the project's Ollama emulator (tests/emulator) stands in for Ollama on 127.0.0.1:11434"
# command as written -> (the form run here, or None: as written, why), run against one emulator that serves
# qwen2.5-coder:7b, qwen2.5-coder:14b and my-coder: $OLLAMA_HOST is its address, `ollama` on PATH is its program
# (python -m ollama_emulator), $LLO_DOC_REPORTS a folder for reports.
ON_THE_EMULATOR = {
    BENCHMARK: (BENCHMARK + TO_THE_EMULATOR, EMULATOR + "; its reports go to a temporary folder"),
    BENCHMARK_COMPARE: (
        BENCHMARK
        + TO_THE_EMULATOR
        + " && mv $LLO_DOC_REPORTS/benchmark-* $LLO_DOC_REPORTS/benchmark-20261122T050645Z && "
        + BENCHMARK_COMPARE.replace("=reports/", "=$LLO_DOC_REPORTS/")
        + TO_THE_EMULATOR,
        EMULATOR + "; the report it compares with is the one the command before it writes",
    ),
    EVAL: (EVAL + TO_THE_EMULATOR, EMULATOR + " (its answers fail the tasks: the report still comes)"),
    "curl -s http://127.0.0.1:11434/v1/models": (
        "curl -sf http://$OLLAMA_HOST/v1/models",
        EMULATOR + "; -f, so that an HTTP error fails",
    ),
    CHAT: (
        CHAT.replace("curl -s http://127.0.0.1:11434", "curl -sf http://$OLLAMA_HOST"),
        EMULATOR + "; -f, so that an HTTP error fails",
    ),
    "ollama ps": (None, EMULATOR),
    "ollama create my-coder -f modelfiles/coding-assistant.Modelfile": (
        None,
        EMULATOR
        + " (FROM qwen2.5-coder:7b, a small stand-in; molecule scenario native builds my-coder on a pulled one)",
    ),
    "ollama show my-coder --parameters": (None, EMULATOR),
}

WSL2 = "needs WSL2 (no Windows here); molecule scenarios wsl2_host and wsl2_site simulate it"
NO_OLLAMA = "needs the ollama binary and a service (none here: the tests run the emulator in containers)"
CANNOT_RUN_HERE = {
    ".venv/bin/python -m pip install --target .work/mitogen -r requirements/mitogen.txt": (
        "installs into the checkout's .work; tests/functional/test_mitogen_opt_in.py installs it the same way"
    ),
    "PYTHONPATH=.work/mitogen ANSIBLE_STRATEGY=mitogen_linear "
    "ANSIBLE_STRATEGY_PLUGINS=.work/mitogen/ansible_mitogen/plugins/strategy "
    ".venv/bin/ansible-playbook -i inventories/lab playbooks/verify.yml --check": LAB_HOSTS
    + "; tests/functional/test_mitogen_opt_in.py runs verify.yml with mitogen_linear on this machine",
    "ansible-builder build -f ee/execution-environment.yml -t local-llm-ollama-ee:0.1.0 --container-runtime docker": (
        "pulls debian:bookworm from Docker Hub and installs from PyPI and Galaxy inside the build (no registry, and "
        "no network in builds, here); make ee builds the same definition offline (tests/ee/ee_test.sh)"
    ),
    "make ee": "builds the execution environment image (minutes, and root once for the base image); the ee item of "
    "make test runs it (tests/ee/ee_test.sh)",
    "docker tag local-llm-ollama-ee:0.1.0 registry.example.com/lab/local-llm-ollama-ee:0.1.0": (
        "needs the image make ee builds; the ee item of make test (tests/ee/ee_test.sh) uses it by its own tag"
    ),
    "docker push registry.example.com/lab/local-llm-ollama-ee:0.1.0": "pushes to a registry (none here)",
    "export OPENAI_API_BASE=http://127.0.0.1:11434/v1": "sets a variable for Aider, which is not installed here",
    "export OPENAI_API_KEY=ollama": "sets a variable for Aider, which is not installed here",
    "aider --model openai/my-coder": "Aider is not installed here; the OpenAI API it uses is checked by verify "
    "(tests/functional/test_models_and_verify_playbooks.py)",
    "docker run -d --network=host -v open-webui:/app/backend/data -e OLLAMA_BASE_URL=http://127.0.0.1:11434 "
    "--name open-webui --restart always ghcr.io/open-webui/open-webui:main": (
        "pulls an image from ghcr.io (no registry here)"
    ),
    "docker run -d --network=host -v open-webui:/app/backend/data -e OPENAI_API_BASE_URL=http://127.0.0.1:11434/v1 "
    "-e OPENAI_API_KEY=ollama -e ENABLE_OLLAMA_API=false --name open-webui --restart always "
    "ghcr.io/open-webui/open-webui:main": "pulls an image from ghcr.io (no registry here)",
    'make provision ARGS="-e ollama_deployment=docker -e ollama_docker_stop_native=true"': (
        "changes this machine (installs Docker); molecule scenario site_docker runs the same switch through site.yml"
    ),
    'make provision ARGS="-e ollama_deployment=native -e ollama_native_stop_docker=true"': (
        "changes this machine (installs Ollama as a service); molecule scenario site_docker runs the same switch"
    ),
    "make provision": "changes this machine (installs Ollama as a service); molecule scenario site runs site.yml",
    "make test": "the whole test suite, which runs this test",
    'make provision ARGS="-e ollama_deployment=docker"': (
        "installs Docker and the NVIDIA Container Toolkit from the network; molecule scenario docker runs the roles"
    ),
    "git clone <this repository> local_llm.ollama": "a placeholder for the repository address; needs the network",
    "cd local_llm.ollama": "the folder of the clone above",
    "make molecule SCENARIO=preflight": "a molecule scenario; the molecule stage of make test runs every scenario",
    "make sanity": "several minutes; it is a stage of make test of its own",
    "make molecule SCENARIO=site RELEASE=trixie": (
        "a molecule scenario on Debian 13; the molecule stage of make test runs site on both releases"
    ),
    "make molecule SCENARIO=native CORE=2.19": (
        "a molecule scenario under another ansible-core; the molecule stage of make test runs native under 2.18"
    ),
    ".venv/bin/nox -s sanity-2.17 -- --test validate-modules plugins/modules/ollama_model.py": (
        "ansible-test sanity under ansible-core 2.17; the sanity stage of make test runs it on every file"
    ),
    ".venv/bin/nox -l": (
        "lists the nox sessions; make test runs sanity, units and smoke ones, and molecule from molecule-2.18's "
        "virtualenv"
    ),
    "LLO_CORE_VERSIONS=2.18 make units": "ansible-test units under ansible-core 2.18; a stage of make test",
    "ls -l /dev/dxg": WSL2,
    "ls /usr/lib/wsl/lib/": WSL2,
    "/usr/lib/wsl/lib/nvidia-smi": WSL2 + " and an NVIDIA GPU",
    "systemctl status ollama": NO_OLLAMA + "; molecule scenario native checks the service",
    "journalctl -u ollama -n 100 --no-pager": NO_OLLAMA,
    "systemctl cat ollama": NO_OLLAMA + "; molecule scenario native checks the unit and its drop-in",
    "docker info --format '{{.OperatingSystem}} {{.Name}} {{.ServerVersion}}'": (
        "needs Docker Desktop (none here; a Docker engine may not run either); tests/functional/"
        "test_docker_engine_info.py and molecule scenario docker_conflict read `docker info` from a stand-in"
    ),
}


def commands_of(block):
    """The commands of one block's text: continuations joined, "$ " prompts and trailing comments removed."""
    commands = []
    for line in block.replace("\\\n", " ").splitlines():
        line = re.sub(r"^\s*\$ ", "", line)
        line = re.sub(r"(^|\s+)#(\s.*)?$", "", line)
        line = " ".join(line.split())
        if line:
            commands.append(line)
    return commands


def documented_commands():
    """[(page:line, command)] for every command of every shell block of README.md and docs/."""
    found = []
    for page in PAGES:
        with open(os.path.join(REPO_ROOT, page), encoding="utf-8") as handle:
            text = handle.read()
        for match in BLOCK.finditer(text):
            where = "%s:%d" % (page, text.count("\n", 0, match.start()) + 1)
            found += [(where, command) for command in commands_of(match.group(2))]
    return found


DOCUMENTED = documented_commands()


def unclassified(where, command):
    return (
        "%s: the command\n    %s\nis in a shell block but in neither list of tests/docs/test_command_blocks.py. Add it "
        "(exactly as shown above) to:\n"
        '  RUNS_HERE, as  %r: (None, "why it is safe"),  when it runs here as written: no GPU, no WSL2, no network but '
        "PyPI and Debian apt, nothing changed on this machine, well under a minute (a --check run, ansible-doc, a "
        'cheap make target); or as  %r: ("<a cheaper form, e.g. with --syntax-check or --check>", "why"),  when '
        "only that form can run here;\n"
        "  ON_THE_EMULATOR, in the same two forms, when it needs an Ollama server or the ollama program: the emulator "
        "stands in for both ($OLLAMA_HOST);\n"
        '  CANNOT_RUN_HERE, as  %r: "the reason",  when it needs WSL2, a GPU, the network, a real Ollama service, or '
        "changes this machine (name the test that covers it instead, if one does)."
        % (where, command, command, command, command)
    )


def test_every_command_is_classified():
    problems = [
        unclassified(where, command)
        for where, command in DOCUMENTED
        if command not in RUNS_HERE and command not in ON_THE_EMULATOR and command not in CANNOT_RUN_HERE
    ]
    assert not problems, "\n\n".join(problems)


def test_no_entry_is_stale():
    documented = set(command for where, command in DOCUMENTED)
    stale = sorted((set(RUNS_HERE) | set(ON_THE_EMULATOR) | set(CANNOT_RUN_HERE)) - documented)
    assert not stale, (
        "these commands of tests/docs/test_command_blocks.py are no longer in any shell block of "
        "README.md or docs/; remove them or fix the entry:\n" + "\n".join(stale)
    )
    lists = (set(RUNS_HERE), set(ON_THE_EMULATOR), set(CANNOT_RUN_HERE))
    assert not (lists[0] & lists[1] or lists[0] & lists[2] or lists[1] & lists[2]), "a command is in two lists"


# The programs `make provision` puts into .venv/bin, none of them on PATH: a page calls them as .venv/bin/<program>
# from the repository root (README.md, "Every playbook runs by path or by name").
VENV_PROGRAMS = r"ansible|ansible-playbook|ansible-galaxy|ansible-doc|ansible-inventory|ansible-vault|ansible-config"
VENV_PROGRAMS_IN_BLOCKS = VENV_PROGRAMS + r"|ansible-test|ansible-lint|molecule|nox|pytest|ruff"
BARE_PROGRAM = r"(?:^|&&|\|\||[|;(]|\bsudo|\benv)\s*(%s)\s+\S"
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def inline_commands():
    """[(page:line, code)] for every inline code span of README.md and docs/ outside fenced blocks."""
    found = []
    for page in PAGES:
        with open(os.path.join(REPO_ROOT, page), encoding="utf-8") as handle:
            text = handle.read()
        prose = re.sub(r"^```.*?^```[ \t]*$", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S | re.M)
        for match in INLINE_CODE.finditer(prose):
            found.append(("%s:%d" % (page, prose.count("\n", 0, match.start()) + 1), match.group(1)))
    return found


def bare_programs(command, programs):
    return re.findall(BARE_PROGRAM % programs, command)


def test_commands_call_the_virtualenvs_programs_by_path():
    """After `make provision` nothing is on PATH: a bare ansible-playbook fails with `command not found`."""
    problems = [
        "%s: %s" % (where, command) for where, command in DOCUMENTED if bare_programs(command, VENV_PROGRAMS_IN_BLOCKS)
    ]
    problems += ["%s: `%s`" % (where, code) for where, code in inline_commands() if bare_programs(code, VENV_PROGRAMS)]
    assert not problems, (
        "these commands call a program of the controller virtualenv by its bare name, which is not on PATH after "
        "make provision; write .venv/bin/<program> (run from the repository root):\n" + "\n".join(problems)
    )


def test_commands_name_inventories_that_exist():
    problems = []
    for where, command in DOCUMENTED + inline_commands():
        if "ansible" not in command:
            continue
        for inventory in re.findall(r"(?:^|\s)(?:-i|--inventory)[ =](\S+)", command):
            if not os.path.exists(os.path.join(REPO_ROOT, inventory.strip("'\""))):
                problems.append("%s: -i %s (in `%s`)" % (where, inventory, command))
    assert not problems, "these commands name an inventory that the repository does not have:\n" + "\n".join(problems)


def environment(work_dir):
    """As after `make provision`: .venv/bin on PATH, the collections found by name; make targets in work_dir."""
    env = dict(os.environ)
    venv_bin = os.path.join(REPO_ROOT, ".venv", "bin")
    env["PATH"] = os.pathsep.join([venv_bin, env.get("PATH", "")])
    self_root = os.path.join(work_dir, "self")
    os.makedirs(os.path.join(self_root, "ansible_collections", "local_llm"))
    os.symlink(REPO_ROOT, os.path.join(self_root, "ansible_collections", "local_llm", "ollama"))
    collections = os.path.join(REPO_ROOT, ".work", "collections")
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([self_root, collections])
    env["ANSIBLE_NOCOLOR"] = "1"
    env["LLO_WORK_DIR"] = os.path.join(work_dir, "work")
    os.makedirs(env["LLO_WORK_DIR"])
    if os.path.isdir(collections):  # make targets reuse the collections instead of installing them again
        os.symlink(collections, os.path.join(env["LLO_WORK_DIR"], "collections"))
    for name in ("PYTEST_ARGS", "PYTEST_ADDOPTS", "RESULTS_FILE"):
        env.pop(name, None)
    return env


RUNNABLE = sorted(set(command for where, command in DOCUMENTED if command in RUNS_HERE))
EMULATED = sorted(set(command for where, command in DOCUMENTED if command in ON_THE_EMULATOR))


def start_emulator(root):
    """The emulator ON_THE_EMULATOR's commands run against, serving the models the pages name (short answers, so
    that eval.yml's tasks end quickly), and a folder whose `ollama` is the emulator's program."""
    from ollama_emulator import Emulator  # tests/emulator is on pytest's pythonpath (pyproject.toml)

    emu = Emulator(
        os.path.join(root, "models"), os.path.join(root, "registry"), tokens_per_second=2000.0, load_seconds=0.05
    )
    emu.start()
    for name in ("qwen2.5-coder:7b", "qwen2.5-coder:14b"):
        emu.seed_local_model(name)
    emu.seed_local_model("my-coder", parameters={"num_ctx": 16384, "temperature": 0.3})
    emu.answers.set([{"match": "*", "answer": "```python\nprint('hello')\n```"}])
    shims = os.path.join(root, "bin")
    os.makedirs(shims)
    with open(os.path.join(shims, "ollama"), "w", encoding="utf-8") as handle:
        handle.write(
            '#!/bin/sh\nPYTHONPATH=%s exec %s -m ollama_emulator "$@"\n'
            % (os.path.join(REPO_ROOT, "tests", "emulator"), sys.executable)
        )
    os.chmod(os.path.join(shims, "ollama"), 0o755)
    return emu, shims


def selected_functions(session):
    return [getattr(item, "function", None) for item in session.items]


def selected_commands(session, test_function):
    return [
        item.callspec.params["command"]
        for item in session.items
        if getattr(item, "function", None) is test_function and hasattr(item, "callspec")
    ]


@pytest.fixture(scope="module")
def started(request, tmp_path_factory):
    """Every selected command of RUNS_HERE and ON_THE_EMULATOR, started at once (each in a work directory of its
    own), so that the test costs about its slowest command instead of their sum: {command: (process, run)}."""
    root = str(tmp_path_factory.mktemp("docs-commands"))
    here = selected_commands(request.session, test_command_runs_here)
    emulated = selected_commands(request.session, test_command_runs_against_the_emulator)
    generated = (
        [GENERATED_SAMPLE] if test_verify_sample_matches_a_fresh_run in selected_functions(request.session) else []
    )
    emu = shims = None
    if emulated:
        emu, shims = start_emulator(root)
    processes = {}
    for index, command in enumerate(here + emulated + generated):
        work_dir = os.path.join(root, "cmd%d" % index)
        os.makedirs(work_dir)
        env = environment(work_dir)
        run = RUNS_HERE[command][0] if command in RUNS_HERE else ON_THE_EMULATOR.get(command, (None,))[0]
        if command in ON_THE_EMULATOR:
            env["PATH"] = os.pathsep.join([shims, env["PATH"]])
            env["OLLAMA_HOST"] = "%s:%d" % (emu.host, emu.port)
            env["LLO_DOC_REPORTS"] = os.path.join(work_dir, "reports")
        run = run or command
        process = subprocess.Popen(
            ["bash", "-o", "pipefail", "-c", run],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        processes[command] = (process, run)
    yield processes
    for process, _run in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.wait()
    if emu is not None:
        emu.stop()


# ansible-playbook ends with rc 0 when the inventory does not exist or the play matches no host: such a run proves
# nothing, so its output fails the test too.
NOTHING_RAN = ("No inventory was parsed", "provided hosts list is empty", "no hosts matched", "Unable to parse")


def check_finished(command, started):
    process, run = started[command]
    output = process.communicate(timeout=900)[0]
    where = [w for w, c in DOCUMENTED if c == command] or ["docs/getting-started.md"]
    assert not [sign for sign in NOTHING_RAN if sign in output], "%s: `%s` ran no play:\n%s" % (
        ", ".join(where),
        run,
        output[-6000:],
    )
    assert process.returncode == 0, "%s: `%s` (run here as `%s`) failed with rc %d:\n%s" % (
        ", ".join(where),
        command,
        run,
        process.returncode,
        output[-12000:],
    )


# docs/getting-started.md's verify sample, generated from a real verify run against the emulator: the generator's
# check (started with the commands above, as it runs a playbook too) exits non-zero when the page differs.
GENERATED_SAMPLE = "%s docs/tools/verify_sample.py" % sys.executable


def test_verify_sample_matches_a_fresh_run(started):
    check_finished(GENERATED_SAMPLE, started)


@pytest.mark.parametrize("command", RUNNABLE)
def test_command_runs_here(command, started):
    check_finished(command, started)


@pytest.mark.parametrize("command", EMULATED)
def test_command_runs_against_the_emulator(command, started):
    check_finished(command, started)


if __name__ == "__main__":
    for where, command in DOCUMENTED:
        print("%-40s %s" % (where, command), file=sys.stdout)
