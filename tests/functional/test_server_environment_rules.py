"""Server environment rules of ollama_native and ollama_docker, run through the roles' own validation tasks.

Names must be environment names, values single lines without NUL (a name with a newline rendered
`privileged: true` into the old Compose template), and OLLAMA_ORIGINS beyond this machine needs an opt-in. The
Compose file is built from a dict: whatever the environment holds, it stays data inside `environment`.
"""

import pytest
import yaml
from module_runner import run_playbook

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Validate
      ansible.builtin.include_role:
        name: local_llm.ollama.{role}
        tasks_from: validate.yml
        public: true
{extra}
"""

DUMP_COMPOSE = """
    - name: Decide the GPU
      ansible.builtin.set_fact:
        ollama_docker__use_gpu: "{{{{ llo_gpu | default(false) }}}}"
    - name: Dump the Compose data
      ansible.builtin.copy:
        content: "{{{{ ollama_docker__compose | to_nice_yaml }}}}"
        dest: "{dest}"
        mode: "0644"
"""

INJECTION = "OLLAMA_X: 1\n    privileged: true\n    Y"


def validate(tmp_path, role, extra_vars, extra=""):
    playbook = tmp_path / "playbook.yml"
    playbook.write_text(PLAYBOOK.format(role=role, extra=extra))
    return run_playbook(str(playbook), extra_vars=extra_vars)


OPTION = {"ollama_docker": "ollama_docker_environment", "ollama_native": "ollama_native_environment_extra"}
BAD = {
    INJECTION: "1",
    "OLLAMA_X\n": "1",  # re.match's $ accepts a trailing newline: main let this one through
    "1OLLAMA": "1",
    "OLLAMA_KEEP_ALIVE": "5m\nprivileged: true",
    "OLLAMA_LOAD_TIMEOUT": "5m\x00",
}
REMOTE_ORIGINS = "*,http://localhost:3000,https://*.example.com,https://example.com,http://192.168.1.10:8080"


@pytest.mark.parametrize("role", ["ollama_docker", "ollama_native"])
def test_bad_names_and_values_are_refused(tmp_path, role):
    rc, output = validate(tmp_path, role, {OPTION[role]: BAD})
    assert rc != 0, output
    for name in (INJECTION, "OLLAMA_X\n", "1OLLAMA"):
        assert "the name %r is not a valid environment name" % name in output.replace("\\\\", "\\")
    assert "the value of OLLAMA_KEEP_ALIVE contains a newline" in output
    assert "the value of OLLAMA_LOAD_TIMEOUT contains a NUL byte" in output


@pytest.mark.parametrize("role", ["ollama_docker", "ollama_native"])
def test_remote_origins_need_an_opt_in(tmp_path, role):
    rc, output = validate(tmp_path, role, {OPTION[role]: {"OLLAMA_ORIGINS": REMOTE_ORIGINS}})
    assert rc != 0, output
    assert (
        "OLLAMA_ORIGINS allows *, https://*.example.com, https://example.com, http://192.168.1.10:8080: " in output
    ), output
    assert "%s_allow_remote_origins: true" % role in output

    rc, output = validate(
        tmp_path, role, {OPTION[role]: {"OLLAMA_ORIGINS": REMOTE_ORIGINS}, "%s_allow_remote_origins" % role: True}
    )
    assert rc == 0, output
    assert "WARNING: OLLAMA_ORIGINS allows *, https://*.example.com" in output


@pytest.mark.parametrize("role", ["ollama_docker", "ollama_native"])
def test_local_origins_pass_without_warning(tmp_path, role):
    origins = "http://localhost:3000,http://127.0.0.1,https://[::1]:8443,chrome-extension://abcdef,vscode-webview://x"
    rc, output = validate(tmp_path, role, {OPTION[role]: {"OLLAMA_ORIGINS": origins}})
    assert rc == 0, output
    assert "WARNING: OLLAMA_ORIGINS" not in output


def compose(tmp_path, extra_vars):
    dest = tmp_path / "compose.yml"
    rc, output = validate(tmp_path, "ollama_docker", extra_vars, DUMP_COMPOSE.format(dest=dest))
    assert rc == 0, output
    return yaml.safe_load(dest.read_text())


def test_compose_keeps_odd_values_as_data_and_listens_on_ollama_listen(tmp_path):
    data = compose(
        tmp_path,
        {
            "ollama_docker_environment": {
                "OLLAMA_EDITOR": '5m" : x # y',
                "OLLAMA_FLASH_ATTENTION": True,
                "HTTPS_PROXY": "http://p:3$x",
            },
            "ollama_listen": "127.0.0.1:11570",
        },
    )
    service = data["services"]["ollama"]
    assert set(data) == {"name", "services", "volumes"}
    assert set(service) == {
        "image",
        "container_name",
        "pull_policy",
        "restart",
        "network_mode",
        "volumes",
        "environment",
        "healthcheck",
    }
    # Booleans as 1/0 like the native drop-in; every $ doubled, so Compose does not interpolate $x.
    assert service["environment"] == {
        "OLLAMA_HOST": "127.0.0.1:11570",
        "OLLAMA_EDITOR": '5m" : x # y',
        "OLLAMA_FLASH_ATTENTION": "1",
        "HTTPS_PROXY": "http://p:3$$x",
    }
    assert service["network_mode"] == "host"
    assert "ports" not in service
    assert service["volumes"] == ["ollama:/root/.ollama"]
    assert data["volumes"] == {"ollama": {"name": "ollama"}}
    assert service["healthcheck"]["test"] == ["CMD-SHELL", "ollama list >/dev/null 2>&1 || exit 1"]


def test_compose_reserves_the_gpu_and_brackets_ipv6(tmp_path):
    data = compose(tmp_path, {"llo_gpu": True, "ollama_listen": "[::1]:11571"})
    service = data["services"]["ollama"]
    assert service["environment"]["OLLAMA_HOST"] == "[::1]:11571"
    assert service["deploy"]["resources"]["reservations"]["devices"] == [
        {"driver": "nvidia", "count": "all", "capabilities": ["gpu"]}
    ]
