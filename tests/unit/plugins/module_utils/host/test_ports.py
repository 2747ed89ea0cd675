# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""host/_ports: `ss` output and cgroups read into who owns a port."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.local_llm.ollama.plugins.module_utils.host._ports import (
    DOCKER,
    FREE,
    OLLAMA_NATIVE,
    OTHER,
    parse_ss,
    port_owner,
    split_address,
    unit_from_cgroup,
)

# Real `ss -ltnpeH` lines (iproute2 6.1): a process of uid 65534 shown; a root socket whose process ss cannot show
# (this sandboxed kernel hides it even from root). The systemd host's cgroup paths are put into the same format.
SS_E_SHOWN = 'LISTEN 0      128    127.0.0.1:11519 0.0.0.0:* users:(("python3",pid=18535,fd=3)) uid:65534 ino:2611879 sk:57 cgroup:/ <->'
SS_E_HIDDEN_ROOT = "LISTEN 0      128      0.0.0.0:2024  0.0.0.0:* ino:1677 sk:d cgroup:/ <->"
SS_E_HIDDEN_NATIVE = (
    "LISTEN 0      4096   127.0.0.1:11434 0.0.0.0:* uid:999 ino:48211 sk:3 cgroup:/system.slice/ollama.service <->"
)
SS_E_HIDDEN_UID_ONLY = "LISTEN 0      4096   127.0.0.1:11434 0.0.0.0:* uid:999 ino:48211 sk:3 <->"
SS_E_HIDDEN_DOCKER = (
    "LISTEN 0      4096     0.0.0.0:11434 0.0.0.0:* ino:9120 sk:7 cgroup:/system.slice/docker.service <->"
)

# Real `ss -ltnpH` lines (iproute2 6.1, Debian 12), one per kind of holder.
SS_OUTPUT = "\n".join(
    [
        'LISTEN 0      4096       127.0.0.1:35557      0.0.0.0:*    users:(("containerd",pid=49,fd=11))',
        'LISTEN 0      4096       127.0.0.1:11434      0.0.0.0:*    users:(("docker-proxy",pid=300,fd=4))',
        'LISTEN 0      5            0.0.0.0:11500      0.0.0.0:*    users:(("python3",pid=41,fd=3))',
        'LISTEN 0      4096            [::]:11501         [::]:*    users:(("ollama",pid=77,fd=3))',
        "LISTEN 0      128                *:11502            *:*",
    ]
)

CGROUP_V1 = "12:pids:/docker/abc/system.slice/ollama.service\n1:name=systemd:/docker/abc/system.slice/ollama.service\n"
CGROUP_V2 = "0::/system.slice/docker.service\n"


def make_proc(tmp_path, units):
    for pid, text in units.items():
        (tmp_path / str(pid)).mkdir(parents=True)
        (tmp_path / str(pid) / "cgroup").write_text(text)
    return str(tmp_path)


def test_split_address_forms():
    assert split_address("127.0.0.1:11434") == ("127.0.0.1", 11434)
    assert split_address("[::]:11434") == ("::", 11434)
    assert split_address("*:80") == ("*", 80)
    assert split_address("127.0.0.53%lo:53") == ("127.0.0.53", 53)


def test_parse_ss_keeps_only_the_port():
    listeners = parse_ss(SS_OUTPUT, 11434)
    assert listeners == [
        {
            "address": "127.0.0.1",
            "port": 11434,
            "uid": None,
            "unit": None,
            "container": None,
            "processes": [{"name": "docker-proxy", "pid": 300}],
        }
    ]
    assert parse_ss(SS_OUTPUT, 1) == []


def test_unit_from_cgroup_v1_and_v2():
    assert unit_from_cgroup(CGROUP_V1) == "ollama.service"
    assert unit_from_cgroup(CGROUP_V2) == "docker.service"
    assert unit_from_cgroup("0::/user.slice/session-1.scope\n") is None


def test_native_unit_is_recognised_whatever_the_process(tmp_path):
    proc = make_proc(tmp_path, {41: CGROUP_V1})
    result = port_owner(SS_OUTPUT, 11500, proc)
    assert result["holder"] == OLLAMA_NATIVE
    assert result["description"] == "python3 (pid 41, ollama.service) on 0.0.0.0"


def test_docker_proxy_is_docker(tmp_path):
    assert port_owner(SS_OUTPUT, 11434, make_proc(tmp_path, {}))["holder"] == DOCKER


def test_ollama_outside_a_unit_counts_as_native(tmp_path):
    assert port_owner(SS_OUTPUT, 11501, make_proc(tmp_path, {}))["holder"] == OLLAMA_NATIVE


