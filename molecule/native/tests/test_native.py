"""Testinfra checks of roles ollama_native + custom_model on the molecule host (emulator release, port 11501)."""

import json

import pytest

PORT = 11501
API = "http://127.0.0.1:%d" % PORT
REQUEST_LOG = "/usr/share/ollama/requests.jsonl"
RUN_MARKS = "/root/native-runs.txt"
# Requests that change the model store or contact a registry.
MUTATING = {
    ("POST", "/api/pull"),
    ("POST", "/api/create"),
    ("POST", "/api/copy"),
    ("DELETE", "/api/delete"),
    ("POST", "/api/push"),
}


def api(host, path, body=None):
    """One HTTP request from inside the host with its own python3 (the image has no curl)."""
    script = (
        "import json,sys,urllib.request as u;"
        "d=sys.argv[2].encode() if sys.argv[2] else None;"
        "r=u.Request(sys.argv[1],data=d,method='POST' if d else 'GET');"
        "print(u.urlopen(r,timeout=10).read().decode())"
    )
    result = host.run("python3 -c %s %s %s", script, API + path, json.dumps(body) if body else "")
    assert result.rc == 0, result.stderr
    return json.loads(result.stdout)


def test_binary_and_libraries_are_installed(host):
    # Both paths users know are symlinks into the release's own directory (switched only after a complete unpack).
    assert host.file("/usr/local/bin/ollama").linked_to == "/usr/local/lib/ollama-0.32.15/bin/ollama"
    assert host.file("/usr/local/lib/ollama").linked_to == "/usr/local/lib/ollama-0.32.15/lib/ollama"
    binary = host.file("/usr/local/lib/ollama-0.32.15/bin/ollama")
    assert binary.is_file and binary.user == "root" and binary.mode == 0o755
    assert host.file("/usr/local/lib/ollama").is_directory
    marker = json.loads(host.file("/usr/local/lib/ollama/.local_llm_ollama_release.json").content_string)
    assert marker["version"] == "0.32.15"
    assert marker["asset"].endswith(".tar.zst")


def test_staging_archive_was_removed(host):
    assert host.run("ls -A /var/cache/local_llm_ollama").stdout.strip() == ""


def test_binary_reports_the_server_version(host):
    result = host.run("OLLAMA_HOST=127.0.0.1:%d /usr/local/bin/ollama --version" % PORT)
    assert result.rc == 0
    assert result.stdout.strip() == "ollama version is 0.32.15"


def test_user_and_groups(host):
    user = host.user("ollama")
    assert user.exists
    assert user.uid < 1000
    assert user.home == "/usr/share/ollama"
    assert user.shell == "/bin/false"
    assert user.group == "ollama"
    for group in ("render", "video"):
        if host.group(group).exists:
            assert group in user.groups


def test_models_directory_belongs_to_ollama(host):
    models = host.file("/usr/share/ollama/.ollama/models")
    assert models.is_directory and models.user == "ollama" and models.group == "ollama"
    assert host.file("/usr/share/ollama/.ollama/models/manifests").is_directory


def test_unit_like_install_sh(host):
    unit = host.file("/etc/systemd/system/ollama.service").content_string
    for line in (
        "ExecStart=/usr/local/bin/ollama serve",
        "User=ollama",
        "Group=ollama",
        "Restart=always",
        "RestartSec=3",
        "WantedBy=default.target",
        "After=network-online.target",
    ):
        assert line in unit.splitlines()


def test_drop_in_holds_the_settings(host):
    dropin = host.file("/etc/systemd/system/ollama.service.d/override.conf")
    assert dropin.user == "root" and dropin.mode == 0o644
    lines = [line for line in dropin.content_string.splitlines() if line and not line.startswith("#")]
    assert lines == [
        "[Service]",
        'Environment="OLLAMA_EMULATOR_LOG=/usr/share/ollama/requests.jsonl"',
        'Environment="OLLAMA_FLASH_ATTENTION=1"',
        'Environment="OLLAMA_HOST=127.0.0.1:%d"' % PORT,
        'Environment="OLLAMA_KEEP_ALIVE=5m"',
        'Environment="OLLAMA_NO_CLOUD=1"',
    ]


def test_systemd_applied_the_drop_in(host):
    environment = host.run("systemctl show ollama -p Environment --value").stdout
    assert "OLLAMA_HOST=127.0.0.1:%d" % PORT in environment
    assert "OLLAMA_FLASH_ATTENTION=1" in environment


def test_service_enabled_and_active(host):
    service = host.service("ollama")
    assert service.is_enabled
    assert service.is_running


