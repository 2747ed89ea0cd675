# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Statements of the docs that the code decides: module lists, defaults, sample output, cited sources."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

import yaml
from docs_support import REPO_ROOT, read_page

PAGES = ["README.md"] + sorted(
    os.path.relpath(path, REPO_ROOT)
    for path in glob.glob(os.path.join(REPO_ROOT, "docs", "**", "*.md"), recursive=True)
    + glob.glob(os.path.join(REPO_ROOT, "roles", "*", "README.md"))
)


def defaults(role):
    return yaml.safe_load(read_page("roles/%s/defaults/main.yml" % role))


def shipped_modules():
    return set(
        os.path.basename(path)[:-3]
        for path in glob.glob(os.path.join(REPO_ROOT, "plugins", "modules", "*.py"))
        if not path.endswith("__init__.py")
    )


def test_development_lists_every_module():
    row = re.search(r"^\| `plugins/modules/` \| (.*) \|$", read_page("docs/development.md"), re.M).group(1)
    listed = set(re.findall(r"`(\w+)`", row))
    assert listed == shipped_modules()


def test_readme_table_has_a_row_for_every_module():
    listed = set(re.findall(r"^\| module \| `(\w+)` \|", read_page("README.md"), re.M))
    assert listed == shipped_modules()


def test_pages_cite_only_what_the_repository_or_the_public_has():
    # shared/ (reference notes, the original setup) lives next to the repository on the developers' machines only.
    citing = [page for page in PAGES if re.search(r"shared/(reference|origin)|reference/[\w-]+\.md", read_page(page))]
    assert not citing, "cite a public source (a tag of Ollama's source, a data sheet) or a page of the collection"


def test_no_cloud_is_the_default_of_both_deployments():
    assert "`OLLAMA_NO_CLOUD=1` is set by default, natively and in Docker" in read_page("docs/getting-started.md")
    assert defaults("ollama_native")["ollama_native_environment"]["OLLAMA_NO_CLOUD"] == "1"
    assert defaults("ollama_docker")["ollama_docker_environment"]["OLLAMA_NO_CLOUD"] == "1"


def test_verify_sample_shows_the_thresholds_as_the_template_prints_them():
    template = read_page("roles/verify/templates/results.yml.j2")
    values = defaults("verify")
    printed = set(
        ">= %s%s" % (values[name], unit)
        for name, unit in re.findall(r"'>= ' ~ (verify_\w+)(?: \| \w+)?(?: ~ '([^']*)')?", template)
    )
    assert len(printed) >= 4, printed
    sample = re.search(r"^```text\n(verify localhost:.*?)^```$", read_page("docs/getting-started.md"), re.S | re.M)
    expected = [re.split(r"\s{2,}", line.strip())[-1] for line in sample.group(1).splitlines()[2:]]
    thresholds = [cell for cell in expected if cell.startswith(">=")]
    assert len(thresholds) >= 4 and set(thresholds) <= printed, (thresholds, printed)


def test_benchmark_host_default_is_documented_in_the_playbook_order():
    playbook = read_page("playbooks/benchmark.yml")
    assert "benchmark_ollama_host | default(ollama_listen | default(omit))" in playbook
    row = re.search(r"^\| `benchmark_ollama_host` \| ([^|]*) \|", read_page("docs/benchmarking.md"), re.M).group(1)
    assert row.startswith("`ollama_listen`, else `OLLAMA_HOST`"), row
