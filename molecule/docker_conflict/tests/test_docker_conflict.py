"""State after the conflict scenario: native stopped and disabled, the Docker deployment and its volume removed."""


def test_native_service_stopped_and_disabled(host):
    native = host.service("ollama.service")
    assert not native.is_running
    assert not native.is_enabled


def test_deployment_removed(host):
    assert not host.file("/opt/ollama-docker").exists
    assert host.run("docker inspect ollama").rc != 0


def test_volume_purged(host):
    assert host.run("docker volume inspect ollama").rc != 0


def test_port_free(host):
    assert host.check_output("ss -ltnH 'sport = :11434'") == ""
