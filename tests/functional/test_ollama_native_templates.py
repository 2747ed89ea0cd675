"""ollama_native's drop-in template: one quoted Environment= line per setting, escaped for systemd."""

from pathlib import Path

import jinja2

from ansible_collections.local_llm.ollama.plugins.filter.server_env import FilterModule

TEMPLATES = Path(__file__).resolve().parents[2] / "roles" / "ollama_native" / "templates"


def render(name, **variables):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), trim_blocks=True, undefined=jinja2.StrictUndefined
    )
    env.filters.update(("local_llm.ollama." + name, f) for name, f in FilterModule().filters().items())
    return env.get_template(name).render(ansible_managed="managed", **variables)


def environment_lines(text):
    return [line for line in text.splitlines() if line.startswith("Environment=")]


def test_values_are_escaped_for_systemd():
    text = render(
        "override.conf.j2",
        ollama_native__environment={
            "OLLAMA_ORIGINS": 'app://x "quoted" 100% C:\\dir',
            "OLLAMA_HOST": "127.0.0.1:11434",
        },
    )
    assert environment_lines(text) == [
        'Environment="OLLAMA_HOST=127.0.0.1:11434"',
        'Environment="OLLAMA_ORIGINS=app://x \\"quoted\\" 100%% C:\\\\dir"',
    ]
    assert text.splitlines()[2] == "[Service]"


def test_booleans_become_one_and_zero():
    text = render(
        "override.conf.j2",
        ollama_native__environment={"OLLAMA_FLASH_ATTENTION": True, "OLLAMA_NOPRUNE": False, "OLLAMA_NUM_PARALLEL": 2},
    )
    assert environment_lines(text) == [
        'Environment="OLLAMA_FLASH_ATTENTION=1"',
        'Environment="OLLAMA_NOPRUNE=0"',
        'Environment="OLLAMA_NUM_PARALLEL=2"',
    ]


def test_unit_runs_the_prefix_binary_as_ollama():
    text = render(
        "ollama.service.j2",
        ollama_native_prefix="/opt/ollama",
        ollama_native_user="ollama",
        ollama_native_group="ollama",
        ollama_native_dropin_dir="/etc/systemd/system/ollama.service.d",
        ollama_native_service_path="/usr/bin:/bin",
    )
    assert "ExecStart=/opt/ollama/bin/ollama serve" in text.splitlines()
    assert {"User=ollama", "Group=ollama", "Restart=always", "RestartSec=3", "WantedBy=default.target"} <= set(
        text.splitlines()
    )
