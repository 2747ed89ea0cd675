"""ollama_model executed for real (subprocess, ANSIBLE_MODULE_ARGS file) against the Ollama emulator over HTTP."""

import hashlib
import socket

import pytest
from module_runner import (
    assert_calls,
    assert_clean_failure,
    calls,
    clear,
    derived_args,
    http,
    model,
)
from ollama_emulator import make_gguf


def tags(emu):
    return http(emu.url, "GET", "/api/tags").json()["models"]


def show(emu, name):
    return http(emu.url, "POST", "/api/show", {"model": name}).json()


@pytest.fixture
def base(tiny_gemma):
    """Emulator with the recorded tiny-gemma (no params, no system, default template)."""
    clear(tiny_gemma)
    return tiny_gemma


@pytest.fixture
def gguf_file(tmp_path):
    (tmp_path / "weights").mkdir()
    return make_gguf(str(tmp_path / "weights" / "tiny.gguf"), architecture="llama", block_count=2)


# ---------------------------------------------------------------- pull


def test_pull_then_present_costs_one_tags_request(emulator):
    digest = emulator.seed_registry_model("tinyllama:1.1b")
    first = model(emulator, name="tinyllama:1.1b")
    assert first["changed"] and first["actions"] == ["pulled"] and first["changes"] == ["new"]
    assert first["digest"] == digest and first["name"] == "tinyllama:1.1b"
    assert_calls(emulator, [("GET", "/api/tags"), ("POST", "/api/pull"), ("GET", "/api/tags")])
    clear(emulator)
    again = model(emulator, name="TinyLlama:1.1b")
    assert not again["changed"] and again["actions"] == [] and again["digest"] == digest
    assert_calls(emulator, [("GET", "/api/tags")])


def test_pull_registry_unreachable_fails_with_server_text_and_offline_hint(make_emulator):
    emulator = make_emulator(registry_offline=True)
    run = model(emulator, name="all-minilm")
    assert_clean_failure(
        run,
        "POST %s/api/pull failed" % emulator.url,
        "HTTP 200",
        "dial tcp: lookup registry.ollama.ai",
        "gguf_path",
        "OLLAMA_MODELS",
    )
    assert run["status"] == 200 and "no such host" in run["server_message"]


def test_pull_stream_dropped_mid_way_fails(emulator):
    emulator.seed_registry_model("dropme")
    emulator.faults.drop_stream_after(2, path="/api/pull")
    run = model(emulator, name="dropme")
    assert_clean_failure(run, "/api/pull")
    assert "success" in run["msg"] or "interrupted" in run["msg"]


# ---------------------------------------------------------------- create from each source


def test_structured_create_then_noop_costs_tags_and_one_show(base):
    first = model(base, **derived_args())
    assert first["changed"] and first["actions"] == ["created"] and first["changes"] == ["new"]
    assert first["details"] == {"family": "gemma3", "parameter_size": "268.10M", "quantization_level": "Q4_K_M"}
    assert_calls(base, [("GET", "/api/tags"), ("GET", "/api/version"), ("POST", "/api/create"), ("GET", "/api/tags")])
    stored = show(base, "tiny-gemma-derived")
    assert stored["system"] == "You are a terse assistant."
    assert sorted(stored["parameters"].splitlines()) == [
        "num_ctx                        2048",
        'stop                           "<end_of_turn>"',
        "temperature                    0.2",
    ]
    assert [m for m in tags(base) if m["name"] == "tiny-gemma-derived:latest"][0]["digest"] == first["digest"]
    clear(base)
    again = model(base, **derived_args())
    assert not again["changed"] and again["changes"] == [] and again["digest"] == first["digest"]
    assert_calls(base, [("GET", "/api/tags"), ("POST", "/api/show")])


def test_create_request_body_is_typed_structured_form(base):
    model(base, **derived_args(parameters={"num_ctx": "2048", "stop": ["<end_of_turn>"], "temperature": "0.2"}))
    body = [e for e in base.request_log if e["path"] == "/api/create"][0]["body"]
    assert body["parameters"] == {"num_ctx": 2048, "stop": ["<end_of_turn>"], "temperature": 0.2}
    assert body["from"] == "tiny-gemma:latest" and body["stream"] is True and "modelfile" not in body


