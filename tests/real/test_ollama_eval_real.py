"""ollama_eval end to end against the real Ollama 0.32.15 server with the Gemma 3 270M model.

Whatever the tiny model scores, the whole pipeline must run: generation through the real streaming API, code
extraction from a real answer, the sandboxed test run, the summary with Ollama's own timings and /api/show's
parameters. The score and the time are printed (run pytest with -s to see them).
"""

import json
import os
import subprocess
import sys
import tempfile
import time

from module_runner import module_env

TASKS = ["py-clamp", "py-reverse-words"]
OUTCOMES = ("pass", "fail", "error", "timeout", "no_code")
# two short answers on a loaded 2-core machine; generation is the slow part
MODULE_TIMEOUT = 1800


def run_eval(args):
    payload = dict(args, _ansible_check_mode=False, _ansible_diff=False)
    with tempfile.TemporaryDirectory(prefix="llo-eval-real-") as workdir:
        args_path = os.path.join(workdir, "args.json")
        with open(args_path, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": payload}, handle)
        proc = subprocess.run(
            [sys.executable, "-m", "ansible_collections.local_llm.ollama.plugins.modules.ollama_eval", args_path],
            cwd=workdir,
            env=module_env(),
            capture_output=True,
            text=True,
            timeout=MODULE_TIMEOUT,
            check=False,
        )
    assert "Traceback" not in proc.stderr, proc.stderr  # the module's own; a task's detail may hold the answer's
    result = json.loads(proc.stdout)
    assert "exception" not in result, result["exception"]
    return proc.returncode, result


def test_the_pipeline_runs_end_to_end_on_the_real_server(real_ollama, real_model):
    started = time.monotonic()
    rc, result = run_eval(
        {
            "host": real_ollama.url,
            "model": real_model,
            "allow_code_execution": True,
            "task_ids": TASKS,
            "num_predict": 48,
            "timeout": MODULE_TIMEOUT,
        }
    )
    seconds = time.monotonic() - started
    assert rc == 0, result
    summary = result["summary"]
    print(
        "\nollama_eval %s on the real server: %s/%s passed (%s%%), outcomes %s, median %s tok/s, %.1f s wall"
        % (
            real_model,
            summary["passed"],
            summary["total"],
            summary["pass_rate"],
            summary["counts"],
            summary["tokens_per_second"]["median"],
            seconds,
        )
    )
    assert result["server_version"] == "0.32.15"
    assert [task["id"] for task in result["tasks"]] == TASKS and summary["total"] == len(TASKS)
    for task in result["tasks"]:
        assert task["outcome"] in OUTCOMES, task
        assert 0 < task["eval_count"] <= 48 and task["tokens_per_second"] > 0, task
        assert task["answer_chars"] > 0 and task["generation_seconds"] > 0
        assert (task["test_seconds"] is None) == (task["outcome"] == "no_code"), task
    assert sum(summary["counts"].values()) == len(TASKS)
    assert summary["generated_tokens"] == sum(task["eval_count"] for task in result["tasks"])
    assert 0 <= summary["pass_rate"] <= 100 and summary["wall_seconds"] > 0
    assert result["model_parameters"]["details"]["family"] == "gemma3"
    assert result["model_parameters"]["context_length"] == 32768
    assert result["settings"]["options"]["temperature"] == 0
    assert result["sandbox"]["python"]
