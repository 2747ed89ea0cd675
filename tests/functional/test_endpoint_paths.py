"""One endpoint reader end to end: the same bad value fails with the same words through a module's host option, a
role's ollama_listen (ollama_docker, verify's defaults) and ollama_native's OLLAMA_HOST, before anything is done;
the decision table itself is tests/unit/plugins/module_utils/ollama/endpoint_table.py."""

import pytest
from module_runner import run_module, run_role_tasks

CASES = [
    ("127.0.0.1:abc", "has the port 'abc', which is not a number in 1-65535"),
    ("box:70000", "has the port '70000', which is not a number in 1-65535"),
    ("ftp://box:1", "has the scheme 'ftp', which Ollama does not serve"),
    ("[::1:12345", "opens a [ it does not close"),
]


@pytest.mark.parametrize("value, words", CASES)
def test_a_module_refuses_it_before_any_request(value, words):
    run = run_module("ollama_model_info", {"host": value})
    assert run.returncode != 0 and run.traceback_free, run.stdout + run.stderr
    assert run["msg"].startswith("host=%r %s" % (value, words)), run["msg"]


@pytest.mark.parametrize("value, words", CASES)
@pytest.mark.parametrize(
    "role, variables",
    [
        ("ollama_docker", lambda value: {"ollama_listen": value}),
        (
            "ollama_native",
            lambda value: {
                "ollama_native_environment_extra": {"OLLAMA_HOST": value},
                "ansible_facts": {"architecture": "x86_64"},
            },
        ),
    ],
)
def test_a_role_refuses_it_with_the_same_words(tmp_path, value, words, role, variables):
    rc, output = run_role_tasks(tmp_path, role, "validate.yml", variables(value))
    assert rc != 0, output
    assert words in output, output
    assert "Traceback" not in output


def test_credentials_in_ollama_listen_are_refused_and_not_shown(tmp_path):
    variables = {"ollama_listen": "http://me:s3cr3t@127.0.0.1:1"}
    rc, output = run_role_tasks(tmp_path, "ollama_docker", "validate.yml", variables)
    assert rc != 0
    assert "holds credentials" in output and "s3cr3t" not in output