def test_modelfile_text_source(base):
    text = (
        '# my assistant\nFROM tiny-gemma\nSYSTEM """You are a terse assistant."""\n'
        'parameter num_ctx 2048\nPARAMETER stop "<end_of_turn>"\nPARAMETER temperature 0.2\n'
    )
    first = model(base, name="tiny-gemma-derived", modelfile=text)
    assert first["changed"] and first["actions"] == ["created"]
    clear(base)
    assert not model(base, name="tiny-gemma-derived", modelfile=text)["changed"]
    assert_calls(base, [("GET", "/api/tags"), ("POST", "/api/show")])
    # the same model described in structured form is also "unchanged"
    assert not model(base, **derived_args())["changed"]


def test_modelfile_path_with_relative_gguf_uploads_blob_once(emulator, tmp_path, gguf_file):
    modelfile = tmp_path / "weights" / "Modelfile"
    modelfile.write_text("FROM ./tiny.gguf\nPARAMETER num_ctx 1024\n")
    sha = hashlib.sha256(open(gguf_file, "rb").read()).hexdigest()
    first = model(emulator, name="imported", modelfile_path=str(modelfile))
    assert first["actions"] == ["uploaded blob sha256:%s" % sha, "created"]
    assert_calls(
        emulator,
        [
            ("GET", "/api/tags"),
            ("HEAD", "/api/blobs/sha256:" + sha),
            ("POST", "/api/blobs/sha256:" + sha),
            ("GET", "/api/version"),
            ("POST", "/api/create"),
            ("GET", "/api/tags"),
        ],
    )
    create = [e for e in emulator.request_log if e["path"] == "/api/create"][0]["body"]
    assert create["files"] == {"tiny.gguf": "sha256:" + sha} and create["parameters"] == {"num_ctx": 1024}
    clear(emulator)
    assert not model(emulator, name="imported", modelfile_path=str(modelfile))["changed"]
    assert_calls(emulator, [("GET", "/api/tags"), ("POST", "/api/show")])
    # a second model from the same file finds the blob on the server: not uploaded again
    clear(emulator)
    again = model(emulator, name="imported-again", modelfile_path=str(modelfile))
    assert again["actions"] == ["created"]
    assert ("HEAD", "/api/blobs/sha256:" + sha) in calls(emulator)
    assert ("POST", "/api/blobs/sha256:" + sha) not in calls(emulator)


def test_gguf_path_with_options_and_changed_file(emulator, tmp_path, gguf_file):
    args = {
        "name": "gg",
        "gguf_path": gguf_file,
        "system": "hello",
        "parameters": {"top_k": 5},
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hey"}],
        "license": "MIT",
    }
    assert model(emulator, **args)["changed"]
    stored = show(emulator, "gg")
    assert stored["system"] == "hello" and stored["license"] == "MIT"
    assert stored["messages"] == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hey"}]
    assert not model(emulator, **args)["changed"]
    make_gguf(gguf_file, architecture="llama", block_count=3)
    changed = model(emulator, **args)
    assert changed["changed"] and changed["changes"] == ["model"]
    assert changed["actions"][0].startswith("uploaded blob sha256:")


def test_change_one_parameter_reports_and_applies_exactly_that(base):
    model(base, **derived_args())
    run = model(
        base, _diff=True, **derived_args(parameters={"num_ctx": 4096, "stop": ["<end_of_turn>"], "temperature": 0.2})
    )
    assert run["changed"] and run["changes"] == ["parameters"] and run["actions"] == ["created"]
    before, after = run["diff"]["before"].splitlines(), run["diff"]["after"].splitlines()
    assert [line for line in before if line not in after] == ["PARAMETER num_ctx 2048"]
    assert [line for line in after if line not in before] == ["PARAMETER num_ctx 4096"]
    stored = show(base, "tiny-gemma-derived")
    assert "num_ctx                        4096" in stored["parameters"].splitlines()
    assert stored["system"] == "You are a terse assistant."


