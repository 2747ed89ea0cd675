"""Testinfra checks for the preflight role on the molecule host."""

import pytest


@pytest.mark.parametrize("package", ["ca-certificates", "zstd", "python3-debian", "acl", "iproute2"])
def test_base_package_installed(host, package):
    assert host.package(package).is_installed


def test_zstd_decompresses(host):
    result = host.run("printf local-llm | zstd -q | zstd -dq")
    assert result.rc == 0
    assert result.stdout == "local-llm"


def test_deb822_dependency_importable(host):
    assert host.run("python3 -c 'import debian.deb822'").rc == 0


def test_systemd_is_pid_one(host):
    assert host.file("/proc/1/comm").content_string.strip() == "systemd"