def test_other_unit_and_hidden_process_are_other(tmp_path):
    proc = make_proc(tmp_path, {41: "0::/system.slice/web.service\n"})
    assert port_owner(SS_OUTPUT, 11500, proc)["holder"] == OTHER
    hidden = port_owner(SS_OUTPUT, 11502, proc)
    assert hidden["holder"] == OTHER
    assert "unknown process" in hidden["description"]


def test_free_port(tmp_path):
    expected = {"listeners": [], "holder": FREE, "description": "", "containers": []}
    assert port_owner(SS_OUTPUT, 9, str(tmp_path)) == expected


def test_parse_ss_reads_the_socket_owner_and_cgroup():
    assert parse_ss(SS_E_SHOWN, 11519) == [
        {
            "address": "127.0.0.1",
            "port": 11519,
            "uid": 65534,
            "unit": None,
            "container": None,
            "processes": [{"name": "python3", "pid": 18535}],
        }
    ]
    assert parse_ss(SS_E_HIDDEN_ROOT, 2024)[0]["uid"] is None
    assert parse_ss(SS_E_HIDDEN_NATIVE, 11434)[0]["unit"] == "ollama.service"


def test_hidden_socket_of_the_native_unit_is_native(tmp_path):
    result = port_owner(SS_E_HIDDEN_NATIVE, 11434, str(tmp_path))
    assert result["holder"] == OLLAMA_NATIVE
    assert result["description"] == "a process ss cannot show (socket of uid 999, ollama.service) on 127.0.0.1"


def test_hidden_socket_owned_by_the_ollama_user_is_native_only_for_that_uid(tmp_path):
    assert port_owner(SS_E_HIDDEN_UID_ONLY, 11434, str(tmp_path), native_uid=999)["holder"] == OLLAMA_NATIVE
    assert port_owner(SS_E_HIDDEN_UID_ONLY, 11434, str(tmp_path), native_uid=998)["holder"] == OTHER
    assert port_owner(SS_E_HIDDEN_UID_ONLY, 11434, str(tmp_path))["holder"] == OTHER


def test_hidden_socket_of_docker_is_docker(tmp_path):
    assert port_owner(SS_E_HIDDEN_DOCKER, 11434, str(tmp_path), native_uid=0)["holder"] == DOCKER


def test_hidden_root_socket_outside_any_unit_is_other(tmp_path):
    result = port_owner(SS_E_HIDDEN_ROOT, 2024, str(tmp_path), native_uid=999)
    assert result["holder"] == OTHER
    assert result["description"] == "an unknown process (run as root to see it) on 0.0.0.0"


def test_a_shown_process_decides_over_its_socket_uid(tmp_path):
    proc = make_proc(tmp_path, {18535: "0::/system.slice/web.service\n"})
    assert port_owner(SS_E_SHOWN, 11519, proc, native_uid=65534)["holder"] == OTHER


INNER = "f" * 64
OUTER = "a" * 64


def test_container_on_the_host_network_is_docker(tmp_path):
    """With network_mode host the container's own process holds the port: its cgroup names the container."""
    ss = 'LISTEN 0      4096       127.0.0.1:11434      0.0.0.0:*    users:(("ollama",pid=90,fd=3))'
    for cgroup in (
        "0::/system.slice/docker-%s.scope\n" % INNER,
        "12:pids:/docker/%s/docker/%s\n1:name=systemd:/docker/%s/docker/%s\n" % (OUTER, INNER, OUTER, INNER),
    ):
        proc = make_proc(tmp_path / cgroup[:2].strip(":"), {90: cgroup, "self": "0::/docker/%s\n" % OUTER})
        result = port_owner(ss, 11434, proc)
        assert result["holder"] == DOCKER
        assert result["containers"] == [INNER]
        assert "container ffffffffffff" in result["description"]


def test_native_unit_or_own_container_is_not_a_container(tmp_path):
    """A unit inside a container platform, and processes of the container the module runs in, are no container."""
    ss = 'LISTEN 0      4096       127.0.0.1:11434      0.0.0.0:*    users:(("ollama",pid=91,fd=3))'
    proc = make_proc(
        tmp_path,
        {
            91: "1:name=systemd:/docker/%s/system.slice/ollama.service\n" % OUTER,
            "self": "1:name=systemd:/docker/%s\n" % OUTER,
        },
    )
    assert port_owner(ss, 11434, proc)["holder"] == OLLAMA_NATIVE
    other = 'LISTEN 0      5       127.0.0.1:11500      0.0.0.0:*    users:(("python3",pid=92,fd=3))'
    make_proc(tmp_path, {92: "1:name=systemd:/docker/%s\n" % OUTER})
    result = port_owner(other, 11500, proc)
    assert (result["holder"], result["containers"]) == (OTHER, [])
