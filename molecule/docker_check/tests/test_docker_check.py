"""After a check-mode run on a bare host nothing the roles manage exists."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/etc/apt/sources.list.d/docker.sources",
        "/etc/apt/sources.list.d/nvidia-container-toolkit.sources",
        "/etc/apt/keyrings/docker.asc",
        "/etc/docker",
        "/opt/ollama-docker",
    ],
)
def test_nothing_written(host, path):
    assert not host.file(path).exists


@pytest.mark.parametrize("package", ["python3-debian", "docker-ce", "docker.io", "nvidia-container-toolkit"])
def test_nothing_installed(host, package):
    assert not host.package(package).is_installed
