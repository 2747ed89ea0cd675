"""ollama_eval executed for real against the emulator with scripted answers: every outcome, the containment
of harmful answers, check mode, the threshold and bad input."""

import json
import os
import shutil
import socket
import time

import pytest
import yaml
from module_runner import assert_clean_failure, recap, run_module, run_playbook

MODEL = "coder:7b"
RATE = 2000.0

CLAMP_RIGHT = '''Here is the function:

```python
def clamp(value, low, high):
    """Limit value to low..high."""
    if low > high:
        raise ValueError("low > high")
    return max(low, min(value, high))
```

It raises ValueError when the bounds are swapped.
'''
CLAMP_WRONG = "```python\ndef clamp(value, low, high):\n    return value\n```\n"
NO_CODE = "I am sorry, but I cannot help with that request. Clamping is a mathematical operation."
INFINITE_LOOP = "```python\ndef clamp(value, low, high):\n    while True:\n        pass\n```\n"
FORK_BOMB = """```python
import os

def clamp(value, low, high):
    children = 0
    while True:
        try:
            if os.fork() == 0:
                while True:
                    os.fork()
            children += 1
        except OSError:
            break
    while True:
        pass
```
"""
MEMORY_HOG = """```python
def clamp(value, low, high):
    hog = []
    while True:
        hog.append(bytearray(50 * 1024 * 1024))
```
"""
NETWORK_CALL = """```python
import socket, urllib.request

def clamp(value, low, high):
    urllib.request.urlopen("%s/api/version", timeout=3).read()
    return max(low, min(value, high))
```
"""
UNICODE_PALINDROME = '''Voilà — une solution « propre » 🐍:

```python
import unicodedata  # prüft Groß-/Kleinschreibung: ÄÖÜ, ß, 日本語

def is_palindrome(text):
    """Palindrom? — ignoriert Satzzeichen ¿¡…"""
    kept = [c.casefold() for c in text if c.isalnum()]
    return kept == kept[::-1]
```
'''


def long_answer():
    """Over 200 000 characters: a long explanation (long lines, few tokens to keep the stream short), a
    commented-out table, then the solution, then more text."""
    line = "# " + "=" * 400 + "\n"
    prose = "Explanation-of-the-approach-in-far-too-much-detail,-as-small-models-sometimes-write-it. " * 20 + "\n\n"
    return prose * 60 + "```text\n" + line * 200 + "```\n\n" + CLAMP_RIGHT + "\n\n" + prose * 40


@pytest.fixture
def coder(make_emulator):
    emu = make_emulator(tokens_per_second={MODEL: RATE}, prompt_tokens_per_second=20000.0)
    emu.seed_local_model(MODEL, parameters={"num_ctx": 8192, "temperature": 0.2})
    return emu


def evaluate(emu, answers, check=False, prefix=(), **args):
    emu.answers.set(answers)
    args.setdefault("host", emu.url)
    args.setdefault("model", MODEL)
    args.setdefault("allow_code_execution", True)
    args.setdefault("task_ids", ["py-clamp"])
    args.setdefault("task_timeout", 5)
    return run_module("ollama_eval", args, check=check, prefix=prefix)


def chat_requests(emu):
    return [entry for entry in emu.request_log if entry["path"] == "/api/chat"]


def only_task(run):
    assert run["summary"]["total"] == 1, run.result
    return run["tasks"][0]


def sandbox_user_processes():
    """Processes of nobody (the sandbox user) now: none may outlive a task."""
    count = 0
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and os.stat("/proc/" + entry).st_uid == 65534:
                count += 1
        except OSError:
            pass
    return count


def leftover_folders():
    import tempfile  # pylint: disable=import-outside-toplevel

    return sorted(name for name in os.listdir(tempfile.gettempdir()) if name.startswith("ollama-eval-"))


