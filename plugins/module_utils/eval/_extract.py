# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Find the code in a model's reply: fenced blocks first, then bare code. No I/O here.

The shapes handled are the ones models produce: a ```python block with prose around it, several blocks (the
solution and a usage example, or a first try and a fixed version), ``~~~`` fences, an unclosed fence (the
answer was cut at num_predict), ``<think>`` sections, ``[PYTHON]`` tags, bare code with or without prose,
and a completion-style body without its ``def`` line.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import re

LANGUAGE_TAGS = {
    "python": ("python", "python3", "py", "py3"),
    "go": ("go", "golang"),
}
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<tag>[^\s`]*)[^\n]*$", re.M)
THINK = re.compile(r"<think(?:ing)?>.*?(?:</think(?:ing)?>|\Z)", re.S | re.I)
BRACKET_TAGS = {
    "python": re.compile(r"\[PYTHON\](.*?)(?:\[/PYTHON\]|\Z)", re.S),
    "go": re.compile(r"\[GO\](.*?)(?:\[/GO\]|\Z)", re.S),
}
MAX_BARE_LINES = 400


class Extraction:
    """The code found (None when there is none) and how it was found."""

    def __init__(self, code, how):
        self.code = code
        self.how = how

    def __repr__(self):
        return "Extraction(how=%r, code=%r)" % (self.how, self.code)


# ---------------------------------------------------------------- fenced blocks


def fenced_blocks(text):
    """[(tag, body, closed)] of every fenced block in order; an unclosed last fence runs to the end."""
    blocks = []
    position = 0
    while True:
        opening = FENCE.search(text, position)
        if opening is None:
            return blocks
        fence = opening.group("fence")
        closing = re.compile(r"^[ \t]*%s%s*[ \t]*$" % (re.escape(fence), re.escape(fence[0])), re.M)
        start = opening.end() + 1
        end_match = closing.search(text, start)
        if end_match is None:
            blocks.append((opening.group("tag").lower(), dedent(text[start:]), False))
            return blocks
        blocks.append((opening.group("tag").lower(), dedent(text[start : end_match.start()]), True))
        position = end_match.end()


def dedent(code):
    """Remove the indentation every non-blank line shares (blocks inside list items are indented)."""
    lines = code.splitlines()
    widths = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    width = min(widths) if widths else 0
    return "\n".join(line[width:] for line in lines).strip("\n") + "\n"


def defines(code, language, entry_point):
    if not entry_point:
        return False
    if language == "go":
        return re.search(r"^func\s+%s\s*[\[(]" % re.escape(entry_point), code, re.M) is not None
    return re.search(r"^\s*(?:async\s+)?def\s+%s\s*\(" % re.escape(entry_point), code, re.M) is not None


def choose_block(blocks, language, entry_point):
    """The block with the solution: blocks tagged with the language (else untagged ones), the last one that
    defines the entry point, else the first of them."""
    tagged = [block for block in blocks if block[0] in LANGUAGE_TAGS[language]]
    candidates = tagged or [block for block in blocks if not block[0]]
    if not candidates:
        return None
    defining = [block for block in candidates if defines(block[1], language, entry_point)]
    return (defining or candidates)[-1 if defining else 0]


# ---------------------------------------------------------------- bare code

PYTHON_START = re.compile(r"^(?:import\s|from\s+\S+\s+import\s|(?:async\s+)?def\s|class\s|@\w)")


def bare_python(text):
    """The longest stretch that parses as Python, from the first import/def/class line."""
    lines = text.splitlines()
    starts = [index for index, line in enumerate(lines) if PYTHON_START.match(line)]
    if not starts:
        return None
    start = starts[0]
    last = min(len(lines), start + MAX_BARE_LINES)
    for end in range(last, start, -1):
        chunk = "\n".join(lines[start:end]).strip("\n")
        if not chunk:
            continue
        try:
            ast.parse(chunk)
        except (SyntaxError, ValueError):
            continue
        return chunk + "\n"
    return None


def bare_go(text):
    """From the first package/import/func line to the last closing brace at the start of a line."""
    lines = text.splitlines()
    starts = [index for index, line in enumerate(lines) if re.match(r"^(?:package\s|import\s|func\s)", line)]
    ends = [index for index, line in enumerate(lines) if line.startswith("}")]
    if not starts or not ends or ends[-1] < starts[0]:
        return None
    return "\n".join(lines[starts[0] : ends[-1] + 1]) + "\n"


# ---------------------------------------------------------------- completion style


def completed(code, language, entry_point, prompt_code):
    """A Python answer that is only the indented body of the prompt's function gets the prompt put in front."""
    if language != "python" or not prompt_code or defines(code, language, entry_point):
        return code
    first = next((line for line in code.splitlines() if line.strip()), "")
    if first[:1] in (" ", "\t"):
        return prompt_code.rstrip("\n") + "\n" + code
    if _parses(code):
        return code
    body = "".join("    " + line if line.strip() else line for line in code.splitlines(True))
    indented = prompt_code.rstrip("\n") + "\n" + body
    return indented if _parses(indented) else code


def _parses(code):
    """Compiles (ast.parse alone accepts a top-level ``return``)."""
    try:
        compile(code, "<answer>", "exec")
    except (SyntaxError, ValueError):
        return False
    return True


# ---------------------------------------------------------------- entry point


def extract_code(reply, language="python", entry_point=None, prompt_code=None):
    """The code of ``reply`` for ``language`` as an Extraction (code None when the reply has none)."""
    if language not in LANGUAGE_TAGS:
        raise ValueError("unknown language %r; known: %s" % (language, ", ".join(sorted(LANGUAGE_TAGS))))
    text = THINK.sub("", (reply or "").replace("\r\n", "\n"))
    block = choose_block(fenced_blocks(text), language, entry_point)
    if block is not None and block[1].strip():
        return Extraction(
            completed(block[1], language, entry_point, prompt_code), "fenced" if block[2] else "unclosed fence"
        )
    tagged = BRACKET_TAGS[language].search(text)
    if tagged and tagged.group(1).strip():
        return Extraction(dedent(tagged.group(1)), "tagged")
    if FENCE.search(text):
        text = FENCE.sub("", text)
    code = bare_go(text) if language == "go" else bare_python(text)
    if code is None and language == "python" and prompt_code:
        body = bare_body(text)
        if body:
            return Extraction(completed(body, language, entry_point, prompt_code), "body")
    return Extraction(code, "bare" if code else None)


def bare_body(text):
    """An answer that starts with an indented function body (a completion of the prompt)."""
    if text[:1] not in (" ", "\t"):
        return None
    lines = []
    for line in text.splitlines():
        if line.strip() and line[:1] not in (" ", "\t"):
            break
        lines.append(line)
    return "\n".join(lines).rstrip() + "\n" if any(line.strip() for line in lines) else None
