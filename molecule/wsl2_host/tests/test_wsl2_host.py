"""Testinfra checks for wsl2_host on a container made to look like WSL2."""


def test_wsl_conf_enables_systemd(host):
    content = host.file("/etc/wsl.conf").content_string
    assert "[boot]\nsystemd=true" in content


def test_wsl_conf_keeps_what_the_user_had(host):
    content = host.file("/etc/wsl.conf").content_string
    for kept in (
        "# my WSL settings",
        '[automount]\noptions = "metadata,umask=22"',
        "generateResolvConf = false",
        "[user]\ndefault = dev",
    ):
        assert kept in content


def test_login_shell_finds_windows_nvidia_smi(host):
    result = host.run("bash -lc 'command -v nvidia-smi'")
    assert result.stdout.strip() == "/usr/lib/wsl/lib/nvidia-smi"


def test_profile_snippet_is_readable_by_all(host):
    snippet = host.file("/etc/profile.d/wsl2-nvidia.sh")
    assert snippet.mode == 0o644
    assert snippet.user == "root"