def test_a_correct_answer_passes_and_the_result_has_every_field(coder):
    before = leftover_folders()
    run = evaluate(coder, {"def clamp(": CLAMP_RIGHT}, temperature=0, seed=7)
    assert run.returncode == 0 and run["changed"] is False, run.result
    task = only_task(run)
    assert task["outcome"] == "pass" and task["extracted"] == "fenced", task
    assert task["eval_count"] > 10 and task["tokens_per_second"] == pytest.approx(RATE, rel=0.05)
    summary = run["summary"]
    assert summary["passed"] == 1 and summary["pass_rate"] == 100.0 and summary["counts"]["pass"] == 1
    assert summary["tokens_per_second"]["median"] == pytest.approx(RATE, rel=0.05)
    assert summary["wall_seconds"] > 0 and summary["generated_tokens"] == task["eval_count"]
    assert run["model_parameters"]["parameters"] == {"num_ctx": 8192, "temperature": 0.2}
    assert run["model_parameters"]["details"]["format"] == "gguf"
    assert run["sandbox"]["network_isolated"] is (os.geteuid() == 0 or run["sandbox"]["network_isolated"])
    body = chat_requests(coder)[0]["body"]
    assert body["options"] == {"temperature": 0.0, "seed": 7, "num_predict": 1024, "num_ctx": 4096}
    assert "def clamp(value, low, high):" in body["messages"][0]["content"]
    assert "assert clamp" not in body["messages"][0]["content"], "the tests must stay hidden"
    assert leftover_folders() == before, "the throwaway folder must be removed"


def test_a_wrong_answer_fails_with_the_assertion(coder):
    task = only_task(evaluate(coder, {"def clamp(": CLAMP_WRONG}))
    assert task["outcome"] == "fail" and "AssertionError" in task["detail"], task


def test_an_answer_without_code_counts_as_no_code(coder):
    run = evaluate(coder, {"def clamp(": NO_CODE})
    task = only_task(run)
    assert task["outcome"] == "no_code" and task["extracted"] is None, task
    assert run["summary"]["pass_rate"] == 0.0


def test_code_that_does_not_load_is_an_error(coder):
    task = only_task(evaluate(coder, {"def clamp(": "```python\ndef clamp(value, low, high)\n    return 1\n```"}))
    assert task["outcome"] == "error" and "SyntaxError" in task["detail"], task


def test_an_infinite_loop_times_out(coder):
    started = time.monotonic()
    task = only_task(evaluate(coder, {"def clamp(": INFINITE_LOOP}, task_timeout=2))
    assert task["outcome"] == "timeout", task
    assert task["test_seconds"] < 8 and time.monotonic() - started < 60


@pytest.mark.skipif(os.geteuid() != 0, reason="counts the processes of the sandbox user nobody; needs root")
def test_a_fork_bomb_is_contained_and_leaves_no_process(coder):
    before = sandbox_user_processes()
    task = only_task(evaluate(coder, {"def clamp(": FORK_BOMB}, task_timeout=3, max_processes=16))
    assert task["outcome"] in ("timeout", "fail"), task
    assert task["test_seconds"] < 15
    deadline = time.monotonic() + 10
    while sandbox_user_processes() > before and time.monotonic() < deadline:
        time.sleep(0.2)  # the killed PID namespace is torn down by the kernel, not instantly
    assert sandbox_user_processes() == before


def test_a_memory_hog_is_stopped_by_the_memory_limit(coder):
    task = only_task(evaluate(coder, {"def clamp(": MEMORY_HOG}, memory_limit_mb=256))
    assert task["outcome"] == "fail" and "MemoryError" in task["detail"], task


def test_a_network_call_fails_inside_the_sandbox(coder):
    answer = NETWORK_CALL % coder.url
    run = evaluate(coder, {"def clamp(": answer})
    task = only_task(run)
    if not run["sandbox"]["network_isolated"]:
        pytest.skip("this host cannot create a network namespace: %s" % run["sandbox"]["isolation"])
    assert task["outcome"] == "fail", task
    assert "URLError" in task["detail"] or "Network is unreachable" in task["detail"], task["detail"]
    assert [entry["path"] for entry in coder.request_log].count("/api/version") == 1, "only the module's own call"


