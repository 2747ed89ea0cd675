"""The EXAMPLES of ollama_benchmark, run for real through ansible-playbook against the emulator."""

import os
import re

from module_runner import module_examples, playbook_tasks, recap, run_playbook

PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "ollama_benchmark_examples.yml")


def test_playbook_holds_the_examples_verbatim():
    assert playbook_tasks(PLAYBOOK) == [module_examples("ollama_benchmark")]


def test_examples_run_against_the_emulator(make_emulator):
    emu = make_emulator(tokens_per_second=2000.0, prompt_tokens_per_second=8000.0)
    emu.seed_local_model("qwen2.5-coder:7b")
    rc, output = run_playbook(PLAYBOOK, {"ollama_host": emu.url})
    assert rc == 0, output
    assert recap(output)["changed"] == 0 and recap(output)["failed"] == 0, output
    assert re.search(r'"msg": "2000\.0 tok/s median, 100% GPU, efficiency unknown % of the bandwidth bound"', output), (
        output
    )
    chat = [e for e in emu.request_log if e["path"] == "/api/chat"]
    generate = [e["body"] for e in emu.request_log if e["path"] == "/api/generate"]
    assert len(chat) == 1 + 3 and len(generate) == 1 + 5
    assert [body["prompt"] for body in generate[:3]] == [
        "Write a quicksort in Python.",
        "Write a merge sort in Python.",
        "Request 3. Write a quicksort in Python.",
    ]
    assert all(body["options"]["num_predict"] == 256 for body in generate)
