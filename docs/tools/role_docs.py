# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Role pages docs/roles/<role>.md generated from roles/<role>/meta/argument_specs.yml.

    python docs/tools/role_docs.py            # check: lists missing or out-of-date pages, exit status 1 if any
    python docs/tools/role_docs.py --write    # create or update every page and the role list in docs/README.md

Only the block between <!-- role-docs:start --> and <!-- role-docs:end --> of a page is generated; everything
around it (the title and the hand-written introduction) is kept. A new page gets the role's short_description as
its first introduction, to be edited by hand. docs/README.md lists the pages between <!-- role-index:start --> and
<!-- role-index:end -->. Running --write twice changes nothing the second time.
"""

from __future__ import absolute_import, division, print_function

import argparse
import json
import os
import re
import sys

import yaml

DEFAULT_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BLOCK = "role-docs"
INDEX = "role-index"
COLLECTION = "local_llm.ollama"
LONG_DEFAULT = 80  # characters; longer defaults are shown as YAML under the table

# Ansible documentation markup (ansible-doc's semantic markup) to Markdown.
_MARKUP = (
    (re.compile(r"L\(([^)]+?),\s*([^)]+)\)"), r"[\1](\2)"),
    (re.compile(r"U\(([^)]+)\)"), r"<\1>"),
    (re.compile(r"\b(?:C|O|V|E|M|P|RV)\(([^)]+)\)"), r"`\1`"),
    (re.compile(r"\bI\(([^)]+)\)"), r"*\1*"),
    (re.compile(r"\bB\(([^)]+)\)"), r"**\1**"),
    (re.compile(r"\s*HORIZONTALLINE\s*"), " "),
)


class RoleDocsError(Exception):
    """A role or page the generator cannot handle; the message names it and the fix."""


def markdown_text(text):
    """One description (string or list of strings) as one line of Markdown."""
    parts = text if isinstance(text, list) else [text]
    line = " ".join(str(part).strip() for part in parts if part is not None)
    for pattern, replacement in _MARKUP:
        line = pattern.sub(replacement, line)
    return " ".join(line.split())


def table_cell(text):
    return text.replace("|", "\\|")


def render_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        # quoted when YAML would read it as something else (a version "545", "true", "")
        return value if value and isinstance(yaml.safe_load(value), str) else json.dumps(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def type_name(spec):
    kind = spec.get("type", "str")
    if kind == "list" and spec.get("elements"):
        return "list of %s" % spec["elements"]
    return kind


def option_rows(options, prefix="", long_defaults=None):
    """Table rows (name, type, default, choices, description) in the file's order; sub-options as parent.child.

    Defaults longer than LONG_DEFAULT characters go to long_defaults (name -> value) and the cell points there.
    """
    rows = []
    for name, spec in (options or {}).items():
        spec = spec or {}
        full_name = prefix + name
        if spec.get("required"):
            default = "required"
        elif "default" in spec:
            default = "`%s`" % render_value(spec["default"])
            if len(default) > LONG_DEFAULT and long_defaults is not None:
                long_defaults[full_name] = spec["default"]
                default = "see below"
        else:
            default = ""
        choices = ", ".join("`%s`" % render_value(choice) for choice in spec.get("choices") or [])
        rows.append(("`%s`" % full_name, type_name(spec), default, choices, markdown_text(spec.get("description", ""))))
        if spec.get("options"):
            child_prefix = full_name + ("[]." if spec.get("type") == "list" else ".")
            rows.extend(option_rows(spec["options"], child_prefix, long_defaults))
    return rows


def load_specs(root, role):
    path = os.path.join(root, "roles", role, "meta", "argument_specs.yml")
    if not os.path.isfile(path):
        raise RoleDocsError(
            "roles/%s has no meta/argument_specs.yml; every role declares its variables there "
            "(docs/development.md), and its page is generated from it" % role
        )
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    specs = data.get("argument_specs")
    if not isinstance(specs, dict) or not specs:
        raise RoleDocsError("roles/%s/meta/argument_specs.yml has no argument_specs entry points" % role)
    return specs


def entry_point_lines(role, entry_point, spec):
    lines = ["## Entry point `%s`" % entry_point, ""]
    if spec.get("short_description"):
        lines += [markdown_text(spec["short_description"]).rstrip(".") + ".", ""]
    description = spec.get("description") or []
    for item in description if isinstance(description, list) else [description]:
        lines.append("- %s" % markdown_text(item))
    if description:
        lines.append("")
    include = "tasks_from: %s" % entry_point if entry_point != "main" else ""
    lines += ["```yaml", "- ansible.builtin.include_role:", "    name: %s.%s" % (COLLECTION, role)]
    if include:
        lines.append("    " + include)
    lines += ["```", ""]
    long_defaults = {}
    rows = option_rows(spec.get("options"), long_defaults=long_defaults)
    if not rows:
        return lines + ["This entry point has no variables.", ""]
    lines += ["| variable | type | default | choices | description |", "|---|---|---|---|---|"]
    lines += ["| %s |" % " | ".join(table_cell(cell) for cell in row) for row in rows]
    lines.append("")
    if long_defaults:
        lines += ["Defaults too long for the table:", "", "```yaml"]
        lines += (
            yaml.safe_dump(long_defaults, default_flow_style=False, sort_keys=False, allow_unicode=True, width=100)
            .rstrip("\n")
            .split("\n")
        )
        lines += ["```", ""]
    return lines


def generated_block(root, role):
    specs = load_specs(root, role)
    lines = [
        "<!-- Generated from roles/%s/meta/argument_specs.yml by docs/tools/role_docs.py --write; "
        "edit that file, not this block. -->" % role,
        "",
    ]
    for entry_point in sorted(specs, key=lambda name: (name != "main", name)):
        lines += entry_point_lines(role, entry_point, specs[entry_point] or {})
    return "\n".join(lines).rstrip("\n")


def new_page(root, role, block):
    short = (load_specs(root, role).get("main") or {}).get("short_description", "")
    intro = markdown_text(short).rstrip(".") + "." if short else "The role `%s.%s`." % (COLLECTION, role)
    return "# Role `%s.%s`\n\n%s\n\n<!-- %s:start -->\n%s\n<!-- %s:end -->\n" % (
        COLLECTION,
        role,
        intro,
        BLOCK,
        block,
        BLOCK,
    )


def _block_pattern(marker):
    return re.compile(r"(<!-- %s:start -->\n)(.*?)(<!-- %s:end -->)" % (marker, marker), re.S)


def replace_block(text, marker, block, where):
    pattern = _block_pattern(marker)
    if len(pattern.findall(text)) != 1:
        raise RoleDocsError(
            "%s needs exactly one <!-- %s:start --> ... <!-- %s:end --> block" % (where, marker, marker)
        )
    return pattern.sub(lambda match: match.group(1) + block + "\n" + match.group(3), text)


def roles(root):
    base = os.path.join(root, "roles")
    return (
        sorted(name for name in os.listdir(base) if os.path.isdir(os.path.join(base, name)))
        if os.path.isdir(base)
        else []
    )


def page_path(root, role):
    return os.path.join(root, "docs", "roles", role + ".md")


def index_block(root):
    lines = []
    for role in roles(root):
        try:
            short = markdown_text((load_specs(root, role).get("main") or {}).get("short_description", ""))
        except RoleDocsError:
            short = ""
        lines.append("- [`%s`](roles/%s.md)%s" % (role, role, (": " + short) if short else ""))
    return "\n".join(lines)


def orphan_pages(root):
    folder = os.path.join(root, "docs", "roles")
    known = set(roles(root))
    return sorted(
        os.path.join(folder, name)
        for name in (os.listdir(folder) if os.path.isdir(folder) else [])
        if name.endswith(".md") and name[:-3] not in known
    )


def problems(root):
    """What is missing or out of date, one sentence each; empty when the docs match the argument specs."""
    found = []
    desired = {}
    for role in roles(root):
        try:
            desired.update(desired_files_for(root, role))
        except RoleDocsError as error:
            found.append(str(error))
    try:
        desired.update(index_file(root))
    except RoleDocsError as error:
        found.append(str(error))
    for path, text in sorted(desired.items()):
        relative = os.path.relpath(path, root)
        if not os.path.isfile(path):
            found.append("%s is missing" % relative)
            continue
        with open(path, encoding="utf-8") as handle:
            if handle.read() != text:
                found.append("%s is out of date" % relative)
    found.extend(
        "%s documents a role that is not in roles/; delete it" % os.path.relpath(path, root)
        for path in orphan_pages(root)
    )
    return found


def desired_files_for(root, role):
    block = generated_block(root, role)
    path = page_path(root, role)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            return {path: replace_block(handle.read(), BLOCK, block, os.path.relpath(path, root))}
    return {path: new_page(root, role, block)}


def index_file(root):
    index = os.path.join(root, "docs", "README.md")
    if not os.path.isfile(index):
        return {}
    with open(index, encoding="utf-8") as handle:
        return {index: replace_block(handle.read(), INDEX, index_block(root), "docs/README.md")}


def write(root):
    """Create or update the pages; returns the paths written."""
    desired = {}
    for role in roles(root):
        try:
            desired.update(desired_files_for(root, role))
        except RoleDocsError:
            pass  # problems() reports it after the other pages are written
    desired.update(index_file(root))
    written = []
    for path, text in sorted(desired.items()):
        current = None
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as handle:
                current = handle.read()
        if current != text:
            if not os.path.isdir(os.path.dirname(path)):
                os.makedirs(os.path.dirname(path))
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
            written.append(path)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="create or update the pages instead of checking them")
    parser.add_argument("--root", default=DEFAULT_ROOT, help="the collection root (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        if args.write:
            for path in write(args.root):
                print("wrote %s" % os.path.relpath(path, args.root))
    except RoleDocsError as error:
        print("ERROR: %s" % error, file=sys.stderr)
        return 1
    found = problems(args.root)
    for problem in found:
        print(("ERROR: " if args.write else "") + problem, file=sys.stderr)
    if found and not args.write:
        print("run: python docs/tools/role_docs.py --write", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
