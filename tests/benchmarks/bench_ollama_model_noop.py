"""Benchmark (prints figures, asserts nothing): how long an ollama_model run takes when nothing changes.

Seeds 50 models in an Ollama emulator, then times
  1. direct execution of the module (one subprocess per model, as Ansible's module execution does minus
     the AnsiballZ wrapping), for pulled models (name only) and for created models (from + parameters);
  2. one ansible-playbook task looping over the 50 models (connection local).
Each scenario runs several times; the median is reported.

Usage: python tests/benchmarks/bench_ollama_model_noop.py [--models 50] [--runs 3]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
# A program, not a test: pytest's pythonpath (pyproject.toml) does not reach it.
sys.path[:0] = [TESTS, os.path.join(TESTS, "functional"), os.path.join(TESTS, "emulator")]

# tests/conftest.py makes ansible_collections.local_llm.ollama importable
import conftest  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
from module_runner import recap, run_module, run_playbook  # noqa: E402
from ollama_emulator import Emulator  # noqa: E402

PLAYBOOK = """---
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Every model present (no-op)
      local_llm.ollama.ollama_model:
        name: "{{ item }}"
        host: "{{ ollama_host }}"
      loop: "{{ models }}"
"""


def time_direct(emu, args_list):
    started = time.perf_counter()
    for args in args_list:
        run = run_module("ollama_model", dict(args, host=emu.url))
        if run.get("changed") or run.get("failed"):
            raise SystemExit("not a no-op: %s" % run.result)
    return time.perf_counter() - started


def time_playbook(emu, names, workdir):
    path = os.path.join(workdir, "noop.yml")
    with open(path, "w") as handle:
        handle.write(PLAYBOOK)
    started = time.perf_counter()
    rc, output = run_playbook(path, {"ollama_host": emu.url, "models": names})
    elapsed = time.perf_counter() - started
    if rc != 0 or recap(output)["changed"] != 0:
        raise SystemExit("playbook failed or changed something:\n" + output)
    return elapsed


def report(label, samples, count):
    median = statistics.median(samples)
    print(
        "%-44s median %7.2f s total, %6.1f ms per model  (runs: %s)"
        % (label, median, median / count * 1000, ", ".join("%.2f" % s for s in samples))
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="llo-bench-") as workdir:
        emu = Emulator(os.path.join(workdir, "models"), os.path.join(workdir, "registry")).start()
        try:
            emu.seed_local_model("bench-base", parameters={"temperature": 0.7})
            pulled = ["bench-model-%02d" % index for index in range(options.models)]
            for name in pulled:
                emu.seed_local_model(name)
            created = [
                {
                    "name": "bench-derived-%02d" % index,
                    "from": "bench-base",
                    "system": "s%d" % index,
                    "parameters": {"num_ctx": 2048 + index, "temperature": 0.7},
                }
                for index in range(options.models)
            ]
            for args in created:
                run_module("ollama_model", dict(args, host=emu.url))
            print(
                "Ollama emulator %s with %d models; Python %s"
                % (emu.version, len(pulled) + len(created) + 1, sys.version.split()[0])
            )
            count = options.models
            report(
                "direct execution, pulled models (name)",
                [time_direct(emu, [{"name": n} for n in pulled]) for _run in range(options.runs)],
                count,
            )
            report(
                "direct execution, created models (from+params)",
                [time_direct(emu, created) for _run in range(options.runs)],
                count,
            )
            report(
                "ansible-playbook loop, pulled models",
                [time_playbook(emu, pulled, workdir) for _run in range(max(1, options.runs - 1))],
                count,
            )
        finally:
            emu.stop()


if __name__ == "__main__":
    main()
