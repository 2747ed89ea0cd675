#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: port_owner_info
short_description: Tell which process and systemd unit listen on a TCP port
version_added: 0.1.0
description:
  - Runs C(ss -ltnpeH) on the managed host and returns the sockets listening on O(port), with each process's name,
    PID and systemd unit (read from C(/proc/<pid>/cgroup)), and the socket's own owner uid and cgroup unit.
  - Where C(ss) cannot show the processes (a container without C(CAP_SYS_PTRACE), a sandboxed kernel), the socket's
    cgroup (C(ollama.service), C(docker.service)) or its owner being O(ollama_user) still classify it.
  - Classifies the holder as V(free), V(ollama_native) (the unit C(ollama.service), or an C(ollama) process outside
    any unit), V(docker) (C(docker-proxy) or a process of C(docker.service), i.e. a published container port, or a
    process inside a Docker container, i.e. a container on the host network) or V(other). The roles
    C(ollama_docker) and C(ollama_native) use it to refuse to start a second Ollama on the same port.
  - Never changes anything on the host.
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.attributes
  - local_llm.ollama.attributes.info_module
options:
  port:
    description: TCP port to look at.
    type: int
    required: true
  ollama_user:
    description:
      - The user the native C(ollama.service) runs as. A socket whose processes are hidden and whose owner is this
        user counts as V(ollama_native). Ignored when the user does not exist.
    type: str
    default: ollama
requirements:
  - C(ss) from iproute2. Root (or CAP_NET_ADMIN) to see the processes of other users.
"""

EXAMPLES = r"""
- name: Who holds Ollama's port?
  local_llm.ollama.port_owner_info:
    port: 11434
  register: ollama_port

- name: Refuse to start while another process holds it
  ansible.builtin.fail:
    msg: "Port 11434 is already in use by {{ ollama_port.description }}."
  when: ollama_port.holder == 'other'
"""

RETURN = r"""
holder:
  description: V(free), V(ollama_native), V(docker) or V(other).
  returned: always
  type: str
  sample: ollama_native
description:
  description: The holders in words, empty when the port is free.
  returned: always
  type: str
  sample: python3 (pid 41, ollama.service) on 127.0.0.1
containers:
  description: Full IDs of the Docker containers whose processes or sockets hold the port (host networking).
  returned: always
  type: list
  elements: str
listeners:
  description: Listening sockets on the port.
  returned: always
  type: list
  elements: dict
  contains:
    address:
      description: Local address (V(*), V(0.0.0.0), V(::), V(127.0.0.1), ...).
      type: str
    port:
      description: The port.
      type: int
    uid:
      description: Owner uid of the socket, V(null) when C(ss) shows none (it omits root's).
      type: int
    unit:
      description: systemd unit of the socket's cgroup, V(null) when the kernel does not report it or outside any unit.
      type: str
    container:
      description: Docker container ID of the socket's cgroup, V(null) when none.
      type: str
    processes:
      description: Processes holding the socket (empty when C(ss) may not show them).
      type: list
      elements: dict
      contains:
        name:
          description: Process name.
          type: str
        pid:
          description: Process ID.
          type: int
        unit:
          description: systemd unit of the process, V(null) outside any C(.service).
          type: str
        container:
          description: Docker container ID of the process, V(null) outside a container.
          type: str
"""

import pwd

from ansible_collections.local_llm.ollama.plugins.module_utils.host._ports import port_owner
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule


def uid_of(user):
    try:
        return pwd.getpwnam(user).pw_uid
    except KeyError:
        return None


def argument_spec():
    return {
        "port": {"type": "int", "required": True},
        "ollama_user": {"type": "str", "default": "ollama"},
    }


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given."""
    return {
        "port": {"kind": "number", "integer": True, "min": 1, "max": 65535},
        "ollama_user": {"kind": "text", "nonempty": True, "single_line": True},
    }


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    port = module.params["port"]
    if not 1 <= port <= 65535:
        module.fail_json(msg="port must be between 1 and 65535, got %d" % port)
    ss = module.get_bin_path("ss", required=True)
    rc, out, err = module.run_command([ss, "-ltnpeH"], environ_update={"LC_ALL": "C"})
    if rc != 0:
        module.fail_json(msg="ss -ltnpeH failed (rc %d): %s" % (rc, err.strip()))
    module.exit_json(changed=False, **port_owner(out, port, native_uid=uid_of(module.params["ollama_user"])))


if __name__ == "__main__":
    main()
