"""playbooks/eval.yml through real ansible-playbook on localhost, the emulator (scripted answers) as the Ollama.

Two models at different speeds: one answers every task right, the other one of three wrong. The JSON, the table
and the SVG chart are checked; a second run where the good model got worse is flagged as a regression against
the first report and, with eval_fail_on_regression and a threshold, fails the host.
"""

import glob
import json
import os
import xml.etree.ElementTree as ET

from module_runner import COLLECTION_DIR, recap, run_playbook

PLAYBOOK = os.path.join(COLLECTION_DIR, "playbooks", "eval.yml")
RIGHT = {
    "def clamp(": "```python\ndef clamp(value, low, high):\n    if low > high:\n        raise ValueError()\n"
    "    return max(low, min(value, high))\n```",
    "def is_palindrome(": "```python\ndef is_palindrome(text):\n    k = [c.lower() for c in text if c.isalnum()]\n"
    "    return k == k[::-1]\n```",
    "def count_vowels(": "```python\ndef count_vowels(text):\n    return sum(c in 'aeiou' for c in text.lower())\n```",
}
WRONG = "```python\ndef clamp(value, low, high):\n    return value\n```"


def start(make_emulator):
    emu = make_emulator(
        tokens_per_second={"good-coder:latest": 900.0, "weak-coder:latest": 300.0}, prompt_tokens_per_second=20000.0
    )
    emu.seed_local_model("good-coder")
    emu.seed_local_model("weak-coder")
    emu.answers.set(
        [{"match": "def clamp(", "model": "weak-coder", "answer": WRONG}]
        + [{"match": key, "answer": value} for key, value in RIGHT.items()]
    )
    return emu


def evaluate(emu, root, **extra):
    extra_vars = {
        "eval_models": ["good-coder", "weak-coder"],
        "eval_ollama_host": emu.url,
        "eval_allow_code_execution": True,
        "eval_num_tasks": 3,
        "eval_languages": ["python"],
        "eval_report_root": str(root),
    }
    extra_vars.update(extra)
    rc, output = run_playbook(PLAYBOOK, extra_vars)
    return rc, output, sorted(glob.glob(os.path.join(str(root), "eval-*")))


def points(svg_path):
    circles = ET.parse(svg_path).getroot().findall("{http://www.w3.org/2000/svg}circle")
    return dict((circle.get("data-model"), (float(circle.get("cx")), float(circle.get("cy")))) for circle in circles)


def test_report_then_regression(make_emulator, tmp_path):
    emu = start(make_emulator)
    rc, output, folders = evaluate(emu, tmp_path)
    assert rc == 0, output
    assert len(folders) == 1
    with open(os.path.join(folders[0], "eval.json")) as handle:
        results = json.load(handle)["hosts"]["localhost"]["results"]
    assert [result["summary"]["pass_rate"] for result in results] == [100.0, 66.7]
    with open(os.path.join(folders[0], "eval.md")) as handle:
        markdown = handle.read()
    assert "| localhost | good-coder | " in markdown and "| 100.0% | 3/3 |" in markdown
    assert "| 66.7% | 2/3 | fail 1, pass 2 |" in markdown and "Compared with: nothing" in markdown
    first = points(os.path.join(folders[0], "eval.svg"))
    assert set(first) == {"good-coder", "weak-coder"}
    assert first["good-coder"][0] > first["weak-coder"][0], "the faster model is further right"
    assert first["good-coder"][1] < first["weak-coder"][1], "the better model is higher"

    # second run: the good model answers everything wrong -> flagged, and failed with the opt-ins
    emu.answers.set(
        [{"match": "*", "model": "good-coder", "answer": WRONG}]
        + [{"match": key, "answer": value} for key, value in RIGHT.items()]
    )
    rc, output, folders = evaluate(emu, tmp_path, eval_fail_on_regression=True, eval_min_pass_rate=50)
    assert len(folders) == 2, output
    assert rc != 0 and recap(output)["failed"] == 1, output
    assert "pass rate 0.0% (0 of 3 tasks) is below min_pass_rate 50%" in output
    assert "good-coder on localhost: pass rate 0.0% was 100.0%" in output
    with open(os.path.join(folders[1], "eval.md")) as handle:
        markdown = handle.read()
    assert "REGRESSION -100.0 points" in markdown
    assert "Compared with: %s" % os.path.join(folders[0], "eval.json") in markdown
    assert points(os.path.join(folders[1], "eval.svg"))["good-coder"][1] > first["good-coder"][1], "lower now"


def test_without_opt_in_the_play_fails_and_says_why(make_emulator, tmp_path):
    emu = start(make_emulator)
    rc, output, _folders = evaluate(emu, tmp_path, eval_allow_code_execution=False)
    assert rc != 0 and "allow_code_execution is not set" in output
    assert not [entry for entry in emu.request_log if entry["path"] == "/api/chat"]


def test_check_mode_runs_nothing_and_writes_no_report(make_emulator, tmp_path):
    emu = start(make_emulator)
    rc, output = run_playbook(
        PLAYBOOK,
        {
            "eval_models": ["good-coder"],
            "eval_ollama_host": emu.url,
            "eval_allow_code_execution": True,
            "eval_report_root": str(tmp_path),
        },
        check=True,
    )
    assert rc == 0, output
    assert glob.glob(os.path.join(str(tmp_path), "eval-*")) == []
    assert not [entry for entry in emu.request_log if entry["path"] == "/api/chat"]


def test_a_report_root_that_is_a_file_stops_the_play_before_it_runs(make_emulator, tmp_path):
    emu = start(make_emulator)
    (tmp_path / "a-file").write_text("")
    rc, output, folders = evaluate(emu, tmp_path / "a-file")
    assert rc != 0 and recap(output)["failed"] == 1, output
    assert "eval_report_root=%s (%s) is a file, not a folder" % (tmp_path / "a-file", tmp_path / "a-file") in output
    assert "Set eval_report_root to a folder path" in output, output
    assert not [entry for entry in emu.request_log if entry["path"] == "/api/chat"]
