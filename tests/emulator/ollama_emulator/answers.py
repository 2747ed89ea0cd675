"""Scripted answers: what the emulated model replies, chosen by a text the prompt contains.

The real server's replies come from the model; a test that scores replies (ollama_eval) needs to choose them.
A script is a list of rules ``{"match": "text in the prompt", "answer": "reply"}``; the first rule whose
``match`` occurs in the prompt (the last chat message, or the generate prompt) wins, ``"*"`` matches any prompt;
a rule with ``"model"`` applies only to requests for that model (as the request names it).
Without a matching rule the emulator answers with its usual filler words. The reply is streamed in pieces
that split at word boundaries (whitespace kept), one piece per token, and cut at ``num_predict`` pieces with
``done_reason`` ``length``, as the real server cuts a long answer.
"""

import re
import threading

PIECE = re.compile(r"\s*\S+|\s+", re.S)


def split_pieces(text):
    """The answer as token-sized pieces; joined they give the text back exactly."""
    return PIECE.findall(text or "")


class Answers:
    """Thread-safe rule list consulted by /api/generate and /api/chat."""

    def __init__(self, rules=None):
        self._lock = threading.Lock()
        self._rules = []
        self.set(rules or [])

    def set(self, rules):
        """Replace the rules (a list of {"match", "answer"} dicts, or a dict match -> answer)."""
        if isinstance(rules, dict):
            rules = [{"match": key, "answer": value} for key, value in rules.items()]
        checked = []
        for rule in rules:
            if not isinstance(rule, dict) or "match" not in rule or "answer" not in rule:
                raise ValueError("an answer rule needs 'match' and 'answer', got %r" % (rule,))
            checked.append({"match": str(rule["match"]), "answer": str(rule["answer"]), "model": rule.get("model")})
        with self._lock:
            self._rules = checked

    def clear(self):
        self.set([])

    def for_prompt(self, prompt, model=None):
        """The scripted reply for this prompt (and model), or None."""
        with self._lock:
            rules = list(self._rules)
        for rule in rules:
            if rule["model"] is not None and rule["model"] != model:
                continue
            if rule["match"] == "*" or rule["match"] in (prompt or ""):
                return rule["answer"]
        return None
