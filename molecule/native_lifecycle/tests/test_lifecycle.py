"""Testinfra checks after the lifecycle converge: Ollama uninstalled, models kept."""

MODELS = "/usr/share/ollama/.ollama/models"


def test_service_and_files_removed(host):
    for path in (
        "/etc/systemd/system/ollama.service",
        "/etc/systemd/system/ollama.service.d",
        "/usr/local/bin/ollama",
        "/usr/local/lib/ollama",
        "/var/cache/local_llm_ollama",
        "/etc/ollama/secrets.env",
        "/var/lib/local_llm_ollama",
    ):
        assert not host.file(path).exists, path
    # Every release directory goes too.
    assert host.run("ls -d /usr/local/lib/ollama-* 2>/dev/null").stdout.strip() == ""
    assert "could not be found" in host.run("systemctl status ollama").stderr


def test_nothing_listens_on_the_port(host):
    assert host.run("ss -H -t -l -n 'sport = :11505'").stdout.strip() == ""


def test_models_kept(host):
    manifests = host.run("find %s/manifests -type f" % MODELS).stdout.split()
    assert any(path.endswith("/library/my-coder/latest") for path in manifests)
    assert any(path.endswith("/library/qwen2.5-coder/7b") for path in manifests)
    assert host.file(MODELS + "/blobs").is_directory


def test_user_kept_with_the_models(host):
    assert host.user("ollama").exists
    assert host.file(MODELS).user == "ollama"
