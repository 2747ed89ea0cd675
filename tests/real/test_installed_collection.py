"""The collection as a user has it: the built tarball installed into an empty collections path, its playbooks run by
name from a folder of the user's own with the user's own inventory, against the real Ollama 0.32.15.

`local_llm.ollama.site --check` runs on this machine (without a GPU its checks WARN or would act; nothing fails),
`local_llm.ollama.benchmark` against the real server writes its report under `reports/` of that folder (where
docs/benchmarking.md says), the report survives `ansible-galaxy collection install --force`, and a second run
compares with the first one (`benchmark_compare_to`). The installed copy is the only `local_llm.ollama` on the path:
neither the checkout nor its ansible.cfg is seen.
"""

import glob
import json
import os
import subprocess
import sys

import pytest
import yaml
from real_server import REPO_ROOT, free_port

BIN_DIR = os.path.dirname(sys.executable)
THIRD_PARTY_COLLECTIONS = os.path.join(
    os.environ.get("LLO_WORK_DIR") or os.path.join(REPO_ROOT, ".work"), "collections"
)
TIMEOUT = 600  # seconds per command; the real server makes 5-60 tokens/s on two shared cores


def run(args, cwd, env, timeout=TIMEOUT):
    proc = subprocess.run(args, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def recap(output):
    line = next(line for line in output.splitlines() if line.startswith("localhost") and "ok=" in line)
    return dict(item.split("=") for item in line.split(":", 1)[1].split())


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    """The user's world: an empty collections path, a folder of their own and the environment of their shell."""
    base = tmp_path_factory.mktemp("installed")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ANSIBLE_", "PYTHON", "OLLAMA_")) and key != "LLO_WORK_DIR"
    }
    env.update(
        {
            "PATH": BIN_DIR + os.pathsep + env.get("PATH", ""),
            "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([str(base / "collections"), THIRD_PARTY_COLLECTIONS]),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_HOME": str(base / "ansible-home"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCALHOST_WARNING": "0",
        }
    )
    work = base / "my-llm-lab"
    work.mkdir()
    return {
        "base": base,
        "env": env,
        "work": work,
        "installed": base / "collections/ansible_collections/local_llm/ollama",
    }


def install(user, force=False):
    """ansible-galaxy collection build of the checkout, then install of the tarball (as make build and the README)."""
    dist = user["base"] / "dist"
    rc, output = run(
        ["ansible-galaxy", "collection", "build", REPO_ROOT, "--output-path", str(dist), "--force"],
        user["base"],
        user["env"],
    )
    assert rc == 0, output
    (tarball,) = glob.glob(str(dist / "local_llm-ollama-*.tar.gz"))
    command = ["ansible-galaxy", "collection", "install", tarball, "--no-deps", "-p", str(user["base"] / "collections")]
    rc, output = run(command + (["--force"] if force else []), user["work"], user["env"])
    assert rc == 0, output
    assert (user["installed"] / "MANIFEST.json").is_file(), output


def playbook(user, name, *args):
    return run(
        ["ansible-playbook", "-i", "inventory.yml", "local_llm.ollama." + name] + list(args), user["work"], user["env"]
    )


def write_inventory(user, real_ollama, real_model):
    inventory = {
        "all": {
            "hosts": {"localhost": {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3"}},
            "vars": {
                # site --check: ollama_native plans its service on a free port (the real server's port is taken);
                # custom_model and verify ask the real server.
                "ollama_listen": "127.0.0.1:%d" % free_port(),
                "custom_model_host": real_ollama.host,
                "verify_api_url": real_ollama.url,
                "benchmark_ollama_host": real_ollama.url,
                "benchmark_models": [real_model],
                "benchmark_api": "generate",
                "benchmark_runs": 1,
                "benchmark_warmup": 0,
                "benchmark_num_predict": 16,
            },
        }
    }
    (user["work"] / "inventory.yml").write_text(yaml.safe_dump(inventory))


def reports(user):
    return sorted(glob.glob(str(user["work"] / "reports" / "benchmark-*")))


def test_installed_collection_runs_by_name_and_keeps_its_reports(user, real_ollama, real_model):
    install(user)
    write_inventory(user, real_ollama, real_model)
    rc, output = run(["ansible-galaxy", "collection", "list", "local_llm.ollama"], user["work"], user["env"])
    found_in = [line[2:] for line in output.splitlines() if line.startswith("# ")]
    assert rc == 0 and found_in == [str(user["base"] / "collections/ansible_collections")], output

    rc, output = playbook(user, "site", "--check")
    assert rc == 0 and recap(output)["failed"] == "0", output[-6000:]
    assert "Traceback" not in output, output[-6000:]

    rc, output = playbook(user, "benchmark")
    assert rc == 0, output[-6000:]
    (first,) = reports(user)
    assert "Report: %s/benchmark.md" % first in output
    report = json.loads(open(os.path.join(first, "benchmark.json")).read())
    (result,) = report["hosts"]["localhost"]["results"]
    assert result["model"] == real_model and not result.get("failed"), result
    assert not glob.glob(str(user["installed"] / "reports")), "a report went into the installed collection"

    marker = user["installed"] / "left-by-the-old-install"
    marker.write_text("")
    install(user, force=True)
    assert not marker.exists(), "install --force did not replace the collection"
    assert reports(user) == [first] and os.path.isfile(os.path.join(first, "benchmark.md"))

    previous = os.path.relpath(os.path.join(first, "benchmark.json"), str(user["work"]))
    rc, output = playbook(user, "benchmark", "-e", "benchmark_compare_to=" + previous)
    assert rc == 0, output[-6000:]
    assert reports(user)[0] == first and len(reports(user)) == 2, reports(user)
    markdown = open(os.path.join(reports(user)[1], "benchmark.md")).read()
    assert "## Comparison with %s/benchmark.json" % first in markdown, markdown
    comparison = markdown.split("## Comparison with", 1)[1]
    assert "| localhost | %s |" % real_model in comparison and "No host and model in common" not in comparison, markdown
