"""The collection as a user gets it: the built tarball, its installation, `make provision`, and preflight."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
USER_CONTENT = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "meta/runtime.yml",
    "plugins/",
    "roles/",
    "playbooks/",
    "docs/",
)
DEVELOPER_CONTENT = (
    "tests/",
    "molecule/",
    "scripts/",
    ".ci/",
    "requirements/",
    "Makefile",
    "noxfile.py",
    ".venv/",
    ".work/",
)


def run(args, env=None, cwd=REPO_ROOT, timeout=300):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def built_tarball(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    result = run([str(VENV_BIN / "ansible-galaxy"), "collection", "build", str(REPO_ROOT), "--output-path", str(out)])
    assert result.returncode == 0, result.stdout + result.stderr
    (tarball,) = out.glob("local_llm-ollama-*.tar.gz")
    return tarball


@pytest.fixture(scope="module")
def installed_path(built_tarball, tmp_path_factory):
    dest = tmp_path_factory.mktemp("installed")
    result = run(
        [
            str(VENV_BIN / "ansible-galaxy"),
            "collection",
            "install",
            str(built_tarball),
            "--no-deps",
            "--force",
            "-p",
            str(dest),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return dest


@pytest.fixture(scope="module")
def collection_env(tmp_path_factory):
    """Environment in which local_llm.ollama resolves to this working tree."""
    root = tmp_path_factory.mktemp("collections")
    link = root / "ansible_collections" / "local_llm" / "ollama"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO_ROOT)
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join([str(root), env.get("ANSIBLE_COLLECTIONS_PATH", "")])
    env["ANSIBLE_NOCOLOR"] = "1"
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env["PATH"]])
    return env


def tarball_members(tarball):
    with tarfile.open(tarball) as archive:
        return [name[2:] if name.startswith("./") else name for name in archive.getnames()]


def test_tarball_holds_what_a_user_needs(built_tarball):
    members = tarball_members(built_tarball)
    for wanted in USER_CONTENT:
        assert any(m == wanted.rstrip("/") or m.startswith(wanted) for m in members), wanted


def test_tarball_leaves_developer_content_out(built_tarball):
    members = tarball_members(built_tarball)
    leaked = [m for m in members if m.startswith(DEVELOPER_CONTENT) or m in DEVELOPER_CONTENT]
    assert not leaked


def test_installed_collection_lists_every_module(installed_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed_path))
    result = run([str(VENV_BIN / "ansible-doc"), "-l", "local_llm.ollama", "--json"], env=env)
    assert result.returncode == 0, result.stderr
    listed = set(json.loads(result.stdout))
    shipped = {
        "local_llm.ollama." + p.stem for p in (REPO_ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__"
    }
    assert listed == shipped


def test_installed_collection_lists_every_role(installed_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(installed_path))
    result = run([str(VENV_BIN / "ansible-doc"), "-t", "role", "-l", "local_llm.ollama", "--json"], env=env)
    assert result.returncode == 0, result.stderr
    listed = set(json.loads(result.stdout))
    shipped = {
        "local_llm.ollama." + p.name
        for p in (REPO_ROOT / "roles").iterdir()
        if (p / "meta" / "argument_specs.yml").exists()
    }
    assert shipped and listed == shipped


def test_requirements_yml_matches_galaxy_dependencies():
    galaxy = yaml.safe_load((REPO_ROOT / "galaxy.yml").read_text())
    requirements = yaml.safe_load((REPO_ROOT / "requirements.yml").read_text())
    assert {c["name"]: c["version"] for c in requirements["collections"]} == galaxy["dependencies"]


def test_runtime_requires_ansible_2_17():
    runtime = yaml.safe_load((REPO_ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"] == ">=2.17.0"


def site_check(collection_env, *extra, playbook="playbooks/wsl2.yml"):
    return run(
        [str(VENV_BIN / "ansible-playbook"), "-i", "inventories/localhost", playbook, "--check", *extra],
        env=collection_env,
    )


def test_host_preparation_check_mode_summarises_this_host(collection_env):
    result = site_check(collection_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WSL2: no" in result.stdout
    assert "systemd: " in result.stdout
    assert "failed=0" in result.stdout


def test_preflight_refuses_an_untested_distribution(collection_env):
    result = site_check(collection_env, "-e", json.dumps({"preflight_supported_platforms": {"Plan9": ["4"]}}))
    assert result.returncode != 0
    assert "supported are" in result.stdout
    assert "preflight_allow_unsupported=true" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_preflight_allows_an_untested_distribution_when_told(collection_env):
    extra = {"preflight_supported_platforms": {"Plan9": ["4"]}, "preflight_allow_unsupported": True}
    result = site_check(collection_env, "-e", json.dumps(extra))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is not tested; continuing" in result.stdout
    assert "NOT supported" in result.stdout


def test_preflight_rejects_a_wrongly_typed_variable(collection_env):
    result = site_check(collection_env, "-e", json.dumps({"preflight_install_packages": "perhaps"}))
    assert result.returncode != 0
    assert "preflight_install_packages" in result.stdout


def test_site_refuses_an_unknown_deployment(collection_env):
    result = site_check(collection_env, "-e", "ollama_deployment=kubernetes", playbook="playbooks/site.yml")
    assert result.returncode != 0
    assert "ollama_deployment is 'kubernetes'; set it to native" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_make_provision_docker_check_ends_in_the_verify_summary():
    """docs/getting-started.md section 3's command in check mode: the Docker deployment through site.yml."""
    result = run(["make", "provision", "ARGS=-e ollama_deployment=docker --check"], timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Docker engine from docker; Docker's apt repository present." in result.stdout
    assert result.stdout.count("verify localhost: ") == 1
    assert "container healthy" in result.stdout
    assert "native service active and enabled" not in result.stdout
    assert "Check mode: the summary shows localhost as it is now" in result.stdout
    assert "failed=0" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    # Nothing a user need not act on: no cryptography deprecation (requirements/constraints.txt), no warning that
    # the collection went into a path the run does not search (scripts/provision.sh sets the path first).
    assert "DeprecationWarning" not in result.stdout + result.stderr
    assert "is not part of the configured Ansible collections paths" not in result.stdout + result.stderr


def test_make_pytest_keeps_a_quoted_keyword_expression_whole(tmp_path):
    """docs/development.md's one-test command: -k 'a and b' must reach pytest as one argument."""
    args = "tests/unit/plugins/filter/test_verify.py -k 'mismatch and not no_such_test'"
    # Its own work folder, so the stage records of a `make test` running this test are not touched.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS", "RESULTS_FILE")}
    env["LLO_WORK_DIR"] = str(tmp_path)
    result = run(["make", "--no-print-directory", "pytest", "PYTEST_ARGS=" + args], env=env, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = result.stdout.strip().splitlines()[-1]
    passed = int(summary.split()[0])
    assert passed > 0 and summary.endswith(" passed, 0 failed"), summary
    assert "file or directory not found" not in result.stdout


PLAYBOOKS = sorted(p.stem for p in (REPO_ROOT / "playbooks").glob("*.yml"))


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_installed_playbook_runs_by_its_collection_name(installed_path, playbook):
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.pathsep.join(
            [str(installed_path)] + [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
        ),
    )
    result = run(
        [str(VENV_BIN / "ansible-playbook"), "-i", "localhost,", "--syntax-check", "local_llm.ollama." + playbook],
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "playbook: " in result.stdout


def test_every_playbook_the_issue_names_exists():
    assert {"site", "wsl2", "native", "docker", "models", "verify", "benchmark"} <= set(PLAYBOOKS)
