#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: docker_engine_info
short_description: Tell which Docker engine the docker command reaches, and whether it is Docker Desktop's
version_added: 0.1.0
description:
  - Finds the C(docker) command on the module's E(PATH) (as a shell would) and its resolved path, runs
    C(docker info --format '{{json .}}') with a time limit and reads the engine's version, operating system, name,
    labels and runtimes from the answer.
  - Tells whether the engine is Docker Desktop's and why, from any of these signs. The engine reports the operating
    system C(Docker Desktop), the name C(docker-desktop) or a C(com.docker.desktop.address) label (what Docker
    Desktop's engine reports, on Windows with the WSL 2 backend as elsewhere). The CLI resolves into
    C(/mnt/wsl/docker-desktop/) or C(/mnt/wsl/docker-desktop-data/), where Docker Desktop's WSL integration mounts
    its CLI tools (C(/usr/bin/docker) links to C(/mnt/wsl/docker-desktop/cli-tools/usr/bin/docker); while Docker
    Desktop is stopped that link dangles and still counts). The CLI is Docker Desktop's Windows-side wrapper
    (C(.../Docker/Docker/resources/bin/docker), C(/mnt/c/Program Files/...) by default), found through the Windows E(PATH) when the WSL
    integration is off for the distribution. The Docker socket resolves into C(/mnt/wsl/docker-desktop/).
  - No C(docker) command is not a failure (RV(installed=false)); nor is an engine that does not answer (the daemon is
    down, the command hangs past O(timeout), or prints something that is not JSON), which gives RV(reachable=false)
    and the reason in RV(error).
  - The role C(local_llm.ollama.docker_nvidia) runs it first and installs nothing when it finds Docker Desktop.
  - Never changes anything on the host.
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.info_module
options:
  timeout:
    description:
      - Seconds C(docker info) may take (it runs under coreutils C(timeout) when that command exists). A hung engine
        or socket then gives RV(reachable=false) instead of a hung play.
    type: int
    default: 30
  socket:
    description:
      - The Docker socket whose resolved path is looked at (one of the signs of Docker Desktop's WSL integration).
        Only its path is read; nothing connects to it.
    type: path
    default: /var/run/docker.sock
requirements:
  - A C(docker) CLI on E(PATH) for anything but RV(installed=false). Root, or membership in the C(docker) group, for
    the engine to answer.
notes:
  - The field names are those of C(docker info --format '{{json .}}') (the Engine API's C(system.Info) plus
    C(ClientInfo)); when the engine does not answer, newer CLIs print the error on stderr and a JSON without server
    fields, older ones exit 1. Both give RV(reachable=false).
seealso:
  - name: Docker Desktop WSL 2 backend on Windows
    description: The WSL integration and why a Docker Engine inside the distribution conflicts with it.
    link: https://docs.docker.com/desktop/features/wsl/
  - name: GPU support in Docker Desktop
    description: NVIDIA GPUs in containers with the WSL 2 backend, checked with C(docker run --gpus=all).
    link: https://docs.docker.com/desktop/features/gpu/
"""

EXAMPLES = r"""
- name: Which engine does docker reach?
  local_llm.ollama.docker_engine_info:
  register: engine

- name: Install Docker CE only where Docker Desktop does not provide the engine
  ansible.builtin.debug:
    msg: >-
      {{ 'Docker Desktop ' ~ engine.server_version ~ ' (' ~ engine.reasons | join('; ') ~ ')'
         if engine.desktop else 'no Docker Desktop here' }}
"""

RETURN = r"""
installed:
  description: A C(docker) command runs here (found on E(PATH)).
  returned: always
  type: bool
  sample: true
reachable:
  description: The engine answered C(docker info) with a server version.
  returned: always
  type: bool
  sample: true
desktop:
  description: The engine or the CLI is Docker Desktop's (RV(reasons) is not empty).
  returned: always
  type: bool
  sample: true
reasons:
  description: Why RV(desktop) is true, one sentence per sign found; empty when none.
  returned: always
  type: list
  elements: str
  sample:
    - docker info reports OperatingSystem "Docker Desktop"
    - docker info reports Name "docker-desktop"
    - docker info reports the label com.docker.desktop.address=npipe://\\.\pipe\docker_cli
server_version:
  description: The engine's version (C(ServerVersion)); empty when it did not answer.
  returned: always
  type: str
  sample: 29.7.2
operating_system:
  description: What the engine reports as its operating system (C(OperatingSystem)).
  returned: always
  type: str
  sample: Docker Desktop
kernel_version:
  description: The kernel the engine runs on (C(KernelVersion)).
  returned: always
  type: str
  sample: 6.6.87.2-microsoft-standard-WSL2
name:
  description: The engine's host name (C(Name)).
  returned: always
  type: str
  sample: docker-desktop
labels:
  description: The engine's labels (C(Labels)).
  returned: always
  type: list
  elements: str
  sample: [com.docker.desktop.address=npipe://\\.\pipe\docker_cli]
runtimes:
  description: Names of the engine's container runtimes (C(Runtimes)), sorted.
  returned: always
  type: list
  elements: str
  sample: [io.containerd.runc.v2, nvidia, runc]
default_runtime:
  description: The engine's default runtime (C(DefaultRuntime)).
  returned: always
  type: str
  sample: runc
gpu_runtime:
  description: The engine has the C(nvidia) runtime.
  returned: always
  type: bool
  sample: true
cli_path:
  description: The C(docker) found on E(PATH); a dangling link of that name when nothing runnable was found; empty
    when neither.
  returned: always
  type: str
  sample: /usr/bin/docker
cli_realpath:
  description: Where RV(cli_path) resolves to (for a dangling link, its missing target).
  returned: always
  type: str
  sample: /mnt/wsl/docker-desktop/cli-tools/usr/bin/docker
socket_realpath:
  description: Where O(socket) resolves to; empty when it does not exist.
  returned: always
  type: str
  sample: /mnt/wsl/docker-desktop/shared-sockets/guest-services/docker.proxy.sock
error:
  description: Why the engine did not answer (no C(docker), the daemon is down, a timeout, output that is not JSON);
    empty when it answered.
  returned: always
  type: str
  sample: ""
"""

import os

from ansible_collections.local_llm.ollama.plugins.module_utils.host._docker_engine import gather
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule


def argument_spec():
    return {
        "timeout": {"type": "int", "default": 30},
        "socket": {"type": "path", "default": "/var/run/docker.sock"},
    }


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given."""
    return {
        "timeout": {"kind": "number", "integer": True, "min": 1, "max": 86400, "unit": "seconds"},
        "socket": {"kind": "absolute_path", "what": "the Docker engine's socket"},
    }


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    timeout = module.params["timeout"]
    if timeout <= 0:
        module.fail_json(msg="timeout must be a positive number of seconds, got %d" % timeout)

    def run(argv):
        return module.run_command(argv, environ_update={"LC_ALL": "C"})

    facts = gather(
        run,
        os.environ.get("PATH", os.defpath),
        timeout,
        timeout_bin=module.get_bin_path("timeout"),
        socket=module.params["socket"],
    )
    module.exit_json(changed=False, **facts)


if __name__ == "__main__":
    main()
