"""Run the collection's modules for real: direct execution as a subprocess, or through ansible-playbook."""

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import yaml

# made importable by tests/conftest.py
import ansible_collections.local_llm.ollama  # noqa: F401  pylint: disable=unused-import

COLLECTION_DIR = importlib.util.find_spec("ansible_collections.local_llm.ollama").submodule_search_locations[0]
COLLECTIONS_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION_DIR)))
BIN_DIR = os.path.dirname(sys.executable)


class ModuleRun:
    def __init__(self, returncode, stdout, stderr):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        try:
            self.result = json.loads(stdout)
        except ValueError:
            self.result = {"failed": True, "msg": "unparsable module output", "stdout": stdout}

    def __getitem__(self, key):
        return self.result[key]

    def get(self, key, default=None):
        return self.result.get(key, default)

    @property
    def traceback_free(self):
        return "Traceback" not in self.stdout and "Traceback" not in self.stderr and "exception" not in self.result


def module_env(extra=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([COLLECTIONS_ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    env.pop("OLLAMA_HOST", None)
    env.update(extra or {})
    return env


def run_module(module, args, check=False, diff=False, env=None, timeout=120, prefix=()):
    """Direct execution: ``python -m ...plugins.modules.<module> args.json`` (ANSIBLE_MODULE_ARGS file);
    prefix: a command that runs it (argv, the module's command line appended)."""
    payload = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    with tempfile.TemporaryDirectory(prefix="llo-module-") as workdir:
        args_path = os.path.join(workdir, "args.json")
        with open(args_path, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": payload}, handle)
        proc = subprocess.run(
            list(prefix)
            + [sys.executable, "-m", "ansible_collections.local_llm.ollama.plugins.modules.%s" % module, args_path],
            cwd=workdir,
            env=module_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    return ModuleRun(proc.returncode, proc.stdout, proc.stderr)


def run_playbook(playbook, extra_vars=None, check=False, diff=False, env=None, inventory="localhost,", bin_dir=None):
    """Real ansible-playbook with this checkout as the collection, every host of the inventory on this machine
    (connection local); returns (rc, output). bin_dir: another virtualenv's bin folder (default: this one's)."""
    bin_dir = bin_dir or BIN_DIR
    command = [os.path.join(bin_dir, "ansible-playbook"), "-i", inventory, "-c", "local", playbook]
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    env_extra = env
    env = module_env(
        {
            "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join(
                [COLLECTIONS_ROOT] + [p for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
            ),
            "ANSIBLE_PYTHON_INTERPRETER": os.path.join(bin_dir, "python") if bin_dir != BIN_DIR else sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_STDOUT_CALLBACK": "default",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_HOME": tempfile.mkdtemp(prefix="llo-ansible-home-"),
        }
    )
    env.update(env_extra or {})
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def recap(output):
    """The localhost PLAY RECAP counters as a dict (ok, changed, failed, ...)."""
    for line in output.splitlines():
        if line.startswith("localhost") and "ok=" in line:
            return dict((key, int(value)) for key, value in (item.split("=") for item in line.split(":", 1)[1].split()))
    raise AssertionError("no PLAY RECAP in:\n" + output)


class HttpAnswer:
    def __init__(self, status, body):
        self.status = status
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def http(base_url, method, path, body=None):
    """One raw request to the emulator (test-side checks of its state); never raises on HTTP errors."""
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return HttpAnswer(response.status, response.read())
    except urllib.error.HTTPError as exc:
        return HttpAnswer(exc.code, exc.read())


def calls(emu):
    """(method, path) of every request the emulator served, in order (it records before answering)."""
    return [(entry["method"], entry["path"]) for entry in emu.request_log]


def assert_calls(emu, expected):
    assert calls(emu) == expected


def clear(emu):
    emu.clear_log()


def model(emu, **args):
    args.setdefault("host", emu.url)
    check = args.pop("_check", False)
    diff = args.pop("_diff", False)
    return run_module("ollama_model", args, check=check, diff=diff)


def derived_args(**overrides):
    args = {
        "name": "tiny-gemma-derived",
        "from": "tiny-gemma",
        "system": "You are a terse assistant.",
        "parameters": {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2},
    }
    args.update(overrides)
    return args


def assert_clean_failure(run, *fragments):
    assert run.returncode != 0 and run["failed"] is True, run.result
    for fragment in fragments:
        assert fragment in run["msg"], run["msg"]
    assert run.traceback_free, run.stdout + run.stderr


ROLE_TASKS_PLAYBOOK = """
- name: Run one task file of a role
  hosts: localhost
  gather_facts: false
  tasks:
    - name: The role's {tasks_from}
      ansible.builtin.include_role:
        name: local_llm.ollama.{role}
        tasks_from: {tasks_from}
"""


def run_role_tasks(tmp_path, role, tasks_from, variables, **kwargs):
    """ansible-playbook running ``tasks_from`` of ``role`` on this machine; kwargs go to run_playbook."""
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(ROLE_TASKS_PLAYBOOK.format(role=role, tasks_from=tasks_from))
    return run_playbook(str(playbook), extra_vars=variables, **kwargs)


def module_examples(module):
    """The tasks of a module's EXAMPLES, parsed."""
    with open(os.path.join(COLLECTION_DIR, "plugins", "modules", module + ".py")) as handle:
        source = handle.read()
    return yaml.safe_load(re.search(r'EXAMPLES = r"""\n(.*?)"""', source, re.S).group(1))


def playbook_tasks(playbook):
    """The tasks of each play of a playbook, parsed."""
    with open(playbook) as handle:
        return [play["tasks"] for play in yaml.safe_load(handle)]
