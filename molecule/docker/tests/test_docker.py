"""Verify docker_nvidia + ollama_docker inside the Docker-in-Docker platform."""

import json
import os

import yaml

FILES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "files")

# The deb822 sources as Docker's and NVIDIA's install guides define them (fields in deb822_repository's order).
DOCKER_SOURCES = """Architectures: amd64
Components: stable
X-Repolib-Name: docker
Signed-By: /etc/apt/keyrings/docker.asc
Suites: {codename}
Types: deb
URIs: https://download.docker.com/linux/debian
"""
NVIDIA_SOURCES = """Architectures: amd64
X-Repolib-Name: nvidia-container-toolkit
Signed-By: /etc/apt/keyrings/nvidia-container-toolkit.asc
Suites: /
Types: deb
URIs: https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH)
"""


def read_local(name):
    with open(os.path.join(FILES, name)) as handle:
        return handle.read()


def test_docker_repository_source_and_key(host):
    expected = DOCKER_SOURCES.format(codename=host.system_info.codename)  # bookworm or trixie: the image under test
    assert host.file("/etc/apt/sources.list.d/docker.sources").content_string == expected
    key = host.file("/etc/apt/keyrings/docker.asc")
    assert key.content_string == read_local("test-docker-repo-key.asc")
    assert key.mode == 0o644


def test_nvidia_repository_source_and_key(host):
    assert host.file("/etc/apt/sources.list.d/nvidia-container-toolkit.sources").content_string == NVIDIA_SOURCES
    assert host.file("/etc/apt/keyrings/nvidia-container-toolkit.asc").content_string == read_local(
        "test-nvidia-repo-key.asc"
    )


def test_engine_from_the_distribution_and_no_toolkit(host):
    assert host.package("docker.io").is_installed
    assert not host.package("docker-ce").is_installed
    assert not host.package("nvidia-container-toolkit").is_installed
    assert host.service("docker").is_running
    assert host.service("docker").is_enabled


def test_daemon_json_merged_keeping_the_users_key(host):
    config = json.loads(host.file("/etc/docker/daemon.json").content_string)
    assert config["log-opts"] == {"max-size": "10m", "max-file": "3"}
    # The user's runtime arguments stay; the role sets only the path.
    assert config["runtimes"] == {"nvidia": {"path": "nvidia-container-runtime", "args": ["--debug"]}}
    assert host.file("/etc/docker/daemon.json").mode == 0o600
    assert "default-runtime" not in config
    backups = host.run("ls /etc/docker/").stdout.split()
    assert any(name.startswith("daemon.json.") and name.endswith("~") for name in backups)


def test_engine_knows_the_nvidia_runtime(host):
    runtimes = host.check_output("docker info --format '{{json .Runtimes}}'")
    assert "nvidia" in json.loads(runtimes)


def test_user_in_docker_group(host):
    assert "docker" in host.user("llotester").groups


def test_compose_project(host):
    """Written from a dict: the container on the host network, Ollama itself listening on 127.0.0.1:11434."""
    text = host.file("/opt/ollama-docker/docker-compose.yml").content_string
    compose = yaml.safe_load(text)
    service = compose["services"]["ollama"]
    assert service["image"] == "ollama/ollama:0.32.15"
    assert service["network_mode"] == "host"
    assert "ports" not in service
    assert service["environment"]["OLLAMA_HOST"] == "127.0.0.1:11434"
    assert service["environment"]["OLLAMA_KV_CACHE_TYPE"] == "q8_0"
    assert service["restart"] == "unless-stopped"
    assert service["healthcheck"]["test"] == ["CMD-SHELL", "ollama list >/dev/null 2>&1 || exit 1"]
    assert service["volumes"] == ["ollama:/root/.ollama"]
    assert compose["volumes"] == {"ollama": {"name": "ollama"}}
    assert "deploy" not in service  # no GPU here, so no reservation


def test_container_healthy_with_volume_on_the_host_network(host):
    info = json.loads(host.check_output("docker inspect ollama"))[0]
    assert info["State"]["Health"]["Status"] == "healthy"
    assert info["HostConfig"]["RestartPolicy"]["Name"] == "unless-stopped"
    assert info["HostConfig"]["NetworkMode"] == "host"
    assert not info["HostConfig"]["PortBindings"]
    mounts = {m["Destination"]: m for m in info["Mounts"]}
    assert mounts["/root/.ollama"]["Type"] == "volume"
    assert mounts["/root/.ollama"]["Name"] == "ollama"
    env = dict(item.split("=", 1) for item in info["Config"]["Env"])
    assert env["OLLAMA_HOST"] == "127.0.0.1:11434"
    assert env["OLLAMA_FLASH_ATTENTION"] == "1"
    assert env["OLLAMA_KV_CACHE_TYPE"] == "q8_0"


SECRET = 'hf-t0k$en "quoted" ${HOME} \\end'


def test_secret_environment_only_in_the_0600_override(host):
    """ollama_docker_secret_environment reaches the container as written, from a root-only override file."""
    override = host.file("/opt/ollama-docker/docker-compose.override.yml")
    assert (override.user, override.group, override.mode) == ("root", "root", 0o600)
    assert yaml.safe_load(override.content_string)["services"]["ollama"]["environment"] == {
        "HF_TOKEN": SECRET.replace("$", "$$")
    }
    assert "hf-t0k" not in host.file("/opt/ollama-docker/docker-compose.yml").content_string
    info = json.loads(host.check_output("docker inspect ollama"))[0]
    env = dict(item.split("=", 1) for item in info["Config"]["Env"])
    assert env["HF_TOKEN"] == SECRET


def request(host, path, host_header=None):
    """(status, body) of a GET on 127.0.0.1:11434 from inside the platform, with an optional Host header."""
    code = (
        "import http.client, sys; c = http.client.HTTPConnection('127.0.0.1', 11434, timeout=10); "
        "c.putrequest('GET', sys.argv[1], skip_host=len(sys.argv) > 2); "
        "[c.putheader('Host', sys.argv[2]) for _ in sys.argv[2:3]]; c.endheaders(); r = c.getresponse(); "
        "print(r.status); print(r.read().decode())"
    )
    args = [path] + ([host_header] if host_header else [])
    out = host.check_output("python3 -c %s " + " ".join(["%s"] * len(args)), code, *args)
    status, _sep, body = out.partition("\n")
    return int(status), body


def api(host, path):
    status, body = request(host, path)
    assert status == 200, body
    return json.loads(body)


def test_api_answers_on_loopback(host):
    assert api(host, "/api/version") == {"version": "0.32.15"}


def test_dns_rebinding_host_refused(host):
    """Ollama listens on 127.0.0.1 itself, so its Host check is on: a rebound name gets 403 with an empty body."""
    assert request(host, "/api/version", "rebind.attacker.example") == (403, "")
    assert request(host, "/api/tags", "rebind.attacker.example:11434") == (403, "")


def test_loopback_and_localhost_hosts_work(host):
    for name in ("127.0.0.1:11434", "localhost:11434"):
        status, body = request(host, "/api/version", name)
        assert (status, json.loads(body)) == (200, {"version": "0.32.15"}), name


def test_model_created_through_the_port(host):
    names = [model["name"] for model in api(host, "/api/tags")["models"]]
    assert "tiny-docker:latest" in names


def test_port_held_by_the_container_on_loopback_only(host):
    listeners = host.check_output("ss -ltnpH 'sport = :11434'")
    assert "127.0.0.1:11434" in listeners
    assert "docker-proxy" not in listeners
    assert "0.0.0.0:11434" not in listeners
