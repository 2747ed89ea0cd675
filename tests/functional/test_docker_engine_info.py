"""docker_engine_info run for real against fake `docker` commands on PATH (no containers, no Docker engine).

Each fake is a shell script in a folder of its own, which is the whole PATH the module sees (plus links to `cat`,
`sleep` and coreutils `timeout`): Docker Desktop's answer, Docker CE's, no docker at all, a daemon that is down (both ways a CLI
says so), output that is not JSON, a docker that hangs, Docker Desktop's dangling CLI link and its Windows-side
wrapper. The answers are tests/fixtures/docker-info/ (see its README for the sources).
"""

import os
import shutil
import time

from module_runner import COLLECTION_DIR, run_module

FIXTURES = os.path.join(COLLECTION_DIR, "tests", "fixtures", "docker-info")
# What the fake scripts and the module need besides docker; /usr/bin itself may hold a real docker.
TOOLS = ("cat", "sleep", "timeout")


def fake_docker(tmp_path, body, name="docker", folder="bin"):
    """A `docker` shell script in tmp_path/folder; returns the folder."""
    bin_dir = tmp_path / folder
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return bin_dir


def answering(fixture, rc=0, stderr=""):
    """A script body that prints a fixture for `docker info --format {{json .}}` and fails on anything else."""
    lines = [
        'if [ "$1 $2 $3" != "info --format {{json .}}" ]; then echo "unexpected arguments: $*" >&2; exit 2; fi',
        "cat %s" % os.path.join(FIXTURES, fixture),
    ]
    if stderr:
        lines.append("echo %r >&2" % stderr)
    lines.append("exit %d" % rc)
    return "\n".join(lines) + "\n"


def tools_dir(base):
    """A folder with links to the few commands the fakes and the module use (and no docker)."""
    folder = base / "tools"
    if not folder.exists():
        folder.mkdir()
        for tool in TOOLS:
            (folder / tool).symlink_to(shutil.which(tool))
    return folder


def engine(path_dirs, socket=None, **args):
    """Run the module with only path_dirs (and the tools folder) on PATH."""
    if socket is not None:
        args["socket"] = str(socket)
    else:
        args.setdefault("socket", "/nonexistent/docker.sock")
    base = path_dirs[0].parent if path_dirs else None
    path = os.pathsep.join([str(folder) for folder in path_dirs] + [str(tools_dir(base))])
    run = run_module("docker_engine_info", args, check=True, env={"PATH": path})
    assert run.returncode == 0 and not run.get("failed"), run.stdout + run.stderr
    assert run["changed"] is False
    assert run.traceback_free
    return run


def test_docker_desktop_is_recognised_by_what_docker_info_reports(tmp_path):
    bin_dir = fake_docker(tmp_path, answering("docker-desktop-wsl2.json"))
    run = engine([bin_dir])
    assert run["installed"] and run["reachable"] and run["desktop"]
    assert run["reasons"] == [
        'docker info reports OperatingSystem "Docker Desktop"',
        'docker info reports Name "docker-desktop"',
        "docker info reports the label com.docker.desktop.address=npipe://\\\\.\\pipe\\docker_cli",
    ]
    assert run["server_version"] == "29.7.2"
    assert run["operating_system"] == "Docker Desktop"
    assert run["name"] == "docker-desktop"
    assert run["kernel_version"] == "6.18.33.2-microsoft-standard-WSL2"
    assert run["runtimes"] == ["io.containerd.runc.v2", "nvidia", "runc"]
    assert run["gpu_runtime"] is True and run["default_runtime"] == "runc"
    assert run["cli_path"] == str(bin_dir / "docker") == run["cli_realpath"]
    assert run["error"] == ""


def test_docker_ce_is_not_docker_desktop(tmp_path):
    run = engine([fake_docker(tmp_path, answering("docker-ce.json"))])
    assert run["installed"] and run["reachable"] and not run["desktop"]
    assert run["reasons"] == [] and run["error"] == ""
    assert run["operating_system"] == "Debian GNU/Linux 12 (bookworm)"
    assert run["server_version"] == "29.2.1" and run["gpu_runtime"] is True


def test_the_cli_path_is_resolved_through_links(tmp_path):
    real = fake_docker(tmp_path, answering("docker-ce.json"), folder="cli-tools/usr/bin")
    link_dir = tmp_path / "usr-bin"
    link_dir.mkdir()
    (link_dir / "docker").symlink_to(real / "docker")
    run = engine([link_dir])
    assert run["cli_path"] == str(link_dir / "docker")
    assert run["cli_realpath"] == str(real / "docker")


def test_the_first_docker_on_path_wins(tmp_path):
    # The molecule stand-in relies on this: /usr/local/bin/docker before /usr/bin/docker.
    first = fake_docker(tmp_path, answering("docker-desktop-wsl2.json"), folder="local-bin")
    second = fake_docker(tmp_path, answering("docker-ce.json"), folder="bin")
    run = engine([first, second])
    assert run["desktop"] and run["cli_path"] == str(first / "docker")


