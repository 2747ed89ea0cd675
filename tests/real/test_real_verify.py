"""The verify role (playbooks/verify.yml) on this host against the real Ollama 0.32.15 and a real custom model."""

import os

from module_runner import run_module, run_playbook
from real_server import GEMMA_TEMPLATE, REPO_ROOT

CUSTOM = "llo-verify-coder"
PARAMETERS = {"num_ctx": 2048, "temperature": 0.3}


def test_verify_judges_the_real_server(real_ollama, real_model):
    created = run_module(
        "ollama_model",
        {
            "host": real_ollama.url,
            "name": CUSTOM,
            "from": real_model,
            "template": GEMMA_TEMPLATE,
            "parameters": PARAMETERS,
        },
        timeout=900,
    )
    assert created.returncode == 0, created.result
    # load it first: the role's probe waits at most 30 s for an answer, and a cold load on two busy cores can take
    # longer than that
    real_ollama.api("POST", "/api/generate", {"model": CUSTOM, "prompt": "", "stream": False, "keep_alive": "30m"})
    rc, output = run_playbook(
        os.path.join(REPO_ROOT, "playbooks", "verify.yml"),
        {
            "ollama_listen": real_ollama.host,
            "verify_base_model": real_model,
            "verify_custom_model": CUSTOM,
            "verify_custom_model_parameters": PARAMETERS,
            "verify_min_tokens_per_second": 0.05,
            "verify_benchmark_runs": 1,
            "verify_benchmark_num_predict": 16,
            "verify_benchmark_timeout": 600,
            "verify_models_dir": real_ollama.models_dir,
            "verify_min_free_disk_gb": 1,
            # as `-e verify_openai_max_tokens=8` gives it: text, which the real server refuses as max_tokens
            "verify_openai_max_tokens": "8",
        },
    )
    # no systemd service and no flash attention for a server started by the test: those two fail, nothing else
    assert rc != 0 and "verify localhost:" in output, output
    table = output[output.index("verify localhost:") :]
    for check, status in [
        ("GPU visible", "WARN"),
        ("API answers with the expected version", "PASS"),
        ("base model present", "PASS"),
        ("%s present with its parameters" % CUSTOM, "PASS"),
        ("%s loaded fully on the GPU" % CUSTOM, "WARN"),
        ("generation speed", "PASS"),
        ("port %d bound only on 127.0.0.1" % real_ollama.port, "PASS"),
        ("free disk for models", "PASS"),
        ("OpenAI API /v1/chat/completions answers with %s" % CUSTOM, "PASS"),
        ("OpenAI API /v1/chat/completions streams with %s" % CUSTOM, "PASS"),
        ("%s accepts tools (agent modes)" % CUSTOM, "WARN"),
        ("%s context length after a /v1 call" % CUSTOM, "PASS"),
        ("native service active and enabled", "FAIL"),
        ("flash attention configured", "FAIL"),
    ]:
        row = next(line for line in table.splitlines() if check in line)
        assert status in row.split(), row
    assert "100% CPU" in table
    assert "no: HTTP 400: %s:latest does not support tools" % CUSTOM in table
    context = next(line for line in table.splitlines() if "context length after a /v1 call" in line)
    assert context.split().count("2048") == 2, context
    assert "native service active and enabled, flash attention configured" in output
    assert "Traceback" not in output
