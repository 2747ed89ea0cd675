# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/roles/<role>.md exists and is up to date for every role in roles/ (docs/tools/role_docs.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys
import textwrap

import pytest
from docs_support import REPO_ROOT, load_tool, marked_block

role_docs = load_tool("role_docs")

SPEC = textwrap.dedent("""\
    ---
    argument_specs:
      main:
        short_description: Do the thing
        description:
          - First C(line) with O(demo_mode=fast).
        options:
          demo_mode:
            type: str
            choices: [fast, slow]
            default: fast
            description: How; a | in text.
          demo_version:
            type: str
            default: "545"
            description: [Version as, a string.]
          demo_items:
            type: list
            elements: dict
            required: true
            description: Items.
            options:
              name:
                type: str
                description: I(Item) name.
      extra:
        short_description: The other entry point
    """)


def _run(root, *args):
    return subprocess.run(
        [sys.executable, os.path.join(REPO_ROOT, "docs", "tools", "role_docs.py"), "--root", str(root)] + list(args),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
        check=False,
    )


@pytest.fixture
def collection(tmp_path):
    meta = tmp_path / "roles" / "demo" / "meta"
    meta.mkdir(parents=True)
    (meta / "argument_specs.yml").write_text(SPEC, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "README.md").write_text(
        "# Docs\n\n<!-- role-index:start -->\n<!-- role-index:end -->\n\nEnd.\n", encoding="utf-8"
    )
    return tmp_path


def test_every_role_page_is_present_and_up_to_date():
    problems = role_docs.problems(REPO_ROOT)
    assert problems == [], "\n".join(problems + ["fix: python docs/tools/role_docs.py --write"])


def test_every_role_in_the_collection_has_a_page():
    for role in role_docs.roles(REPO_ROOT):
        assert os.path.isfile(os.path.join(REPO_ROOT, "docs", "roles", role + ".md")), role


def test_write_creates_pages_and_is_idempotent(collection):
    first = _run(collection, "--write")
    assert first.returncode == 0, first.stdout
    assert "wrote docs/roles/demo.md" in first.stdout and "wrote docs/README.md" in first.stdout
    page = (collection / "docs" / "roles" / "demo.md").read_text(encoding="utf-8")
    assert page.startswith("# Role `local_llm.ollama.demo`\n\nDo the thing.\n")
    second = _run(collection, "--write")
    assert (second.returncode, second.stdout) == (0, "")
    assert _run(collection).returncode == 0


def test_generated_table(collection):
    _run(collection, "--write")
    block = marked_block((collection / "docs" / "roles" / "demo.md").read_text(encoding="utf-8"), "role-docs")
    assert "| `demo_mode` | str | `fast` | `fast`, `slow` | How; a \\| in text. |" in block
    assert '| `demo_version` | str | `"545"` |  | Version as a string. |' in block
    assert "| `demo_items` | list of dict | required |  | Items. |" in block
    assert "| `demo_items[].name` | str |  |  | *Item* name. |" in block
    assert "- First `line` with `demo_mode=fast`." in block
    assert block.index("## Entry point `main`") < block.index("## Entry point `extra`")
    assert "tasks_from: extra" in block and "This entry point has no variables." in block
    index = marked_block((collection / "docs" / "README.md").read_text(encoding="utf-8"), "role-index")
    assert index == "- [`demo`](roles/demo.md): Do the thing"


def test_hand_written_text_survives_regeneration(collection):
    _run(collection, "--write")
    path = collection / "docs" / "roles" / "demo.md"
    edited = path.read_text(encoding="utf-8").replace("Do the thing.\n", "A hand-written introduction.\n", 1)
    path.write_text(edited + "\n## Notes\n\nKept as well.\n", encoding="utf-8")
    spec = collection / "roles" / "demo" / "meta" / "argument_specs.yml"
    spec.write_text(SPEC.replace("default: fast", "default: slow"), encoding="utf-8")

    stale = _run(collection)
    assert stale.returncode == 1 and "docs/roles/demo.md is out of date" in stale.stdout
    assert _run(collection, "--write").returncode == 0
    page = path.read_text(encoding="utf-8")
    assert "A hand-written introduction." in page and page.endswith("## Notes\n\nKept as well.\n")
    assert "| `demo_mode` | str | `slow` |" in page


def test_missing_page_and_missing_specs_are_reported(collection):
    (collection / "roles" / "nospecs" / "tasks").mkdir(parents=True)
    done = _run(collection)
    assert done.returncode == 1
    assert "docs/roles/demo.md is missing" in done.stdout
    assert "roles/nospecs has no meta/argument_specs.yml" in done.stdout
    written = _run(collection, "--write")
    assert written.returncode == 1 and "wrote docs/roles/demo.md" in written.stdout  # the good role is still written


def test_orphan_page_is_reported(collection):
    _run(collection, "--write")
    (collection / "docs" / "roles" / "gone.md").write_text("# gone\n", encoding="utf-8")
    done = _run(collection)
    assert done.returncode == 1 and "docs/roles/gone.md documents a role that is not in roles/" in done.stdout


def test_page_without_markers_is_an_error(collection):
    (collection / "docs" / "roles").mkdir()
    (collection / "docs" / "roles" / "demo.md").write_text("# demo, hand-written only\n", encoding="utf-8")
    done = _run(collection)
    assert done.returncode == 1 and "needs exactly one <!-- role-docs:start -->" in done.stdout


@pytest.mark.parametrize(
    "text, markdown",
    [
        ("C(a) O(b=c) V(d) E(E) M(m.m) P(p#q)", "`a` `b=c` `d` `E` `m.m` `p#q`"),
        ("I(i) B(b) U(https://x.org)", "*i* **b** <https://x.org>"),
        ("L(the docs, https://x.org/d)", "[the docs](https://x.org/d)"),
        (["two", "lines"], "two lines"),
    ],
)
def test_markup(text, markdown):
    assert role_docs.markdown_text(text) == markdown