def test_dropping_a_parameter_recreates_from_base(base):
    model(base, **derived_args())
    run = model(base, **derived_args(parameters={"num_ctx": 2048, "stop": ["<end_of_turn>"]}))
    assert run["changes"] == ["parameters"]
    assert "temperature" not in show(base, "tiny-gemma-derived")["parameters"]
    clear(base)
    assert not model(base, **derived_args(parameters={"num_ctx": 2048, "stop": ["<end_of_turn>"]}))["changed"]
    assert_calls(base, [("GET", "/api/tags"), ("POST", "/api/show")])


def test_inherited_values_cost_one_show_of_the_base(emulator):
    emulator.seed_local_model("parent", system="inherited", parameters={"temperature": 0.7})
    model(emulator, name="child", parameters={"num_ctx": 512}, **{"from": "parent"})
    clear(emulator)
    assert not model(emulator, name="child", parameters={"num_ctx": 512}, **{"from": "parent"})["changed"]
    assert_calls(emulator, [("GET", "/api/tags"), ("POST", "/api/show"), ("POST", "/api/show")])
    assert sorted(e["body"]["model"] for e in emulator.request_log if e["path"] == "/api/show") == [
        "child:latest",
        "parent:latest",
    ]


def test_old_server_gets_the_modelfile_form(make_emulator):
    emu = make_emulator(version="0.5.4")
    emu.seed_local_model("tiny-gemma")
    run = model(emu, **derived_args())
    assert run["changed"], run.result
    body = [e for e in emu.request_log if e["path"] == "/api/create"][0]["body"]
    assert set(body) == {"model", "modelfile", "stream"}
    assert body["modelfile"].startswith("FROM tiny-gemma:latest\n")
    assert not model(emu, **derived_args())["changed"]


# ---------------------------------------------------------------- absent, check mode, diff


def test_absent_twice(base):
    model(base, **derived_args())
    first = model(base, name="tiny-gemma-derived", state="absent")
    assert first["changed"] and first["actions"] == ["deleted"]
    assert [m["name"] for m in tags(base)] == ["tiny-gemma:latest"]
    clear(base)
    second = model(base, name="tiny-gemma-derived", state="absent")
    assert not second["changed"] and calls(base) == [("GET", "/api/tags")]


def test_check_mode_changes_nothing(base, gguf_file):
    before = tags(base)
    clear(base)
    runs = [
        model(base, _check=True, **derived_args()),
        model(base, _check=True, name="gg", gguf_path=gguf_file),
        model(base, _check=True, name="not-pulled"),
        model(base, _check=True, name="tiny-gemma", state="absent"),
    ]
    assert [r["changed"] for r in runs] == [True, True, True, True]
    assert [r["actions"] for r in runs] == [["created"], ["created"], ["pulled"], ["deleted"]]
    assert all(r["digest"] is None for r in runs[:3])
    assert [method for method, path in calls(base) if method != "GET"] == []
    assert tags(base) == before


def test_check_mode_on_a_differing_model_reads_only(base):
    model(base, **derived_args())
    clear(base)
    run = model(base, _check=True, _diff=True, **derived_args(system="Be kind."))
    assert run["changed"] and run["changes"] == ["system"]
    assert_calls(base, [("GET", "/api/tags"), ("POST", "/api/show")])
    assert "SYSTEM You are a terse assistant." in run["diff"]["before"]
    assert "SYSTEM Be kind." in run["diff"]["after"]
    assert show(base, "tiny-gemma-derived")["system"] == "You are a terse assistant."


def test_diff_of_a_new_model_is_its_modelfile(base):
    run = model(base, _diff=True, **derived_args())
    assert run["diff"] == {
        "before": "",
        "after": "FROM tiny-gemma:latest\nSYSTEM You are a terse assistant.\n"
        "PARAMETER num_ctx 2048\nPARAMETER stop <end_of_turn>\n"
        "PARAMETER temperature 0.2\n",
    }


