# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The verify summary sample of docs/getting-started.md, from a real run of playbooks/verify.yml on this machine
against the project's Ollama emulator (tests/emulator) serving qwen2.5-coder:7b and my-coder at 65 tokens/s.

    python docs/tools/verify_sample.py            # check: exit status 1 when the page's sample differs from a run
    python docs/tools/verify_sample.py --write    # run verify and write the sample into the page

Only the block between <!-- verify-sample:start --> and <!-- verify-sample:end --> is generated. The run is as a
user runs it (.venv/bin/ansible-playbook -i inventories/localhost playbooks/verify.yml from the repository root,
without become), with ollama_listen moved to the emulator's free port. Values of the run alone are normalized: the
port is written as 11434 (the default the page is about), and the check compares the measured speed and the free
disk as numbers of any value.
"""

from __future__ import absolute_import, division, print_function

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = os.path.join("docs", "getting-started.md")
BLOCK = "verify-sample"
DOCUMENTED_PORT = 11434
TOKENS_PER_SECOND = 65.0  # the reference point of docs/benchmarking.md: qwen2.5-coder:7b on an RTX 3060 12 GB
# Rows whose value differs from run to run: compared with every number masked.
RUN_SPECIFIC = ("generation speed", "free disk for models")


def _verify_table():
    path = os.path.join(ROOT, "plugins", "filter", "verify.py")
    spec = importlib.util.spec_from_file_location("llo_verify_filter", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify_table


def _start_emulator(work_dir):
    sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
    from ollama_emulator import QWEN25_CODER_7B as QWEN_7B  # pylint: disable=import-outside-toplevel
    from ollama_emulator import QWEN_CHATML_TOOLS, Emulator

    emu = Emulator(
        os.path.join(work_dir, "models"),
        os.path.join(work_dir, "registry"),
        tokens_per_second=TOKENS_PER_SECOND,
        load_seconds=0.05,
    )
    emu.start()
    emu.seed_local_model("qwen2.5-coder:7b", template=QWEN_CHATML_TOOLS, **QWEN_7B)
    emu.seed_local_model(
        "my-coder", template=QWEN_CHATML_TOOLS, parameters={"num_ctx": 16384, "temperature": 0.3}, **QWEN_7B
    )
    return emu


def _environment(work_dir):
    """As after `make provision`: local_llm.ollama (this working tree) and requirements.yml's collections by name."""
    self_root = os.path.join(work_dir, "self")
    os.makedirs(os.path.join(self_root, "ansible_collections", "local_llm"))
    os.symlink(ROOT, os.path.join(self_root, "ansible_collections", "local_llm", "ollama"))
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([self_root, os.path.join(ROOT, ".work", "collections")])
    env["ANSIBLE_STDOUT_CALLBACK"] = "ansible.posix.json"
    env["ANSIBLE_NOCOLOR"] = "1"
    return env


def run_verify():
    """verify_results of a real playbooks/verify.yml run against the emulator, the port written as 11434."""
    with tempfile.TemporaryDirectory(prefix="llo-verify-sample-") as work_dir:
        emu = _start_emulator(work_dir)
        try:
            proc = subprocess.run(
                [
                    os.path.join(ROOT, ".venv", "bin", "ansible-playbook"),
                    "-i",
                    "inventories/localhost",
                    "playbooks/verify.yml",
                    "-e",
                    json.dumps({"ollama_listen": "127.0.0.1:%d" % emu.port, "ansible_become": False}),
                ],
                cwd=ROOT,
                env=_environment(work_dir),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
        finally:
            emu.stop()
    results = _results(proc)
    port = re.compile(r"\b%d\b" % emu.port)
    return [
        {key: port.sub(str(DOCUMENTED_PORT), value) if isinstance(value, str) else value for key, value in row.items()}
        for row in results
    ]


def _results(proc):
    try:
        output = json.loads(proc.stdout[proc.stdout.index("{") :])
    except ValueError:
        raise SystemExit(
            "verify printed no JSON (rc %d):\n%s%s" % (proc.returncode, proc.stdout, proc.stderr)
        ) from None
    for play in output["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"].endswith("Judge every check"):
                return task["hosts"]["localhost"]["ansible_facts"]["verify_results"]
    raise SystemExit("verify's summary is missing from the run (rc %d):\n%s" % (proc.returncode, proc.stdout[-4000:]))


def sample(results):
    """The sample as the page shows it: the summary verify prints for localhost."""
    return "\n".join(_verify_table()(results, "localhost"))


def comparable(text):
    """Rows as cell lists, every number masked in the rows whose value belongs to one run."""
    rows = []
    for line in text.strip().splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells and cells[0] in RUN_SPECIFIC:
            cells = [re.sub(r"\d+(\.\d+)?", "N", cell) for cell in cells]
        rows.append(cells)
    return rows


def page_block(text):
    pattern = re.compile(r"(<!-- %s:start -->\n```text\n)(.*?)(```\n<!-- %s:end -->)" % (BLOCK, BLOCK), re.S)
    found = pattern.findall(text)
    if len(found) != 1:
        raise SystemExit(
            "%s needs exactly one <!-- %s:start --> ```text ... ``` <!-- %s:end --> block" % (PAGE, BLOCK, BLOCK)
        )
    return pattern, found[0][1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write the sample into " + PAGE)
    args = parser.parse_args(argv)
    path = os.path.join(ROOT, PAGE)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    pattern, committed = page_block(text)
    fresh = sample(run_verify())
    if args.write:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(pattern.sub(lambda m: m.group(1) + fresh + "\n" + m.group(3), text))
        return 0
    if comparable(committed) != comparable(fresh):
        print(
            "%s: the verify sample differs from a fresh run; run python docs/tools/verify_sample.py --write\n"
            "on the page:\n%s\na fresh run:\n%s" % (PAGE, committed, fresh)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
