"""The one header form of this tree's Python files (make lint).

Collection code, which ansible-test treats as such (plugins/ and tests/unit/), starts with the license header, a
module shebang first for modules; every file, those included, has a module docstring, except where DOCUMENTATION
says what the file is (modules, doc fragments) and empty __init__.py files. Prints each file that differs and exits 1; exits 0 when every file matches.
"""

import ast
import pathlib
import sys

LICENSE_HEADER = [
    "# -*- coding: utf-8 -*-",
    "# Copyright: local_llm.ollama contributors",
    "# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)",
    "# SPDX-License-Identifier: GPL-3.0-or-later",
]
SKIPPED_PARTS = {".venv", ".work", "output", "__pycache__"}
COLLECTION_CODE = (("plugins",), ("tests", "unit"))


def expected_header(relative):
    if not any(relative.parts[: len(prefix)] == prefix for prefix in COLLECTION_CODE):
        return []
    shebang = ["#!/usr/bin/python"] if relative.parts[:2] == ("plugins", "modules") else []
    return shebang + LICENSE_HEADER


def problems(root, relative):
    text = (root / relative).read_text(encoding="utf-8")
    if relative.name == "__init__.py" and not text.strip():
        return []
    found = []
    header = expected_header(relative)
    if text.split("\n")[: len(header)] != header:
        found.append("does not start with the header: " + " | ".join(header))
    if "DOCUMENTATION = " not in text and ast.get_docstring(ast.parse(text)) is None:
        found.append("has no module docstring saying what it is for")
    return found


def python_files(root):
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if not SKIPPED_PARTS & set(relative.parts):
            yield relative


def main(root):
    bad = 0
    for relative in python_files(root):
        for problem in problems(root, relative):
            print("%s: %s" % (relative, problem))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