def test_no_docker_is_not_a_failure(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    run = engine([empty])
    assert run["installed"] is False and run["reachable"] is False and run["desktop"] is False
    assert run["cli_path"] == "" and run["error"] == "no docker command on PATH"
    assert run["runtimes"] == [] and run["server_version"] == ""


def test_a_daemon_that_is_down_exit_1(tmp_path):
    message = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
    run = engine([fake_docker(tmp_path, 'echo "%s" >&2\nexit 1\n' % message)])
    assert run["installed"] and not run["reachable"] and not run["desktop"]
    assert run["error"] == "`docker info` failed (rc 1): " + message


def test_a_daemon_that_is_down_json_with_server_errors(tmp_path):
    message = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
    run = engine([fake_docker(tmp_path, answering("daemon-down.json", rc=0, stderr=message))])
    assert run["installed"] and not run["reachable"] and not run["desktop"]
    assert run["error"] == "the Docker engine does not answer: " + message
    assert run["server_version"] == "" and run["runtimes"] == []


def test_garbage_output(tmp_path):
    run = engine([fake_docker(tmp_path, "echo 'Segmentation fault (core dumped) {not json'\nexit 0\n")])
    assert run["installed"] and not run["reachable"]
    assert run["error"] == "`docker info` printed no JSON object: Segmentation fault (core dumped) {not json"


def test_json_that_is_not_an_object(tmp_path):
    run = engine([fake_docker(tmp_path, "echo '[1, 2]'\n")])
    assert not run["reachable"] and run["error"].startswith("`docker info` printed no JSON object")


def test_a_hanging_docker_is_stopped_after_the_timeout(tmp_path):
    # The child sleep is killed with the script: coreutils timeout signals its whole process group.
    run_started = time.monotonic()
    run = engine([fake_docker(tmp_path, "sleep 600\n")], timeout=2)
    elapsed = time.monotonic() - run_started
    assert run["installed"] and not run["reachable"]
    assert run["error"] == "`docker info` did not answer within 2 s (the engine or its socket hangs)"
    assert elapsed < 30, elapsed


def test_docker_desktops_dangling_cli_link_still_counts(tmp_path):
    # Docker Desktop stopped: /usr/bin/docker -> /mnt/wsl/docker-desktop/cli-tools/usr/bin/docker dangles.
    usr_bin = tmp_path / "usr-bin"
    usr_bin.mkdir()
    (usr_bin / "docker").symlink_to("/mnt/wsl/docker-desktop/cli-tools/usr/bin/docker")
    run = engine([usr_bin])
    assert run["installed"] is False and run["reachable"] is False and run["desktop"] is True
    assert run["cli_path"] == str(usr_bin / "docker")
    assert run["cli_realpath"] == "/mnt/wsl/docker-desktop/cli-tools/usr/bin/docker"
    assert "which is missing: Docker Desktop's WSL integration while Docker Desktop is not running" in run["reasons"][0]
    assert run["error"].endswith("which does not exist")


def test_a_dangling_link_elsewhere_is_only_no_docker(tmp_path):
    usr_bin = tmp_path / "usr-bin"
    usr_bin.mkdir()
    (usr_bin / "docker").symlink_to(tmp_path / "gone" / "docker")
    run = engine([usr_bin])
    assert run["installed"] is False and run["desktop"] is False and run["reasons"] == []


def test_docker_desktops_windows_wrapper_means_the_integration_is_off(tmp_path):
    # What `which docker` finds in a distribution without the integration (docker/desktop-feedback#440): the
    # wrapper in C:\\Program Files\\Docker\\Docker\\resources\\bin, here under tmp_path instead of /mnt/c.
    body = (
        "echo\necho \"The command 'docker' could not be found in this WSL 2 distro.\"\n"
        'echo "We recommend to activate the WSL integration in Docker Desktop settings."\nexit 1\n'
    )
    wrapper_dir = fake_docker(tmp_path, body, folder="Program Files/Docker/Docker/resources/bin")
    run = engine([wrapper_dir])
    assert run["installed"] and not run["reachable"] and run["desktop"]
    assert "Windows-side wrapper: the WSL integration is off" in run["reasons"][0]
    assert "could not be found in this WSL 2 distro" in run["error"]


def test_the_socket_resolving_into_docker_desktop_counts(tmp_path):
    # The integration links /var/run/docker.sock into /mnt/wsl/docker-desktop/shared-sockets/ (desktop-feedback#423).
    sock = tmp_path / "docker.sock"
    sock.symlink_to("/mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock")
    run = engine([fake_docker(tmp_path, answering("docker-ce.json"))], socket=sock)
    assert run["desktop"] is True
    assert run["socket_realpath"] == "/mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock"
    assert run["reasons"] == [
        "the Docker socket resolves to /mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock "
        "(Docker Desktop's WSL integration)"
    ]


def test_a_timeout_that_is_not_positive_fails_clearly(tmp_path):
    run = run_module("docker_engine_info", {"timeout": 0}, check=True, env={"PATH": str(tmp_path)})
    assert run.returncode != 0 and run["failed"] is True
    assert run["msg"] == "timeout accepts a whole number of seconds from 1 to 86400, got the number 0"
    assert run.traceback_free
