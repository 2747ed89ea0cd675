"""Scripted answers of the emulator: chosen by prompt text, streamed whole, cut at num_predict."""

from emulator_support import http

ANSWER = "Here you go:\n\n```python\ndef f():\n    return 'é ✓'\n```\n"


def _emu(make_emulator):
    emu = make_emulator(tokens_per_second=5000.0, prompt_tokens_per_second=50000.0)
    emu.seed_local_model("tiny")
    return emu


def _chat(emu, content, **options):
    body = {"model": "tiny", "messages": [{"role": "user", "content": content}], "options": options}
    return http(emu.url, "POST", "/api/chat", body).lines()


def test_a_matching_prompt_gets_the_scripted_answer_token_by_token(make_emulator):
    emu = _emu(make_emulator)
    emu.answers.set([{"match": "def f(", "answer": ANSWER}, {"match": "*", "answer": "fallback"}])
    lines = _chat(emu, "Complete def f(): please")
    text = "".join(line["message"]["content"] for line in lines)
    assert text == ANSWER
    assert lines[-1]["done"] is True and lines[-1]["done_reason"] == "stop"
    assert lines[-1]["eval_count"] == len(lines) - 1 > 5
    assert "".join(line["message"]["content"] for line in _chat(emu, "other")) == "fallback"


def test_a_rule_can_name_the_model(make_emulator):
    emu = _emu(make_emulator)
    emu.seed_local_model("other")
    emu.answers.set([{"match": "*", "model": "other", "answer": "for other"}, {"match": "*", "answer": "for all"}])
    assert "".join(line["message"]["content"] for line in _chat(emu, "hi")) == "for all"
    body = {"model": "other", "prompt": "hi", "stream": False}
    assert http(emu.url, "POST", "/api/generate", body).json()["response"] == "for other"


def test_num_predict_cuts_a_scripted_answer(make_emulator):
    emu = _emu(make_emulator)
    emu.answers.set({"*": ANSWER})
    lines = _chat(emu, "x", num_predict=3)
    assert lines[-1]["done_reason"] == "length" and lines[-1]["eval_count"] == 3
    assert ANSWER.startswith("".join(line["message"]["content"] for line in lines))


def test_answers_through_the_control_route_and_generate(make_emulator):
    emu = _emu(make_emulator)
    assert (
        http(emu.url, "POST", "/__emulator/answers", [{"match": "sky", "answer": "Rayleigh scattering."}]).status == 200
    )
    body = {"model": "tiny", "prompt": "Why is the sky blue?", "stream": False}
    assert http(emu.url, "POST", "/api/generate", body).json()["response"] == "Rayleigh scattering."
    assert http(emu.url, "POST", "/__emulator/answers", [{"answer": "no match key"}]).status == 400
    http(emu.url, "POST", "/__emulator/clear", {})
    filler = http(emu.url, "POST", "/api/generate", body).json()
    assert filler["response"] != "Rayleigh scattering." and filler["eval_count"] == 24