def test_port_bound_on_loopback_only(host):
    listeners = host.run("ss -H -t -l -n 'sport = :%d'" % PORT).stdout.split("\n")
    local_addresses = {line.split()[3] for line in listeners if line.strip()}
    assert local_addresses == {"127.0.0.1:%d" % PORT}


def test_api_version(host):
    assert api(host, "/api/version") == {"version": "0.32.15"}


def get_with_host(host, host_header):
    """(status, body) of GET /api/version on the port with the given Host header."""
    script = (
        "import http.client,sys;c=http.client.HTTPConnection('127.0.0.1',int(sys.argv[1]),timeout=10);"
        "c.putrequest('GET','/api/version',skip_host=True);c.putheader('Host',sys.argv[2]);c.endheaders();"
        "r=c.getresponse();print(r.status);print(r.read().decode())"
    )
    out = host.check_output("python3 -c %s %s %s", script, str(PORT), host_header)
    status, _sep, body = out.partition("\n")
    return int(status), body


def test_dns_rebinding_host_refused(host):
    """Ollama on loopback refuses a Host that names no local host (403, empty body): a rebound name."""
    assert get_with_host(host, "rebind.attacker.example") == (403, "")


@pytest.mark.parametrize("name", ["127.0.0.1:%d" % PORT, "localhost:%d" % PORT])
def test_loopback_and_localhost_hosts_work(host, name):
    status, body = get_with_host(host, name)
    assert (status, json.loads(body)) == (200, {"version": "0.32.15"})


def test_my_coder_parameters_as_the_api_reports_them(host):
    show = api(host, "/api/show", {"model": "my-coder"})
    parameters = {}
    for line in show["parameters"].splitlines():
        key, value = line.split(None, 1)
        parameters.setdefault(key, []).append(value.strip())
    assert parameters["num_ctx"] == ["16384"]
    assert parameters["temperature"] == ["0.3"]
    assert parameters["top_p"] == ["0.9"]
    assert parameters["repeat_penalty"] == ["1.1"]
    assert parameters["stop"] == ['"<|im_end|>"', '"<|endoftext|>"']
    assert show["system"].startswith("You are a senior backend engineer, expert in Java")
    assert "FROM qwen2.5-coder:7b" in show["modelfile"] or show["details"]["parent_model"].startswith(
        "qwen2.5-coder:7b"
    )


def test_base_model_imported_from_gguf_has_qwen2_architecture(host):
    show = api(host, "/api/show", {"model": "qwen2.5-coder:7b"})
    assert show["model_info"]["general.architecture"] == "qwen2"
    assert show["model_info"]["qwen2.block_count"] == 28


def test_auto_context_is_the_planner_answer(host):
    # Metadata-only GGUF (a few KiB of weights) with 10958 MiB free: the cap custom_model_auto_max_num_ctx wins.
    show = api(host, "/api/show", {"model": "my-coder-auto"})
    assert "num_ctx                        32768" in show["parameters"] or any(
        line.split() == ["num_ctx", "32768"] for line in show["parameters"].splitlines()
    )


def read_request_log(host):
    return [json.loads(line) for line in host.file(REQUEST_LOG).content_string.splitlines() if line.strip()]


@pytest.fixture(name="run_windows")
def fixture_run_windows(host):
    """Request-log slices of the converge run and of the idempotence (no-op) run."""
    marks = [int(value) for value in host.file(RUN_MARKS).content_string.split()]
    assert len(marks) >= 2, "converge and idempotence each append their log length"
    entries = read_request_log(host)
    return entries[: marks[0]], entries[marks[-2] : marks[-1]]


def test_converge_imported_and_created(run_windows):
    converge = run_windows[0]
    calls = {(entry["method"], entry["path"]) for entry in converge}
    assert ("POST", "/api/create") in calls
    assert any(entry["path"].startswith("/api/blobs/sha256:") for entry in converge), "the GGUF was uploaded"


def test_no_op_rerun_contacts_no_registry_and_creates_nothing(run_windows):
    rerun = run_windows[1]
    assert rerun, "the re-run asked the server something"
    mutating = [
        (entry["method"], entry["path"])
        for entry in rerun
        if (entry["method"], entry["path"]) in MUTATING or entry["path"].startswith("/api/blobs")
    ]
    assert mutating == []
    assert {entry["method"] for entry in rerun} <= {"GET", "HEAD", "POST"}
    assert {entry["path"] for entry in rerun if entry["method"] == "POST"} <= {"/api/show"}
