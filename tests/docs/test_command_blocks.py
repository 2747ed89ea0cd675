# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every command in a ```bash, ```sh, ```console or ```shell block of README.md and docs/**/*.md either runs here
(as written, or in the cheaper form RUNS_HERE gives with the reason) and must succeed, or is listed in
CANNOT_RUN_HERE with the reason. A command in neither list fails the test with instructions (see unclassified()).

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
import tempfile

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
    'ansible-playbook -i inventory playbooks/benchmark.yml -e \'{"benchmark_models": ["qwen2.5-coder:7b", '
    '"qwen2.5-coder:14b"], "benchmark_min_tokens_per_second": 45}\''
)
BENCHMARK_COMPARE = (
    "ansible-playbook -i inventory playbooks/benchmark.yml -e benchmark_compare_to=reports/"
    "benchmark-20261122T050645Z/benchmark.json -e benchmark_regression_tolerance_percent=10 "
    "-e benchmark_fail_on_regression=true"
)
LAB_ROLLOUT = ".venv/bin/ansible-playbook -i inventories/lab local_llm.ollama.lab_rollout -K"
LAB_SITE = ".venv/bin/ansible-playbook -i inventories/lab local_llm.ollama.site -K"

# command as written -> (the form run here, why). None: run exactly as written.
RUNS_HERE = {
    LAB_ROLLOUT: (LAB_ROLLOUT + " --syntax-check", LAB_HOSTS),
    LAB_SITE: (LAB_SITE + " --syntax-check", LAB_HOSTS),
    BENCHMARK: (
        BENCHMARK + " --syntax-check",
        "no Ollama server with these models here; "
        "tests/functional/test_benchmark_playbook.py runs the playbook against the emulator",
    ),
    BENCHMARK_COMPARE: (
        BENCHMARK_COMPARE + " --syntax-check",
        "no server and no earlier report here; "
        "tests/functional/test_benchmark_playbook.py runs a comparison against the emulator",
    ),
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

WSL2 = "needs WSL2 (no Windows here); molecule scenarios wsl2_host and wsl2_site simulate it"
NO_OLLAMA = "needs the ollama binary and a service (none here: the tests run the emulator in containers)"
CANNOT_RUN_HERE = {
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
    "curl -s http://127.0.0.1:11434/v1/models": "needs Ollama with my-coder on port 11434; "
    "tests/functional/test_emulator_openai.py sends the same request",
    "curl -s http://127.0.0.1:11434/v1/chat/completions -H 'Content-Type: application/json' -d '{\"model\": "
    '"my-coder", "stream": false, "max_tokens": 32, "messages": [{"role": "user", "content": "Write a Go function '
    "that reverses a string.\"}]}'": (
        "needs Ollama with my-coder on port 11434; tests/functional/test_emulator_openai.py sends the same request"
    ),
    'make provision ARGS="-e ollama_deployment=docker -e ollama_docker_stop_native=true"': (
        "changes this machine (installs Docker); molecule scenario site_docker runs the same switch through site.yml"
    ),
    'make provision ARGS="-e ollama_deployment=native -e ollama_native_stop_docker=true"': (
        "changes this machine (installs Ollama as a service); molecule scenario site_docker runs the same switch"
    ),
    'ansible-playbook -i inventories/localhost playbooks/eval.yml -e \'{"eval_allow_code_execution": true, '
    '"eval_models": ["my-coder", "qwen2.5-coder:7b", "qwen2.5-coder:14b"]}\'': (
        "needs Ollama with those models "
        "(the network); tests/functional/test_eval_playbook.py runs eval.yml "
        "against the emulator"
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
    "ollama create my-coder -f modelfiles/coding-assistant.Modelfile": (
        "needs Ollama and the 4.7 GB qwen2.5-coder:7b from the network; molecule scenario native builds my-coder"
    ),
    "ollama show my-coder --parameters": NO_OLLAMA,
    "ollama ps": NO_OLLAMA,
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
        '  CANNOT_RUN_HERE, as  %r: "the reason",  when it needs WSL2, a GPU, the network, the Ollama binary, or '
        "changes this machine (name the test that covers it instead, if one does)."
        % (where, command, command, command, command)
    )


def test_every_command_is_classified():
    problems = [
        unclassified(where, command)
        for where, command in DOCUMENTED
        if command not in RUNS_HERE and command not in CANNOT_RUN_HERE
    ]
    assert not problems, "\n\n".join(problems)


def test_no_entry_is_stale():
    documented = set(command for where, command in DOCUMENTED)
    stale = sorted((set(RUNS_HERE) | set(CANNOT_RUN_HERE)) - documented)
    assert not stale, (
        "these commands of tests/docs/test_command_blocks.py are no longer in any shell block of "
        "README.md or docs/; remove them or fix the entry:\n" + "\n".join(stale)
    )
    assert not set(RUNS_HERE) & set(CANNOT_RUN_HERE)


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


@pytest.mark.parametrize("command", RUNNABLE)
def test_command_runs_here(command, tmp_path):
    run = RUNS_HERE[command][0] or command
    with tempfile.TemporaryDirectory(prefix="llo-doc-cmd-") as work_dir:
        proc = subprocess.run(
            ["bash", "-o", "pipefail", "-c", run],
            cwd=REPO_ROOT,
            env=environment(work_dir),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=900,
            start_new_session=True,
            check=False,
        )
    where = [w for w, c in DOCUMENTED if c == command]
    assert proc.returncode == 0, "%s: `%s` (run here as `%s`) failed with rc %d:\n%s%s" % (
        ", ".join(where),
        command,
        run,
        proc.returncode,
        proc.stdout[-6000:],
        proc.stderr[-6000:],
    )


if __name__ == "__main__":
    for where, command in DOCUMENTED:
        print("%-40s %s" % (where, command), file=sys.stdout)
