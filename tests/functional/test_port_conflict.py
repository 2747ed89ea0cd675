"""ollama_native's refusal of a port another program holds, on this machine with a real listener and ss."""

import socket

from module_runner import run_playbook

PLAY = """\
- hosts: all
  gather_facts: false
  tasks:
    - name: The port check of ollama_native
      ansible.builtin.include_role:
        name: local_llm.ollama.ollama_native
        tasks_from: port
      vars:
        ollama_native__endpoint: {port: %d}
"""


def test_a_port_held_by_another_program_names_the_readme_setting(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        playbook = tmp_path / "port.yml"
        playbook.write_text(PLAY % port)
        rc, output = run_playbook(str(playbook))
    assert rc != 0, output
    assert "Port %d is already in use by" % port in output, output
    assert "choose another port with ollama_listen" in output, output
    assert "ollama_native_environment" not in output, output
