"""The plain coding-assistant.Modelfile (for `ollama create -f` by hand) and the role's template cannot drift apart."""

from pathlib import Path

import jinja2
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
MODELFILES = REPO_ROOT / "modelfiles"
DEFAULTS = REPO_ROOT / "roles" / "custom_model" / "defaults" / "main.yml"


def render_with_role_defaults():
    defaults = yaml.safe_load(DEFAULTS.read_text(encoding="utf-8"))
    item = defaults["custom_model_models"][0]
    # Ansible's template lookup: trim_blocks on, lstrip_blocks off.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(MODELFILES)), trim_blocks=True, undefined=jinja2.StrictUndefined
    )
    return env.get_template(item["modelfile"]).render(
        custom_model_item=item,
        custom_model_num_ctx=item["num_ctx"],
        custom_model_coder_system=defaults["custom_model_coder_system"],
    )


def test_template_with_defaults_is_the_plain_modelfile():
    plain = (MODELFILES / "coding-assistant.Modelfile").read_text(encoding="utf-8")
    assert render_with_role_defaults().rstrip("\n") == plain.rstrip("\n")


def test_plain_modelfile_has_the_original_seven_settings():
    lines = (MODELFILES / "coding-assistant.Modelfile").read_text(encoding="utf-8").splitlines()
    instructions = [line for line in lines if line and not line.startswith("#")]
    assert instructions[:7] == [
        "FROM qwen2.5-coder:7b",
        "PARAMETER num_ctx 16384",
        "PARAMETER temperature 0.3",
        "PARAMETER top_p 0.9",
        "PARAMETER repeat_penalty 1.1",
        'PARAMETER stop "<|im_end|>"',
        'PARAMETER stop "<|endoftext|>"',
    ]
    assert instructions[7].startswith('SYSTEM """You are a senior backend engineer')