LOOPBACK_CALL = """```python
import socket

def clamp(value, low, high):
    socket.create_connection(("127.0.0.1", %d), timeout=3).close()
    if low > high:
        raise ValueError("low > high")
    return max(low, min(value, high))
```
"""
# A host without util-linux's unshare, made for real: the module runs in a mount namespace of its own where
# /usr/bin/unshare (/bin links there) is /dev/null, which no one can execute.
WITHOUT_UNSHARE = (
    "unshare",
    "--mount",
    "--propagation",
    "private",
    "sh",
    "-c",
    'mount --bind /dev/null /usr/bin/unshare && exec "$@"',
    "sh",
)
needs_root_for_a_mount_namespace = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("unshare") is None, reason="hides unshare in a mount namespace: needs root"
)


class Listener:
    """A loopback port that only the answers are told about; ``connected()`` says whether anyone came."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.server.setblocking(False)
        self.port = self.server.getsockname()[1]

    def connected(self):
        try:
            self.server.accept()[0].close()
            return True
        except BlockingIOError:
            return False


@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.server.close()


def test_by_default_an_answer_cannot_reach_a_loopback_port(coder, listener):
    run = evaluate(coder, {"def clamp(": LOOPBACK_CALL % listener.port})
    if run.get("failed") and "cannot create a network namespace" in run["msg"]:
        pytest.skip("this host cannot create a network namespace: %s" % run["msg"])
    task = only_task(run)
    assert run["sandbox"]["network_isolated"] is True, run["sandbox"]
    assert task["outcome"] == "fail" and "Network is unreachable" in task["detail"], task
    assert not listener.connected()


@needs_root_for_a_mount_namespace
def test_without_a_network_namespace_the_module_refuses_naming_the_opt_out(coder, listener):
    answer = LOOPBACK_CALL % listener.port
    for check in (True, False):
        run = evaluate(coder, {"def clamp(": answer}, check=check, prefix=WITHOUT_UNSHARE)
        assert_clean_failure(
            run,
            "cannot create a network namespace for the answers (unshare (util-linux) is not installed)",
            "the Ollama API on loopback included",
            "set require_network_isolation: false to run the answers with network access",
        )
    assert chat_requests(coder) == [], "nothing may be sent to the model"
    assert not listener.connected()


@needs_root_for_a_mount_namespace
def test_the_explicit_opt_out_runs_the_answers_with_network_access(coder, listener):
    answer = LOOPBACK_CALL % listener.port
    run = evaluate(coder, {"def clamp(": answer}, prefix=WITHOUT_UNSHARE, require_network_isolation=False)
    assert run.returncode == 0, run.result
    assert only_task(run)["outcome"] == "pass", only_task(run)
    assert run["sandbox"]["network_isolated"] is False
    assert run["sandbox"]["isolation"] == "none: unshare (util-linux) is not installed"
    assert "the answers ran with network access" in json.dumps(run["warnings"]), run.result
    assert listener.connected()


def test_unicode_answers_work(coder):
    run = evaluate(coder, {"def is_palindrome(": UNICODE_PALINDROME}, task_ids=["py-is-palindrome"])
    task = only_task(run)
    assert task["outcome"] == "pass", task
    assert task["answer_chars"] == len(UNICODE_PALINDROME)


def test_a_very_long_answer_is_read_whole(coder):
    answer = long_answer()
    assert len(answer) > 200000
    task = only_task(evaluate(coder, {"def clamp(": answer}, num_predict=100000))
    assert task["outcome"] == "pass" and task["answer_chars"] == len(answer), task


def test_an_answer_cut_at_num_predict_is_still_scored(coder):
    task = only_task(evaluate(coder, {"def clamp(": CLAMP_RIGHT}, num_predict=16))
    assert task["done_reason"] == "length" and task["eval_count"] == 16
    assert task["outcome"] in ("error", "no_code", "fail"), task


def test_the_threshold_fails_clearly_and_still_returns_the_results(coder):
    answers = [{"match": "def clamp(", "answer": CLAMP_RIGHT}, {"match": "*", "answer": NO_CODE}]
    run = evaluate(coder, answers, task_ids=["py-clamp", "py-digit-sum", "py-unique"], min_pass_rate=50)
    assert_clean_failure(run, "coder:7b: pass rate 33.3% (1 of 3 tasks) is below min_pass_rate 50%")
    assert run["summary"]["counts"]["no_code"] == 2 and run["thresholds"]["problems"]
    assert [task["outcome"] for task in run["tasks"]] == ["pass", "no_code", "no_code"]
    passing = evaluate(coder, answers, task_ids=["py-clamp"], min_pass_rate=100)
    assert passing.returncode == 0 and passing["thresholds"]["problems"] == [], passing.result


def test_without_allow_code_execution_nothing_is_sent(coder):
    run = evaluate(coder, {"*": CLAMP_RIGHT}, allow_code_execution=False)
    assert_clean_failure(run, "allow_code_execution is not set", "allow_code_execution: true")
    assert coder.request_log == []


def test_check_mode_sends_no_prompt_and_executes_nothing(coder):
    run = evaluate(coder, {"*": INFINITE_LOOP}, check=True, num_tasks=3, task_ids=None)
    assert run.returncode == 0, run.result
    assert [task["outcome"] for task in run["tasks"]] == ["planned"] * 3
    assert chat_requests(coder) == [] and "sandbox" not in run.result
    assert run["settings"]["task_ids"] == ["py-clamp", "py-is-palindrome", "py-count-vowels"]


def test_the_bundled_set_and_num_tasks(coder):
    run = evaluate(coder, {"*": NO_CODE}, check=True, task_ids=None)
    ids = run["settings"]["task_ids"]
    assert len([i for i in ids if i.startswith("py-")]) >= 30 and len([i for i in ids if i.startswith("go-")]) >= 3


def test_through_ansible_playbook_the_action_plugin_hands_the_bundled_tasks_to_the_module(coder, tmp_path):
    """The bundled set is a data file on the controller; the module on the host gets it from the action plugin
    (AnsiballZ ships only Python), and the returned invocation does not repeat it."""
    saved = tmp_path / "result.json"
    playbook = tmp_path / "eval.yml"
    task = {"host": coder.url, "model": MODEL, "allow_code_execution": True, "num_tasks": 2}
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "tasks": [
                        {"local_llm.ollama.ollama_eval": task, "register": "evaluation", "check_mode": True},
                        {
                            "ansible.builtin.copy": {"content": "{{ evaluation | to_json }}", "dest": str(saved)},
                            "check_mode": False,
                        },
                    ],
                }
            ]
        )
    )
    rc, output = run_playbook(str(playbook), env={"ANSIBLE_VERBOSITY": "3"})  # -vvv shows the invocation
    assert rc == 0 and recap(output)["failed"] == 0, output
    result = json.loads(saved.read_text())
    assert result["settings"]["task_ids"] == ["py-clamp", "py-is-palindrome"]
    assert [task["source"] for task in result["tasks"]] == ["bundled", "bundled"]
    assert '"bundled_tasks": true' in output and "_bundled_tasks" not in output, output


def test_go_tasks_are_skipped_without_a_go_toolchain(coder):
    run = evaluate(
        coder,
        {"*": "```go\nfunc Reverse(s string) string { return s }\n```"},
        task_ids=["go-reverse", "py-clamp"],
        go_binary="/nonexistent/go",
    )
    assert run.returncode == 0, run.result
    outcomes = [(task["id"], task["outcome"]) for task in run["tasks"]]
    assert outcomes == [("py-clamp", "no_code"), ("go-reverse", "skipped")]
    assert run["summary"]["total"] == 1 and run["summary"]["counts"]["skipped"] == 1
    assert run["sandbox"]["go"] is None
    assert len(chat_requests(coder)) == 1, "a skipped task sends no prompt"


GO_REVERSE = """```go
package main

func Reverse(s string) string {
\tr := []rune(s)
\tfor i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
\t\tr[i], r[j] = r[j], r[i]
\t}
\treturn string(r)
}
```"""


@pytest.mark.skipif(shutil.which("go") is None, reason="needs a Go toolchain (go) on this machine")
def test_go_tasks_run_where_go_exists(coder):
    answers = [
        {"match": "func Reverse(", "answer": GO_REVERSE},
        {"match": "func IsPrime(", "answer": "```go\nfunc IsPrime(n int) bool { return n == 2 }\n```"},
        {"match": "func WordCount(", "answer": "```go\nfunc WordCount(s string) map[string]int {\n"},
    ]
    run = evaluate(coder, answers, task_ids=["go-reverse", "go-is-prime", "go-word-count"], go_build_timeout=300)
    assert run.returncode == 0, run.result
    outcomes = [(task["id"], task["outcome"]) for task in run["tasks"]]
    assert outcomes == [("go-reverse", "pass"), ("go-is-prime", "fail"), ("go-word-count", "error")], run["tasks"]
    assert run["sandbox"]["go"].startswith("go version")


def test_own_task_file(coder, tmp_path):
    task_file = tmp_path / "tasks.json"
    task_file.write_text(
        json.dumps(
            {
                "tasks": [
                    {
                        "id": "own-double",
                        "entry_point": "double",
                        "prompt": 'def double(x):\n    """Return twice x."""\n',
                        "tests": "assert double(4) == 8\n",
                    }
                ]
            }
        )
    )
    run = evaluate(
        coder,
        {"def double(": "```python\ndef double(x):\n    return 2 * x\n```"},
        task_ids=None,
        bundled_tasks=False,
        task_files=[str(task_file)],
    )
    assert run.returncode == 0, run.result
    task = only_task(run)
    assert task["id"] == "own-double" and task["outcome"] == "pass" and task["source"] == str(task_file)


@pytest.mark.parametrize(
    "content, fragment",
    [
        ("[]", "must hold a non-empty list of tasks"),
        ('[{"id": "x", "prompt": "def f():", "tests": "assert f()"}]', "lacks entry_point"),
        (
            '[{"id": "x", "entry_point": "f", "prompt": "p", "tests": "t", "language": "rust"}]',
            "language must be one of",
        ),
        ("{not json", "is not valid JSON"),
    ],
)
def test_bad_task_files_fail_before_anything_is_sent(coder, tmp_path, content, fragment):
    task_file = tmp_path / "tasks.json"
    task_file.write_text(content)
    run = evaluate(coder, {}, task_ids=None, task_files=[str(task_file)])
    assert_clean_failure(run, "task_files: %s" % task_file, fragment)
    assert chat_requests(coder) == []


@pytest.mark.parametrize(
    "args, fragment",
    [
        ({"num_tasks": 0}, "num_tasks accepts a whole number from 1 to 100000, got the number 0"),
        ({"min_pass_rate": 120}, "min_pass_rate accepts a finite number of percent from 0 to 100"),
        ({"options": {"temperature": 1}}, "options must not contain temperature"),
        ({"task_ids": ["py-nope"]}, "task_ids: no task py-nope"),
        ({"sandbox_user": "no-such-user-llo"}, "sandbox_user: there is no user"),
    ],
)
def test_bad_options_fail_clearly(coder, args, fragment):
    if "sandbox_user" in args and os.geteuid() != 0:
        pytest.skip("sandbox_user applies only when the module runs as root")
    run = evaluate(coder, {}, **args)
    assert_clean_failure(run, fragment)
    assert chat_requests(coder) == []


def test_a_missing_model_fails_with_a_hint(coder):
    run = evaluate(coder, {}, model="absent:1b")
    assert_clean_failure(run, "model 'absent:1b' is not on the Ollama server", "pull it first")


@pytest.mark.parametrize("option, value", [("task_timeout", 0), ("go_build_timeout", -1), ("task_timeout", 10**9)])
def test_a_duration_out_of_range_fails_before_any_request(coder, option, value):
    coder.clear_log()
    run = evaluate(coder, {}, **{option: value})
    assert run.returncode != 0 and run.traceback_free, run.result
    expected = "%s accepts a whole number of seconds from 1 to 86400, got the number %s" % (option, value)
    assert run["msg"].startswith(expected), run["msg"]
    assert chat_requests(coder) == []