# ---------------------------------------------------------------- bad input: fail before any request


@pytest.mark.parametrize(
    "args, fragments",
    [
        ({"parameters": {"bogus": 1}}, ["parameters: unknown parameter 'bogus'"]),
        ({"parameters": {"num_ctx": "lots"}}, ["parameter 'num_ctx': expected an integer"]),
        ({"parameters": {"mirostat": 2}}, ["removed from Ollama in v0.7.0"]),
        ({"name": "bad name!"}, ["name: model name 'bad name!'", "[host/][namespace/]model[:tag]"]),
        ({"from": "also bad!"}, ["from: model name"]),
        ({"quantize": "q2_nope"}, ["quantize: 'q2_nope'"]),
    ],
)
def test_bad_structured_input(base, args, fragments):
    run = model(base, **dict(derived_args(), **args))
    assert_clean_failure(run, *fragments)
    assert base.request_log == []


@pytest.mark.parametrize(
    "text, fragments",
    [
        ("SYSTEM hi\n", ["modelfile: no FROM line"]),
        ("FROM tiny-gemma\nPARAMETER temperature hot\n", ["modelfile: line 2: parameter 'temperature'"]),
        ("FROM tiny-gemma\n\nPARAMETER top_q 1\n", ["line 3: unknown parameter 'top_q'"]),
        ('FROM tiny-gemma\nSYSTEM """open\n', ["line 2: unterminated"]),
    ],
)
def test_bad_modelfile(base, text, fragments):
    run = model(base, name="m", modelfile=text)
    assert_clean_failure(run, *fragments)
    assert base.request_log == []


def test_modelfile_and_modelfile_path_together(base, tmp_path):
    path = tmp_path / "Modelfile"
    path.write_text("FROM tiny-gemma\n")
    run = model(base, name="m", modelfile="FROM tiny-gemma\n", modelfile_path=str(path))
    assert_clean_failure(run, "mutually exclusive", "modelfile", "modelfile_path")
    assert base.request_log == []


def test_missing_gguf_file(base):
    assert_clean_failure(model(base, name="m", gguf_path="/nonexistent/x.gguf"), "gguf_path: /nonexistent/x.gguf")
    assert base.request_log == []


def test_quantize_needs_an_f16_base(base):
    run = model(base, **derived_args(quantize="q4_K_M"))
    assert_clean_failure(run, "quantize: the base model tiny-gemma:latest is Q4_K_M", "F16")
    assert_calls(base, [("GET", "/api/tags")])


def test_server_down(emulator):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    run = model(emulator, name="x", host="127.0.0.1:%d" % port)
    assert_clean_failure(
        run, "GET http://127.0.0.1:%d/api/tags failed" % port, "connection refused", "systemctl status ollama"
    )


def test_pull_of_unknown_model(emulator):
    assert_clean_failure(model(emulator, name="no-such-model"), "file does not exist", "no such model or tag")


def test_create_from_missing_base_offline(make_emulator):
    emulator = make_emulator(registry_offline=True)
    run = model(emulator, name="x", **{"from": "does-not-exist"})
    assert_clean_failure(run, "/api/create failed", "registry.ollama.ai", "gguf_path")


def test_create_error_line_mid_stream(base):
    run = model(base, name="t", template="{{ .Broken", **{"from": "tiny-gemma"})
    assert_clean_failure(run, "/api/create failed", "template")


def test_server_fault_on_reads_is_retried(base):
    base.faults.fail_request(nth=1, status=500, path="/api/tags", message="transient")
    run = model(base, name="tiny-gemma")
    assert not run["changed"] and run["digest"]
    assert_calls(base, [("GET", "/api/tags"), ("GET", "/api/tags")])
    assert sorted(e["status"] for e in base.request_log) == [200, 500]


def test_wait_for_server_waits_for_a_restarting_server(base):
    base.restart(delay=1.0)
    run = model(base, name="tiny-gemma", wait_for_server=30)
    assert not run["changed"] and run["name"] == "tiny-gemma:latest"
