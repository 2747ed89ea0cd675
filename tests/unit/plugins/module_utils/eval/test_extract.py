# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Code extraction over the reply shapes models produce."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.local_llm.ollama.plugins.module_utils.eval._extract import extract_code

ADD = "def add(a, b):\n    return a + b\n"
PROMPT = 'def add(a, b):\n    """Return a + b."""\n'

# (name, reply, expected code, how)
PYTHON_CORPUS = [
    ("plain fenced block", "```python\n" + ADD + "```", ADD, "fenced"),
    (
        "prose around the block",
        "Sure! Here's an implementation:\n\n```python\n" + ADD + "```\n\nThis runs in O(1).",
        ADD,
        "fenced",
    ),
    ("py tag", "```py\n" + ADD + "```", ADD, "fenced"),
    ("python3 tag and trailing text on the fence line", "```python3 title=add.py\n" + ADD + "```", ADD, "fenced"),
    ("untagged fence", "```\n" + ADD + "```", ADD, "fenced"),
    ("tilde fence", "~~~python\n" + ADD + "~~~\n", ADD, "fenced"),
    (
        "four backticks around a block that contains three",
        "````python\n" + ADD + "# ```not the end```\n````",
        ADD + "# ```not the end```\n",
        "fenced",
    ),
    ("CRLF line ends", ("```python\n" + ADD + "```").replace("\n", "\r\n"), ADD, "fenced"),
    (
        "solution then a usage example: the block that defines the function",
        "```python\n" + ADD + "```\n\nUsage:\n\n```python\nprint(add(1, 2))\n```",
        ADD,
        "fenced",
    ),
    (
        "usage example first, then the solution",
        "You call it like this:\n```python\nadd(1, 2)\n```\nImplementation:\n```python\n" + ADD + "```",
        ADD,
        "fenced",
    ),
    (
        "a first try and a corrected version: the last one",
        "```python\ndef add(a, b):\n    return a - b\n```\nOops, fixed:\n```python\n" + ADD + "```",
        ADD,
        "fenced",
    ),
    (
        "shell and output blocks are ignored",
        "```bash\npip install nothing\n```\n```python\n" + ADD + "```\n```text\n3\n```",
        ADD,
        "fenced",
    ),
    (
        "block indented in a list item",
        "1. Write the function:\n\n   ```python\n   def add(a, b):\n       return a + b\n   ```\n",
        ADD,
        "fenced",
    ),
    (
        "answer cut inside the block (num_predict)",
        "Here:\n```python\ndef add(a, b):\n    return a + b\n",
        ADD,
        "unclosed fence",
    ),
    (
        "think section with a decoy block",
        "<think>Maybe ```python\ndef add(a, b):\n    return 0\n``` no.</think>\n```python\n" + ADD + "```",
        ADD,
        "fenced",
    ),
    ("[PYTHON] tags", "[PYTHON]\n" + ADD + "[/PYTHON]", ADD, "tagged"),
    ("bare code, nothing else", ADD, ADD, "bare"),
    (
        "bare code after prose and before prose",
        "The function is simple.\n\n" + ADD + "\nIt adds the numbers.",
        ADD,
        "bare",
    ),
    (
        "bare code with an import and a helper",
        "import math\n\ndef helper(x):\n    return x\n\n" + ADD,
        "import math\n\ndef helper(x):\n    return x\n\n" + ADD,
        "bare",
    ),
    ("completion: only the indented body", "    return a + b\n", PROMPT + "    return a + b\n", "body"),
    (
        "completion in a block: only the body",
        "```python\n    return a + b\n```",
        PROMPT + "    return a + b\n",
        "fenced",
    ),
    (
        "unicode in the code",
        "```python\ndef add(a, b):\n    # größer → ✓\n    return a + b\n```",
        "def add(a, b):\n    # größer → ✓\n    return a + b\n",
        "fenced",
    ),
    ("a class as entry point", "```python\nclass Add:\n    pass\n```", "class Add:\n    pass\n", "fenced"),
]

NO_CODE = [
    ("refusal", "I'm sorry, I can't help with that."),
    ("only an explanation", "To add two numbers, use the plus operator and return the result."),
    ("empty answer", ""),
    ("only a shell block", "```bash\necho hi\n```"),
    ("empty block", "```python\n```"),
    ("only thinking", "<think>def add(a, b): return a + b</think>"),
]


@pytest.mark.parametrize("name, reply, code, how", PYTHON_CORPUS, ids=[case[0] for case in PYTHON_CORPUS])
def test_python_reply_shapes(name, reply, code, how):
    found = extract_code(reply, "python", "add", PROMPT)
    assert (found.code, found.how) == (code, how), name


@pytest.mark.parametrize("name, reply", NO_CODE, ids=[case[0] for case in NO_CODE])
def test_replies_without_code(name, reply):
    found = extract_code(reply, "python", "add", PROMPT)
    assert found.code is None and found.how is None, (name, found)


GO_FUNC = "func Add(a, b int) int {\n\treturn a + b\n}\n"


@pytest.mark.parametrize(
    "reply, code, how",
    [
        ("```go\npackage main\n\n" + GO_FUNC + "```", "package main\n\n" + GO_FUNC, "fenced"),
        ("```golang\n" + GO_FUNC + "```\nAnd a test:\n```go\nfunc TestAdd(t *testing.T) {}\n```", GO_FUNC, "fenced"),
        ("```python\nprint(1)\n```\n```go\n" + GO_FUNC + "```", GO_FUNC, "fenced"),
        ("Here it is.\n\npackage solution\n\n" + GO_FUNC + "\nThat's all.", "package solution\n\n" + GO_FUNC, "bare"),
        ("No Go code here.", None, None),
    ],
)
def test_go_reply_shapes(reply, code, how):
    found = extract_code(reply, "go", "Add")
    assert (found.code, found.how) == (code, how)


def test_a_very_long_bare_reply_is_bounded_and_still_found():
    reply = ADD + "\n" + "\n".join("x%d = %d" % (i, i) for i in range(5000)) + "\nThe end, in prose."
    found = extract_code(reply, "python", "add")
    assert found.how == "bare" and found.code.startswith(ADD)


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'rust'"):
        extract_code("fn main() {}", "rust")
