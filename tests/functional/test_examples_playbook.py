"""The modules' EXAMPLES, run for real through ansible-playbook against the emulator, twice."""

import os

import pytest
from module_runner import module_examples, playbook_tasks, recap, run_playbook
from ollama_emulator import make_gguf

PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "ollama_model_examples.yml")


def test_playbook_holds_the_examples_verbatim():
    assert playbook_tasks(PLAYBOOK) == [module_examples("ollama_model"), module_examples("ollama_model_info")]


@pytest.fixture
def home(tmp_path):
    path = tmp_path / "home"
    (path / "models").mkdir(parents=True)
    make_gguf(str(path / "models" / "model.Q4_K_M.gguf"), architecture="llama", block_count=2)
    return path


def test_examples_run_and_are_idempotent(emulator, home):
    emulator.seed_registry_model("llama3.2:3b", architecture="llama", block_count=4)
    emulator.seed_local_model("old-model")
    env = {"HOME": str(home)}
    rc, output = run_playbook(PLAYBOOK, {"ollama_host": emulator.url}, env=env)
    assert rc == 0, output
    assert recap(output)["changed"] == 5 and recap(output)["failed"] == 0, output
    rc, output = run_playbook(PLAYBOOK, {"ollama_host": emulator.url}, env=env)
    assert rc == 0, output
    assert recap(output)["changed"] == 0 and recap(output)["failed"] == 0, output


def test_check_and_diff_through_ansible_playbook(emulator, home):
    emulator.seed_registry_model("llama3.2:3b", architecture="llama", block_count=4)
    rc, output = run_playbook(PLAYBOOK, {"ollama_host": emulator.url}, env={"HOME": str(home)}, check=True, diff=True)
    assert rc == 0, output
    assert "+PARAMETER num_ctx 8192" in output and "+SYSTEM You talk like a pirate." in output
    assert [e["method"] for e in emulator.request_log if e["method"] not in ("GET", "HEAD")] == []
