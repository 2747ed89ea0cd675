"""Every bad input a clear error (issue #15): a table of bad option values, files, servers and role variables, each
tried for real (a module as a subprocess, a role through ansible-playbook) and judged on four things:

1. the module or play failed;
2. the message names the option (or variable) and what is accepted (the case's words);
3. there is no traceback;
4. nothing changed: the Ollama emulator (or the impostor server) saw no mutating request.

Every case gets a verdict (clear, unclear, traceback, wrong success); the test of a case fails unless it is clear, and
the run ends with the tally (conftest.py). Something that is not Ollama answering where Ollama should (a web page, JSON
of another API, a 404, a proxy's 502) is part of the table: the impostor server below. The cases run a few at a time,
each on a lane of its own (an emulator and an impostor), before the first test looks at its outcome.
"""

import concurrent.futures
import functools
import http.server
import json
import os
import queue
import stat
import threading
import time

import pytest
import yaml
from emulator_support import RECORDED_RESOLVER, seed_recorded_tiny_gemma
from module_runner import COLLECTION_DIR, calls, clear, run_module, run_playbook
from ollama_emulator import Emulator, make_gguf

from ansible_collections.local_llm.ollama.tests.unit.plugins.module_utils.ollama.endpoint_table import (
    CREDENTIALS,
    TABLE,
)
from ansible_collections.local_llm.ollama.tests.unit.plugins.modules.test_gpu_facts import (
    BROKEN_NVIDIA_SMI,
    FAKE_NVIDIA_SMI,
    HANGING_NVIDIA_SMI,
)

WORKERS = 4
MUTATING = {("POST", "/api/create"), ("POST", "/api/pull"), ("POST", "/api/push"), ("POST", "/api/copy")}
MUTATING |= {("DELETE", "/api/delete")}
ENDPOINT_HELP = "[http:// or https://]HOST[:PORT]"
NAME_HELP = "a model name is [host/][namespace/]model[:tag]"
NOT_OLLAMA_HINT = "is this really an Ollama server? check the host option or OLLAMA_HOST"
COMMA_GPU = "NVIDIA GeForce RTX 3060, 12GB"
DAY = 86400
LONG = "x" * 5000


def mutating(requests):
    """The requests that change the server: create, pull, push, copy, delete, blob uploads."""
    return [
        (method, path)
        for method, path in requests
        if (method, path) in MUTATING or (method == "POST" and path.startswith("/api/blobs/"))
    ]


class Case:
    """One bad input. target: a module name or role:<role>; args: the module arguments or the role's variables.

    In args, env and words the text {dir} stands for the suite's file folder, {emu} for the emulator's URL and
    {impostor} for the impostor's. words: fragments the failure message must contain (the option or variable, and
    what is accepted); absent: text that must appear nowhere in the output (credentials). server: "emulator" (the
    default of the API modules: host is its URL unless the case sets host; None leaves host unset), "impostor:<answer>"
    or None. setup(ctx) prepares the lane; check(result) is an extra condition; allow: mutating requests it may send.
    """

    def __init__(self, case_id, target, args, words, **kwargs):
        self.id = case_id
        self.target = target
        self.args = args
        self.words = list(words)
        self.absent = list(kwargs.pop("absent", ()))
        self.server = kwargs.pop("server", None)
        self.env = kwargs.pop("env", {})
        self.setup = kwargs.pop("setup", None)
        self.check = kwargs.pop("check", None)
        self.allow = list(kwargs.pop("allow", ()))
        assert not kwargs, kwargs

    @property
    def role(self):
        return self.target.split(":", 1)[1] if self.target.startswith("role:") else None


def fill(value, ctx):
    """Replace {key} by ctx[key] (the text values of ctx) in every string of a value."""
    if isinstance(value, str):
        for key, text in ctx.items():
            if isinstance(text, str):
                value = value.replace("{%s}" % key, text)
        return value
    if isinstance(value, dict):
        return dict((fill(key, ctx), fill(item, ctx)) for key, item in value.items())
    if isinstance(value, list):
        return [fill(item, ctx) for item in value]
    return value


def info(case_id, args, *words, **kwargs):
    return Case(case_id, "ollama_model_info", args, words, server="emulator", **kwargs)


def model(case_id, args, *words, **kwargs):
    return Case(case_id, "ollama_model", dict({"name": "m"}, **args), words, server="emulator", **kwargs)


def modelfile(case_id, text, *words, **kwargs):
    return model(case_id, {"modelfile": text}, *words, **kwargs)


def derived(case_id, args, *words, **kwargs):
    return model(case_id, dict({"from": "llama3.2"}, **args), *words, **kwargs)


def bench(case_id, args, *words, **kwargs):
    args = dict({"model": "tiny-gemma", "gather_gpu": False}, **args)
    return Case(case_id, "ollama_benchmark", args, words, server="emulator", **kwargs)


def gpu(case_id, args, *words, **kwargs):
    smi = kwargs.pop("smi", None)
    if smi is not None:
        kwargs["env"] = {"PATH": "{dir}/bin-%s:%s" % (smi, os.environ.get("PATH", ""))}
    return Case(case_id, "gpu_facts", args, words, **kwargs)


def port(case_id, args, *words):
    return Case(case_id, "port_owner_info", args, words)


def role(role_name, case_id, variables, *words, **kwargs):
    return Case("%s %s" % (role_name, case_id), "role:" + role_name, variables, words, **kwargs)


def userinfo(value):
    """'http://u:p@h:1' -> ['u:p', 'p@']: the credentials and the password's end, which no output may show."""
    info_text = value.split("://", 1)[-1].split("@", 1)[0]
    return [info_text, info_text.split(":")[-1] + "@"]


def seconds(option, value, largest):
    """The words of a duration option's kind (kinds/_kinds.py): the option, the unit, the range and the value."""
    return "%s accepts a whole number of seconds" % option, "to %d, got the number %s" % (largest, value)


def slow_pull(ctx):
    """The emulator answers a pull only after 3 s; the module may wait 1 s for it."""
    ctx["emulator"].faults.add_delay(3, path="/api/pull")


def gpu_named(expected):
    def check(result):
        devices = (result.get("ansible_facts") or {}).get("gpu", {}).get("devices") or [{}]
        return devices[0].get("name") == expected

    return check


# ---------------------------------------------------------------- host and OLLAMA_HOST (the endpoint table's errors)

HOST_CASES = [
    info("host %r" % value, {"host": value}, "host=%r" % value, expected[1], ENDPOINT_HELP)
    for value, expected in TABLE
    if expected[0] == "error"
]
HOST_CASES += [
    info(
        "host credentials %r" % value, {"host": value}, "host holds credentials", "HOST[:PORT]", absent=userinfo(value)
    )
    for value in CREDENTIALS
]
# The same values through OLLAMA_HOST when host is unset. An empty OLLAMA_HOST is no case: it means 127.0.0.1:11434,
# for Ollama as for the modules (an empty host option is refused, above).
# fmt: off
OLLAMA_HOST_VALUES = [
    ("localhost:99999", "the port '99999'"),
    ("box:abc", "the port 'abc'"),
    ("[::1:12345", "opens a [ it does not close"),
    ("unix:///x", "the scheme 'unix'"),
    ("http://", "names no host"),
    ("bad host", "neither a host name nor an IP address"),
]
HOST_CASES += [
    info("OLLAMA_HOST %r" % value, {"host": None}, "OLLAMA_HOST=%r" % value, words, ENDPOINT_HELP,
         env={"OLLAMA_HOST": value})
    for value, words in OLLAMA_HOST_VALUES
]
HOST_CASES += [
    info("host empty", {"host": ""}, "host is empty", ENDPOINT_HELP),
    info("host blank", {"host": "   "}, "host is empty", ENDPOINT_HELP),
    model("host bad in ollama_model", {"host": "box:abc"}, "host='box:abc'", "1-65535"),
    bench("host bad in ollama_benchmark", {"host": "localhost:99999"}, "host='localhost:99999'", "1-65535"),
    info("OLLAMA_HOST credentials", {"host": None}, "OLLAMA_HOST holds credentials", "HOST[:PORT]",
         absent=userinfo("http://u:p@h:1"), env={"OLLAMA_HOST": "http://u:p@h:1"}),
    model("OLLAMA_HOST bad in ollama_model", {"state": "absent", "host": None}, "OLLAMA_HOST='box:abc'", "1-65535",
          env={"OLLAMA_HOST": "box:abc"}),
]

# ---------------------------------------------------------------- durations

DURATION_CASES = [
    info("info timeout -1", {"timeout": -1}, *seconds("timeout", -1, DAY)),
    info("info timeout 0", {"timeout": 0}, *seconds("timeout", 0, DAY)),
    info("info timeout 10**9", {"timeout": 10**9}, *seconds("timeout", 10**9, DAY)),
    info("info timeout text", {"timeout": "30s"}, "timeout accepts a whole number of seconds", "'30s'"),
    info("info wait_for_server -1", {"wait_for_server": -1}, *seconds("wait_for_server", -1, DAY)),
    info("info wait_for_server 10**9", {"wait_for_server": 10**9}, *seconds("wait_for_server", 10**9, DAY)),
    model("model pull_timeout 0", {"pull_timeout": 0}, *seconds("pull_timeout", 0, 7 * DAY)),
    model("model pull_timeout -1", {"pull_timeout": -1}, *seconds("pull_timeout", -1, 7 * DAY)),
    model("model pull_timeout 10**9", {"pull_timeout": 10**9}, *seconds("pull_timeout", 10**9, 7 * DAY)),
    model("model pull_timeout text", {"pull_timeout": "1h"}, "pull_timeout accepts a whole number of seconds", "'1h'"),
    model("model timeout 0", {"timeout": 0}, *seconds("timeout", 0, DAY)),
    model("model wait_for_server 10**9", {"wait_for_server": 10**9}, *seconds("wait_for_server", 10**9, DAY)),
    bench("benchmark timeout 0", {"timeout": 0}, *seconds("timeout", 0, DAY)),
    bench("benchmark timeout 10**9", {"timeout": 10**9}, *seconds("timeout", 10**9, DAY)),
    bench("benchmark wait_for_server -1", {"wait_for_server": -1}, *seconds("wait_for_server", -1, DAY)),
    gpu("gpu_facts timeout 0", {"timeout": 0}, *seconds("timeout", 0, DAY)),
    gpu("gpu_facts timeout -1", {"timeout": -1}, *seconds("timeout", -1, DAY)),
    gpu("gpu_facts timeout 10**9", {"timeout": 10**9}, *seconds("timeout", 10**9, DAY)),
    gpu("gpu_facts timeout text", {"timeout": "soon"}, "timeout accepts a whole number of seconds", "'soon'"),
    # The timeout that ends a pull is pull_timeout's, and the message says so (not timeout's).
    model("pull slower than pull_timeout", {"name": "slow-model", "pull_timeout": 1}, "pull_timeout", "1 s",
          setup=slow_pull, allow=[("POST", "/api/pull")]),
]

# ---------------------------------------------------------------- model names

NAME_CASES = [
    model("name 5000 characters", {"name": LONG}, "name:", "5000 characters", "at most 80"),
    model("name empty", {"name": ""}, "name is empty", "[host/][namespace/]model[:tag]"),
    model("name blank", {"name": "   "}, "name is empty", "[host/][namespace/]model[:tag]"),
    model("name no model ':b'", {"name": ":b"}, "name:", "model part", NAME_HELP),
    model("name digest", {"name": "a@sha256:" + "0" * 64}, "name:", "digests", NAME_HELP),
    info("info name list", {"name": ["llama3.2", "bad name"]}, "name:", "'bad name'", NAME_HELP),
    info("info name empty in list", {"name": [""]}, "name: item 1 is empty", "[host/][namespace/]model[:tag]"),
    bench("benchmark model 5000", {"model": LONG}, "model:", "at most 80"),
    bench("benchmark model a:b:c", {"model": "a:b:c"}, "model:", NAME_HELP),
    bench("benchmark model empty", {"model": ""}, "model is empty", "[host/][namespace/]model[:tag]"),
    derived("from a:b:c", {"from": "a:b:c", "system": "x"}, "from:", NAME_HELP),
    derived("from empty", {"from": "", "system": "x"}, "from is empty", "model name"),
]
# fmt: on
NAME_CASES += [
    model("name %r" % value, {"name": value}, "name:", "%r" % value, NAME_HELP)
    for value in ["a b", "a!b", "a;rm -rf /", "café", "-a", ".a", "a/b/c/d", "a/", "/a", "ns//m"]
]
# The tag is what follows the last colon: 'a:b:c' is the model 'a:b' (invalid) with the tag 'c'.
NAME_CASES += [
    model("name tag %r" % value, {"name": value}, "name:", "part", NAME_HELP)
    for value in ["a:", "a:b:c", "a::b", "a:-b", "a:b c"]
]

# ---------------------------------------------------------------- Modelfile text, structured options, files

# fmt: off
MODELFILE_CASES = [
    modelfile("modelfile second FROM", "FROM llama3.2\nFROM qwen2.5\n", "modelfile:", "second FROM", "exactly one FROM"),
    modelfile("modelfile relative FROM without modelfile_path", "FROM ./weights.gguf\n", "modelfile:", "FROM ./weights.gguf",
              "modelfile_path"),
    modelfile("modelfile num_ctx -5", "FROM llama3.2\nPARAMETER num_ctx -5\n", "modelfile:", "num_ctx", "1..2147483647"),
    modelfile("modelfile num_ctx 1e20", "FROM llama3.2\nPARAMETER num_ctx 1e20\n", "modelfile:", "num_ctx", "integer"),
    modelfile("modelfile temperature text", "FROM llama3.2\nPARAMETER temperature hot\n", "temperature", "number"),
    modelfile("modelfile removed parameter", "FROM llama3.2\nPARAMETER mirostat 1\n", "mirostat", "removed"),
    modelfile("modelfile unknown parameter", "FROM llama3.2\nPARAMETER colour red\n", "unknown parameter 'colour'",
              "known parameters"),
    modelfile("modelfile unknown instruction", "FORM llama3.2\n", "unknown instruction 'FORM'", "FROM, PARAMETER"),
    modelfile("modelfile unsupported instruction", "FROM llama3.2\nREQUIRES 0.5.0\n", "REQUIRES", "not supported"),
    modelfile("modelfile no FROM", "SYSTEM hello\n", "modelfile:", "no FROM line"),
    modelfile("modelfile empty", "", "modelfile:", "no FROM line"),
    modelfile("modelfile MESSAGE role", "FROM llama3.2\nMESSAGE robot hi\n", "MESSAGE role 'robot'", "system, user, assistant"),
    modelfile("modelfile unterminated quote", 'FROM llama3.2\nSYSTEM """be brief\n', "unterminated", '"""'),
    modelfile("modelfile PARAMETER without value", "FROM llama3.2\nPARAMETER num_ctx\n", "PARAMETER num_ctx", "needs a value"),
    modelfile("modelfile ADAPTER missing", "FROM llama3.2\nADAPTER /nonexistent/lora.gguf\n", "ADAPTER", "/nonexistent/lora.gguf",
              "GGUF"),
    modelfile("modelfile FROM directory", "FROM {dir}/adir\n", "FROM {dir}/adir", "directory", "GGUF"),
    modelfile("modelfile FROM not GGUF", "FROM {dir}/not.gguf\n", "FROM", "not a GGUF file"),
    model("modelfile with from", {"modelfile": "FROM llama3.2\n", "from": "llama3.2"}, "modelfile", "from", "mutually exclusive"),
    model("modelfile with system", {"modelfile": "FROM llama3.2\n", "system": "x"},
          "modelfile/modelfile_path cannot be combined with system"),
    derived("parameters num_ctx -5", {"parameters": {"num_ctx": -5}}, "parameters:", "num_ctx", "1..2147483647"),
    derived("parameters num_ctx 1e20", {"parameters": {"num_ctx": 1e20}}, "parameters:", "num_ctx", "1..2147483647"),
    derived("parameters num_ctx text", {"parameters": {"num_ctx": "big"}}, "parameters:", "num_ctx", "integer"),
    derived("parameters num_ctx list", {"parameters": {"num_ctx": [1, 2]}}, "num_ctx", "single value"),
    derived("parameters temperature text", {"parameters": {"temperature": "hot"}}, "temperature", "number"),
    derived("parameters stop number", {"parameters": {"stop": 5}}, "stop", "expected a list of strings"),
    derived("parameters unknown", {"parameters": {"colour": 1}}, "unknown parameter 'colour'", "known parameters"),
    derived("parameters use_mmap", {"parameters": {"use_mmap": "maybe"}}, "use_mmap", "true or false"),
    derived("parameters list", {"parameters": ["num_ctx", 4096]}, "parameters accepts a mapping", "got a list"),
    derived("messages role", {"messages": [{"role": "robot", "content": "hi"}]}, "role", "system, user, assistant"),
    derived("messages no content", {"messages": [{"role": "user"}]}, "content", "messages"),
    derived("quantize unknown", {"quantize": "q3_xx"}, "quantize:", "Q4_K_M"),
    derived("license number", {"license": 5}, "license accepts a string, or a list of them", "got the number 5"),
    model("system without base", {"system": "x"}, "system need a base", "from", "gguf_path"),
    model("quantize without base", {"quantize": "q4_K_M"}, "quantize need a base", "from"),
    model("state unknown", {"state": "gone"}, "state", "present, absent"),
    model("model unknown option", {"colour": "red"}, "colour", "Supported parameters include"),
]
FILE_CASES = [
    model("gguf_path empty", {"gguf_path": ""}, "gguf_path is empty", "GGUF file"),
    model("gguf_path blank", {"gguf_path": "  "}, "gguf_path is empty", "GGUF file"),
    model("gguf_path not GGUF", {"gguf_path": "{dir}/not.gguf"}, "gguf_path:", "not a GGUF file"),
    model("gguf_path empty file", {"gguf_path": "{dir}/empty.gguf"}, "gguf_path:", "not a GGUF file"),
    model("gguf_path missing", {"gguf_path": "{dir}/missing.gguf"}, "gguf_path:", "{dir}/missing.gguf", "GGUF file"),
    model("gguf_path directory", {"gguf_path": "{dir}/adir"}, "gguf_path:", "{dir}/adir", "GGUF file"),
    model("modelfile_path missing", {"modelfile_path": "{dir}/missing/Modelfile"}, "modelfile_path:", "{dir}/missing/Modelfile",
          "Modelfile", absent=["GGUF"]),
    model("modelfile_path directory", {"modelfile_path": "{dir}/adir"}, "modelfile_path:", "Modelfile", absent=["GGUF"]),
    model("modelfile_path empty", {"modelfile_path": ""}, "modelfile_path is empty", "Modelfile", absent=["GGUF"]),
    model("modelfile_path not UTF-8", {"modelfile_path": "{dir}/latin1/Modelfile"}, "modelfile_path:", "not a Modelfile", "UTF-8"),
    model("modelfile_path a GGUF file", {"modelfile_path": "{dir}/weights.bin"}, "modelfile_path:", "GGUF file", "gguf_path"),
    model("modelfile_path a .gguf name", {"modelfile_path": "{dir}/not.gguf"}, "modelfile_path: this is a GGUF file", "gguf_path"),
    # A relative FROM is looked for next to the Modelfile, and the message says where it looked.
    model("modelfile_path relative FROM missing next to it", {"modelfile_path": "{dir}/elsewhere/Modelfile"},
          "FROM ./weights.gguf", "{dir}/elsewhere/weights.gguf", "no such file"),
    model("modelfile_path relative FROM not GGUF", {"modelfile_path": "{dir}/textfrom/Modelfile"}, "FROM", "not a GGUF file"),
    derived("adapters missing", {"adapters": ["{dir}/missing.gguf"]}, "adapters:", "{dir}/missing.gguf", "GGUF"),
    derived("adapters not GGUF", {"adapters": ["{dir}/not.gguf"]}, "adapters:", "not a GGUF file"),
]
# fmt: on

# ---------------------------------------------------------------- not an Ollama server

ANSWERS = {
    "an HTML page with 200": (200, "text/html", b"<html><body>Welcome to nginx</body></html>"),
    "JSON of another API": (200, "application/json", b'{"hello": "world"}'),
    "a JSON list": (200, "application/json", b"[1, 2, 3]"),
    "404 everywhere": (404, "text/plain", b"404 page not found"),
    "a proxy's 502": (502, "text/html", b"<html>502 Bad Gateway</html>"),
}
CALLS = [
    ("ollama_model_info", {}),
    ("ollama_model", {"name": "m"}),
    ("ollama_model", {"name": "m", "from": "llama3.2", "system": "x"}),
    ("ollama_model", {"name": "m", "state": "absent"}),
    ("ollama_benchmark", {"model": "m"}),
]
# The message names the URL and what answered there; state=absent once took "no models" from a JSON without them.
IMPOSTOR_CASES = [
    Case(
        "%s %s: %s" % (module, json.dumps(args, sort_keys=True), answer),
        module,
        dict(args, timeout=5),
        ["{impostor}"] + (["HTTP 502", "502 Bad Gateway"] if answer == "a proxy's 502" else [NOT_OLLAMA_HINT]),
        server="impostor:" + answer,
    )
    for answer in sorted(ANSWERS)
    for module, args in CALLS
]

# ---------------------------------------------------------------- ollama_benchmark, gpu_facts, port_owner_info

GARBAGE_NVIDIA_SMI = """#!/bin/sh
echo "garbage"
"""
NVIDIA_SMI_PROGRAMS = {
    "hang": HANGING_NVIDIA_SMI,
    "garbage": GARBAGE_NVIDIA_SMI,
    "broken": BROKEN_NVIDIA_SMI,
    # nvidia-smi writes its CSV unquoted; a quoting one would be read the same.
    "comma": FAKE_NVIDIA_SMI.replace("NVIDIA GeForce RTX 3060", COMMA_GPU),
    "quoted": FAKE_NVIDIA_SMI.replace("NVIDIA GeForce RTX 3060", '"%s"' % COMMA_GPU),
}

# fmt: off
BENCHMARK_CASES = [
    bench("benchmark options unknown", {"options": {"colour": 1}}, "options:", "unknown parameter 'colour'", "known parameters"),
    bench("benchmark options num_predict", {"options": {"num_predict": 5}}, "options must not contain num_predict",
          "module options of the same name"),
    bench("benchmark options num_ctx", {"options": {"num_ctx": 5}}, "options must not contain num_ctx"),
    bench("benchmark options temperature text", {"options": {"temperature": "hot"}}, "options:", "temperature", "number"),
    bench("benchmark options removed", {"options": {"mirostat": 1}}, "options:", "mirostat", "removed"),
    bench("benchmark options not a dict", {"options": ["temperature", 0]}, "options accepts a mapping", "got a list"),
    bench("benchmark unknown option", {"run": 3}, "run", "Supported parameters include"),
    bench("benchmark runs 0", {"runs": 0}, "runs accepts a whole number of measured requests from 1 to 1000"),
    bench("benchmark runs -1", {"runs": -1}, "runs accepts a whole number of measured requests from 1 to 1000"),
    bench("benchmark runs text", {"runs": "three"}, "runs accepts a whole number", "'three'"),
    bench("benchmark runs 2.5", {"runs": 2.5}, "runs accepts a whole number", "2.5"),
    bench("benchmark warmup -1", {"warmup": -1}, "warmup accepts a whole number of unmeasured requests from 0 to 100"),
    bench("benchmark num_predict 0", {"num_predict": 0}, "num_predict accepts a whole number of tokens from 16 to 1048576"),
    bench("benchmark num_predict 15", {"num_predict": 15}, "num_predict accepts a whole number of tokens from 16 to 1048576"),
    bench("benchmark num_ctx 0", {"num_ctx": 0}, "num_ctx accepts a whole number of tokens from 1 to 2097152"),
    bench("benchmark min_tokens_per_second 0", {"min_tokens_per_second": 0}, "min_tokens_per_second", "greater than 0"),
    bench("benchmark min_tokens_per_second -5", {"min_tokens_per_second": -5}, "min_tokens_per_second", "greater than 0"),
    bench("benchmark min_tokens_per_second text", {"min_tokens_per_second": "fast"}, "min_tokens_per_second accepts a finite number", "'fast'"),
    bench("benchmark gpu_bandwidth_gbps 0", {"gpu_bandwidth_gbps": 0}, "gpu_bandwidth_gbps", "greater than 0"),
    bench("benchmark gpu_bandwidth_gbps -360", {"gpu_bandwidth_gbps": -360}, "gpu_bandwidth_gbps", "greater than 0"),
    bench("benchmark prompts empty", {"prompts": []}, "prompts accepts a non-empty list", "got a list"),
    bench("benchmark prompts blank", {"prompts": ["ok", " "]}, "prompts: item 2", "a non-empty string"),
    bench("benchmark keep_alive word", {"keep_alive": "forever"}, "keep_alive", "5m"),
    bench("benchmark keep_alive spaced", {"keep_alive": "5 minutes"}, "keep_alive", "5m"),
    bench("benchmark api unknown", {"api": "rest"}, "api", "chat, generate"),
    bench("benchmark require_full_gpu_offload text", {"require_full_gpu_offload": "maybe"}, "require_full_gpu_offload accepts a boolean", "'maybe'"),
    bench("benchmark model not on the server", {"model": "nosuch:1b"}, "model:", "'nosuch:1b' is not on the Ollama", "pull it first"),
]
GPU_CASES = [
    gpu("gpu_facts min_memory_mb 0", {"min_memory_mb": 0}, "min_memory_mb", "whole number of MiB from 1"),
    gpu("gpu_facts min_memory_mb -1", {"min_memory_mb": -1}, "min_memory_mb", "whole number of MiB from 1"),
    gpu("gpu_facts min_memory_mb text", {"min_memory_mb": "12GB"}, "min_memory_mb accepts a whole number", "'12GB'"),
    gpu("gpu_facts min_driver_version word", {"min_driver_version": "abc"}, "min_driver_version", "numbers and dots"),
    gpu("gpu_facts min_driver_version 550.x", {"min_driver_version": "550.x"}, "min_driver_version", "numbers and dots"),
    gpu("gpu_facts min_driver_version empty", {"min_driver_version": ""}, "min_driver_version", "numbers and dots"),
    gpu("gpu_facts require text", {"require": "maybe"}, "require accepts a boolean", "'maybe'"),
    gpu("gpu_facts unknown option", {"colour": "red"}, "colour", "Supported parameters include"),
    gpu("gpu_facts nvidia-smi hangs", {"timeout": 1}, "timeout", "within 1 s", "hung", smi="hang"),
    gpu("gpu_facts nvidia-smi prints garbage", {"require": True}, "require", "nvidia-smi printed 1 values", smi="garbage"),
    gpu("gpu_facts nvidia-smi fails", {"require": True}, "require", "couldn't communicate with the NVIDIA driver", smi="broken"),
    gpu("gpu_facts GPU name with a comma", {"min_memory_mb": 999999}, "min_memory_mb requires 999999", "12288 MiB", smi="comma",
        check=gpu_named(COMMA_GPU)),
    gpu("gpu_facts GPU name with a quoted comma", {"min_memory_mb": 999999}, "min_memory_mb requires 999999", "12288 MiB",
        smi="quoted", check=gpu_named(COMMA_GPU)),
]
PORT_CASES = [port("port %r" % (value,), {"port": value}, "port accepts a whole number from 1 to 65535") for value in (0, 70000, 65536, -1)]
PORT_CASES += [
    port("port text", {"port": "abc"}, "port accepts a whole number from 1 to 65535", "'abc'"),
    port("port empty", {"port": ""}, "port is empty", "a whole number from 1 to 65535"),
    port("port 1.5", {"port": 1.5}, "port accepts a whole number from 1 to 65535", "1.5"),
    port("port list", {"port": [11434]}, "port accepts a whole number from 1 to 65535", "got a list"),
    port("port missing", {}, "port", "required"),
    port("port unknown option", {"port": 11434, "colour": "red"}, "colour", "Supported parameters include"),
]

# ---------------------------------------------------------------- roles


def native_env(**environment):
    return {"ollama_native_environment_extra": environment}


def coder(**overrides):
    entry = {"name": "my-coder", "modelfile": "coding-assistant.Modelfile.j2", "from": "qwen2.5-coder:7b"}
    entry.update(overrides)
    return {"custom_model_models": [dict((key, value) for key, value in entry.items() if value is not None)]}


CREDENTIALS_URL = "http://u:p@h:1"
ROLE_CASES = [
    role("ollama_native", "version with v", {"ollama_native_version": "v0.5.7"}, "ollama_native_version", "X.Y.Z", "'v0.5.7'"),
    role("ollama_native", "version latest", {"ollama_native_version": "latest"}, "ollama_native_version", "X.Y.Z", "'latest'"),
    role("ollama_native", "version too old", {"ollama_native_version": "0.1.0"}, "ollama_native_version=0.1.0", "0.3.7"),
    role("ollama_native", "state unknown", {"ollama_native_state": "installed"}, "ollama_native_state", "present, absent"),
    role("ollama_native", "OLLAMA_HOST port 99999", native_env(OLLAMA_HOST="localhost:99999"), "OLLAMA_HOST", "the port '99999'",
         ENDPOINT_HELP),
    role("ollama_native", "OLLAMA_HOST port abc", native_env(OLLAMA_HOST="box:abc"), "OLLAMA_HOST", "the port 'abc'", ENDPOINT_HELP),
    role("ollama_native", "OLLAMA_HOST unix", native_env(OLLAMA_HOST="unix:///x"), "OLLAMA_HOST", "the scheme 'unix'", ENDPOINT_HELP),
    role("ollama_native", "OLLAMA_HOST credentials", native_env(OLLAMA_HOST=CREDENTIALS_URL), "OLLAMA_HOST", "holds credentials",
         absent=userinfo(CREDENTIALS_URL)),
    role("ollama_native", "OLLAMA_HOST everywhere", native_env(OLLAMA_HOST="0.0.0.0:11434"), "OLLAMA_HOST", "ollama_native_allow_remote"),
    role("ollama_native", "OLLAMA_ORIGINS wildcard", native_env(OLLAMA_ORIGINS="*"), "OLLAMA_ORIGINS", "ollama_native_allow_remote_origins"),
    role("ollama_native", "KV cache type unknown", native_env(OLLAMA_KV_CACHE_TYPE="q5_1"), "OLLAMA_KV_CACHE_TYPE", "f16"),
    role("ollama_native", "environment as a list", {"ollama_native_environment_extra": ["OLLAMA_DEBUG=1"]},
         "ollama_native_environment_extra", "dict"),
    role("ollama_native", "environment name", native_env(**{"OLLAMA-DEBUG": "1"}), "OLLAMA-DEBUG", "ollama_native_environment"),
    role("ollama_native", "checksum not hex", {"ollama_native_archive_sha256": "abc"}, "ollama_native_archive_sha256",
         "64 hexadecimal digits"),
    role("ollama_native", "plain http release URL", {"ollama_native_release_url": "http://mirror.example/ollama"},
         "ollama_native_release_url", "https://"),
    role("ollama_native", "secret with a line break", {"ollama_native_secret_environment": {"HTTPS_PROXY": "http://proxy\nX-Evil: 1"}},
         "ollama_native_secret_environment", "single lines", absent=["X-Evil"]),
    role("ollama_native", "wait timeout text", {"ollama_native_wait_timeout": "soon"}, "ollama_native_wait_timeout", "a whole number of seconds"),
    role("ollama_native", "wait timeout negative", {"ollama_native_wait_timeout": -1}, "ollama_native_wait_timeout", "seconds from 1 to"),
    role("ollama_native", "install_dependencies text", {"ollama_native_install_dependencies": "maybe"},
         "ollama_native_install_dependencies", "bool"),
    role("ollama_docker", "port 70000", {"ollama_docker_port": 70000}, "ollama_docker_port", "from 1 to 65535"),
    role("ollama_docker", "port 0", {"ollama_docker_port": 0}, "ollama_docker_port", "from 1 to 65535"),
    role("ollama_docker", "port -1", {"ollama_docker_port": -1}, "ollama_docker_port", "from 1 to 65535"),
    role("ollama_docker", "port text", {"ollama_docker_port": "abc"}, "ollama_docker_port", "a whole number"),
    role("ollama_docker", "ollama_listen port 99999", {"ollama_listen": "localhost:99999"}, "ollama_listen", "the port '99999'",
         ENDPOINT_HELP),
    role("ollama_docker", "ollama_listen bracket", {"ollama_listen": "[::1:12345"}, "ollama_listen", "opens a [ it does not close"),
    role("ollama_docker", "ollama_listen credentials", {"ollama_listen": CREDENTIALS_URL}, "ollama_listen", "holds credentials",
         absent=userinfo(CREDENTIALS_URL)),
    role("ollama_docker", "ollama_listen unix", {"ollama_listen": "unix:///x"}, "ollama_listen", "the scheme 'unix'"),
    role("ollama_docker", "bind address with a space", {"ollama_docker_bind_address": "box name"}, "ollama_docker_bind_address",
         "neither a host name nor an IP address"),
    role("ollama_docker", "bind address with a port", {"ollama_docker_bind_address": "127.0.0.1:11434"}, "ollama_docker_bind_address",
         "port is given separately"),
    role("ollama_docker", "bind address public", {"ollama_docker_bind_address": "0.0.0.0"}, "ollama_docker_bind_address",
         "ollama_docker_allow_exposure"),
    role("ollama_docker", "state unknown", {"ollama_docker_state": "running"}, "ollama_docker_state", "present, absent"),
    role("ollama_docker", "pull policy unknown", {"ollama_docker_pull": "sometimes"}, "ollama_docker_pull", "missing, always, never, build"),
    role("ollama_docker", "environment as a list", {"ollama_docker_environment": ["OLLAMA_DEBUG=1"]}, "ollama_docker_environment", "dict"),
    role("ollama_docker", "environment sets OLLAMA_HOST", {"ollama_docker_environment": {"OLLAMA_HOST": "0.0.0.0"}}, "OLLAMA_HOST",
         "ollama_docker_bind_address"),
    role("ollama_docker", "environment name", {"ollama_docker_environment": {"OLLAMA DEBUG": "1"}}, "ollama_docker_environment",
         "OLLAMA DEBUG"),
    role("ollama_docker", "KV cache without flash attention",
         {"ollama_docker_environment": {"OLLAMA_KV_CACHE_TYPE": "q8_0", "OLLAMA_FLASH_ATTENTION": "0"}}, "OLLAMA_KV_CACHE_TYPE",
         "OLLAMA_FLASH_ATTENTION"),
    role("ollama_docker", "image in uppercase", {"ollama_docker_image": "Ollama/Ollama"}, "ollama_docker_image", "lowercase"),
    role("ollama_docker", "version with a space", {"ollama_docker_version": "0.32 .15"}, "ollama_docker_version", "X.Y.Z"),
    role("ollama_docker", "project name in uppercase", {"ollama_docker_project_name": "My Ollama"}, "ollama_docker_project_name",
         "lowercase"),
    role("ollama_docker", "container name with a slash", {"ollama_docker_container_name": "ollama/main"},
         "ollama_docker_container_name", "letters, digits"),
    role("ollama_docker", "volume name with a space", {"ollama_docker_volume": "ollama models"}, "ollama_docker_volume",
         "letters, digits"),
    role("ollama_docker", "wait timeout negative", {"ollama_docker_wait_timeout": -1}, "ollama_docker_wait_timeout", "seconds from 1 to"),
    role("custom_model", "entry without from", coder(**{"from": None}), "custom_model_models", "from"),
    role("custom_model", "entry without modelfile", coder(modelfile=None), "custom_model_models", "modelfile"),
    role("custom_model", "entry without name", coder(name=None), "custom_model_models", "name"),
    role("custom_model", "entry state unknown", coder(state="gone"), "custom_model_models", "present or absent"),
    role("custom_model", "num_ctx -5", coder(num_ctx=-5), "num_ctx", "positive"),
    role("custom_model", "num_ctx text", coder(num_ctx="big"), "num_ctx", "auto"),
    role("custom_model", "num_ctx 1e20", coder(num_ctx=10**20), "num_ctx", "2147483647"),
    role("custom_model", "temperature text", coder(temperature="hot"), "temperature", "number"),
    role("custom_model", "stop with a quote", coder(stop=['a"b']), "stop", "remove it"),
    role("custom_model", "system with triple quotes", coder(system='x"""\nFROM evil'), "SYSTEM", '"""'),
    role("custom_model", "from with a space", coder(**{"from": "qwen coder"}), "custom_model_models from", NAME_HELP),
    role("custom_model", "name with a space", coder(name="My Coder"), "custom_model_models", "My Coder", NAME_HELP),
    role("custom_model", "from a:b:c", coder(**{"from": "a:b:c"}), "a:b:c", NAME_HELP),
    role("custom_model", "models as a dict", {"custom_model_models": {"name": "my-coder"}}, "custom_model_models", "list"),
    role("custom_model", "host port abc", {"custom_model_host": "box:abc"}, "custom_model_host", "the port 'abc'"),
    role("custom_model", "host credentials", {"custom_model_host": CREDENTIALS_URL}, "custom_model_host", "holds credentials",
         absent=userinfo(CREDENTIALS_URL)),
    role("custom_model", "host port 99999", {"custom_model_host": "localhost:99999"}, "custom_model_host", "the port '99999'"),
    role("custom_model", "ollama_listen bad", {"ollama_listen": "box:abc", "custom_model_host": None}, "ollama_listen", "the port 'abc'"),
    role("custom_model", "wait_for_server text", {"custom_model_wait_for_server": "soon"}, "custom_model_wait_for_server", "a whole number of seconds"),
    role("custom_model", "wait_for_server -1", {"custom_model_wait_for_server": -1}, "custom_model_wait_for_server", "seconds from 0 to"),
    role("custom_model", "pull_timeout 0", {"custom_model_pull_timeout": 0}, "custom_model_pull_timeout", "seconds from 1 to"),
    role("custom_model", "KV cache type unknown", {"custom_model_auto_kv_cache_type": "q5"}, "custom_model_auto_kv_cache_type",
         "f16, q8_0, q4_0"),
    role("verify", "deployment unknown", {"verify_deployment": "kubernetes"}, "verify_deployment", "native, docker"),
    role("verify", "deployment capitalised", {"verify_deployment": "Docker"}, "verify_deployment", "native, docker"),
    role("verify", "port 70000", {"verify_port": 70000}, "verify_port", "from 1 to 65535"),
    role("verify", "port 0", {"verify_port": 0}, "verify_port", "from 1 to 65535"),
    role("verify", "port text", {"verify_port": "abc"}, "verify_port", "a whole number"),
    role("verify", "api url port abc", {"verify_api_url": "http://box:abc"}, "verify_api_url", "the port 'abc'"),
    role("verify", "api url credentials", {"verify_api_url": CREDENTIALS_URL}, "verify_api_url", "holds credentials",
         absent=userinfo(CREDENTIALS_URL)),
    role("verify", "api url unix", {"verify_api_url": "unix:///x"}, "verify_api_url", "the scheme 'unix'"),
    role("verify", "ollama_listen port 99999", {"ollama_listen": "localhost:99999", "verify_api_url": None}, "ollama_listen",
         "the port '99999'"),
    role("verify", "bind address with a space", {"verify_bind_address": "box name"}, "verify_bind_address",
         "neither a host name nor an IP address"),
    role("verify", "min VRAM text", {"verify_min_vram_mb": "12GB"}, "verify_min_vram_mb", "a whole number of MiB"),
    role("verify", "min speed text", {"verify_min_tokens_per_second": "fast"}, "verify_min_tokens_per_second", "float"),
    role("verify", "parameters as a list", {"verify_custom_model_parameters": ["num_ctx"]}, "verify_custom_model_parameters", "dict"),
    role("verify", "benchmark runs 0", {"verify_benchmark": True, "verify_benchmark_runs": 0}, "verify_benchmark_runs", "at least 1"),
    role("verify", "benchmark num_predict 8", {"verify_benchmark": True, "verify_benchmark_num_predict": 8},
         "verify_benchmark_num_predict", "at least 16"),
    role("verify", "benchmark timeout -1", {"verify_benchmark": True, "verify_benchmark_timeout": -1}, "verify_benchmark_timeout",
         "seconds from 1 to"),
    role("verify", "OpenAI timeout 0", {"verify_openai_api": True, "verify_openai_timeout": 0}, "verify_openai_timeout", "seconds from 1 to"),
]
# fmt: on

MODULE_CASES = (
    HOST_CASES + DURATION_CASES + NAME_CASES + MODELFILE_CASES + FILE_CASES + IMPOSTOR_CASES + BENCHMARK_CASES
) + (GPU_CASES + PORT_CASES)
ALL_CASES = MODULE_CASES + ROLE_CASES
assert len(set(c.id for c in ALL_CASES)) == len(ALL_CASES), "case ids must be unique"

# ---------------------------------------------------------------- lanes: an emulator and an impostor each


class Impostor:
    """An HTTP server whose every answer is ANSWERS[self.answer]; self.log lists what it was asked."""

    def __init__(self):
        self.answer = None
        self.log = []
        impostor = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                impostor.log.append((self.command, self.path.split("?", 1)[0]))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, content_type, body = ANSWERS[impostor.answer]
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_DELETE = answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.server.server_port

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Lane:
    """An emulator with the recorded tiny-gemma and an impostor; one case (or one role's playbook) at a time."""

    def __init__(self, folder, files):
        self.emu = Emulator(
            models_dir=str(folder / "models"),
            registry_dir=str(folder / "registry"),
            resolver=RECORDED_RESOLVER,
            load_seconds=0.05,
        ).start()
        seed_recorded_tiny_gemma(self.emu)
        self.impostor = Impostor()
        self.folder = folder
        self.ctx = {"dir": files, "emu": self.emu.url, "impostor": self.impostor.url, "emulator": self.emu}

    def stop(self):
        self.emu.stop()
        self.impostor.stop()


class Outcome:
    def __init__(self, ctx, failed, msg, output, traceback, requests, result=None):
        self.ctx = ctx
        self.failed = failed
        self.msg = msg
        self.output = output
        self.traceback = traceback
        self.requests = requests
        self.result = result or {}


def run_module_case(c, lane):
    args = fill(c.args, lane.ctx)
    if c.server == "emulator":
        args.setdefault("host", lane.emu.url)
    elif c.server and c.server.startswith("impostor:"):
        lane.impostor.answer = c.server.split(":", 1)[1]
        args["host"] = lane.impostor.url
    if "host" in args and args["host"] is None:
        del args["host"]
    clear(lane.emu)
    lane.impostor.log = []
    if c.setup:
        c.setup(lane.ctx)
    try:
        run = run_module(c.target, args, env=fill(c.env, lane.ctx))
    finally:
        lane.emu.faults.clear()
    if c.allow:
        # A delayed request is logged once the emulator has answered it: wait for that, so it is this case's.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not set(c.allow) <= set(calls(lane.emu)):
            time.sleep(0.1)
    outcome = Outcome(
        lane.ctx,
        failed=run.returncode != 0 and run.get("failed") is True,
        msg="%s" % run.get("msg", ""),
        output=run.stdout + run.stderr,
        traceback=not run.traceback_free,
        requests=calls(lane.emu) + list(lane.impostor.log),
        result=run,
    )
    return {c.id: outcome}


# Roles: one playbook per role runs each case in a block of its own, whose rescue records the failure (with the
# messages of the failed loop items). A GET / to the emulator marks the start of each case in its request log.
ROLE_RUN = {
    # role: (tasks_from, check the argument spec first). validate.yml alone never goes on to install anything; the
    # argument spec is what including the role checks first.
    "ollama_native": ("validate", True),
    "ollama_docker": ("validate", True),
    "custom_model": ("main", False),
    "verify": ("main", False),
}
ROLE_DEFAULTS = {
    "custom_model": {"custom_model_host": "{emu}", "custom_model_wait_for_server": 1},
    "verify": {"verify_api_url": "{emu}", "verify_benchmark": False, "verify_openai_api": False},
}
FAILURE_RECORD = (
    "{{ bad_input_results | combine({%s: {'failed': true, 'task': ansible_failed_task.name | default(''),"
    " 'msg': ([ansible_failed_result.msg | default('') | string] + (ansible_failed_result.results | default([])"
    " | selectattr('failed', 'defined') | selectattr('failed') | map(attribute='msg', default='') | map('string')"
    " | list)) | join(' | '),"
    " 'traceback': ([ansible_failed_result.exception | default(''), ansible_failed_result.module_stderr | default('')]"
    " + (ansible_failed_result.results | default([]) | map(attribute='exception', default='') | list))"
    " | map('string') | join(' ')}}) }}"
)


def role_playbook(role_name, cases, ctx, out_path):
    tasks_from, check_spec = ROLE_RUN[role_name]
    spec = os.path.join(COLLECTION_DIR, "roles", role_name, "meta", "argument_specs.yml")
    tasks = []
    for c in cases:
        variables = fill(ROLE_DEFAULTS.get(role_name, {}), ctx)
        variables.update(fill(c.args, ctx))
        block = [
            {
                "name": "Mark the start of the case in the emulator's log",
                "ansible.builtin.set_fact": {
                    "bad_input_mark": "{{ lookup('ansible.builtin.url', '%s/') }}" % ctx["emu"]
                },
            }
        ]
        if check_spec:
            block.append(
                {
                    "name": "Check the role's argument spec, as including the role does",
                    "ansible.builtin.validate_argument_spec": {
                        "argument_spec": "{{ (lookup('ansible.builtin.file', '%s') | from_yaml)"
                        ".argument_specs.main.options }}" % spec
                    },
                }
            )
        block += [
            {
                "name": "Run the role",
                "ansible.builtin.include_role": {"name": "local_llm.ollama.%s" % role_name, "tasks_from": tasks_from},
            },
            {
                "name": "Record a success",
                "ansible.builtin.set_fact": {
                    "bad_input_results": "{{ bad_input_results | combine({%s: {'failed': false}}) }}" % json.dumps(c.id)
                },
            },
        ]
        rescue = [
            {
                "name": "Record the failure",
                "ansible.builtin.set_fact": {"bad_input_results": FAILURE_RECORD % json.dumps(c.id)},
            }
        ]
        tasks.append(
            {
                "name": "Case %s" % c.id,
                "vars": dict((key, value) for key, value in variables.items() if value is not None),
                "block": block,
                "rescue": rescue,
            }
        )
    tasks.append(
        {
            "name": "Write the results",
            "ansible.builtin.copy": {
                "content": "{{ bad_input_results | to_nice_json }}",
                "dest": out_path,
                "mode": "0644",
            },
        }
    )
    return [
        {
            "name": "Bad inputs for %s" % role_name,
            "hosts": "localhost",
            "gather_facts": False,
            "vars": {"bad_input_results": {}},
            "tasks": tasks,
        }
    ]


def split_by_marks(requests, count):
    """The requests of each case: the log cut at each GET / (the mark of a case's start)."""
    parts = []
    for request in requests:
        if request == ("GET", "/"):
            parts.append([])
        elif parts:
            parts[-1].append(request)
    return parts + [[] for _missing in range(count - len(parts))]


def run_role_cases(role_name, cases, lane):
    playbook = lane.folder / ("%s.yml" % role_name)
    results_path = str(lane.folder / ("%s.json" % role_name))
    playbook.write_text(yaml.safe_dump(role_playbook(role_name, cases, lane.ctx, results_path), sort_keys=False))
    clear(lane.emu)
    rc, output = run_playbook(str(playbook))
    results = {}
    if os.path.exists(results_path):
        with open(results_path) as handle:
            results = json.load(handle)
    requests = split_by_marks(calls(lane.emu), len(cases))
    outcomes = {}
    for index, c in enumerate(cases):
        result = results.get(c.id, {"failed": False, "msg": "no result (rc %s): %s" % (rc, output[-1500:])})
        outcomes[c.id] = Outcome(
            lane.ctx,
            failed=result["failed"],
            msg=result.get("msg", ""),
            output=output,
            traceback="Traceback (most recent call last)" in result.get("traceback", "") + result.get("msg", ""),
            requests=requests[index],
            result=result,
        )
    return outcomes


# ---------------------------------------------------------------- fixtures, judging, the tests


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """The suite's files: GGUF and non-GGUF files, a folder, Modelfiles, fake nvidia-smi programs."""
    base = tmp_path_factory.mktemp("bad-inputs")
    (base / "adir").mkdir()
    (base / "not.gguf").write_text("this is a text file, not GGUF weights\n")
    (base / "empty.gguf").write_bytes(b"")
    make_gguf(str(base / "weights.bin"))
    for folder, content in (
        ("latin1", b"FROM llama3.2\nSYSTEM caf\xe9\n"),
        ("elsewhere", b"FROM ./weights.gguf\n"),
        ("textfrom", b"FROM ./weights.gguf\n"),
    ):
        (base / folder).mkdir()
        (base / folder / "Modelfile").write_bytes(content)
    (base / "textfrom" / "weights.gguf").write_text("not GGUF either\n")
    for name, text in NVIDIA_SMI_PROGRAMS.items():
        (base / ("bin-" + name)).mkdir()
        path = base / ("bin-" + name) / "nvidia-smi"
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(base)


@pytest.fixture(scope="module")
def outcomes(request, files, tmp_path_factory):
    """case id -> Outcome of every selected case, run WORKERS at a time (each role's playbook as one job)."""
    selected = [
        item.callspec.params["c"]
        for item in request.session.items
        if item.module.__name__ == __name__ and "c" in getattr(getattr(item, "callspec", None), "params", {})
    ]
    lanes = [Lane(tmp_path_factory.mktemp("bad-inputs-lane"), files) for _worker in range(WORKERS)]
    free = queue.Queue()
    for lane in lanes:
        free.put(lane)

    def on_a_lane(job):
        lane = free.get()
        try:
            return job(lane)
        finally:
            free.put(lane)

    roles = sorted(set(c.role for c in selected if c.role))
    jobs = [functools.partial(run_role_cases, name, [c for c in selected if c.role == name]) for name in roles]
    jobs += [functools.partial(run_module_case, c) for c in selected if not c.role]
    results = {}
    try:
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            for done in [pool.submit(on_a_lane, job) for job in jobs]:
                results.update(done.result())
        yield results
    finally:
        for lane in lanes:
            lane.stop()


def judge(c, outcome):
    """(verdict, problems): traceback, wrong success, unclear or clear."""
    if outcome.traceback:
        return "traceback", ["a traceback:\n" + outcome.output[-3000:]]
    if not outcome.failed:
        return "wrong success", ["it did not fail: " + outcome.output[-2000:]]
    problems = ["the message lacks %r" % word for word in fill(c.words, outcome.ctx) if word not in outcome.msg]
    problems += ["the output shows %r" % text for text in c.absent if text in outcome.output]
    changes = [request for request in mutating(outcome.requests) if request not in c.allow]
    if changes:
        problems.append("it sent mutating requests %s" % changes)
    if c.check is not None and not c.check(outcome.result):
        problems.append("its own check failed")
    return ("unclear" if problems else "clear"), problems


@pytest.mark.parametrize("c", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_a_bad_input_fails_clearly(c, outcomes, bad_input_tally):
    outcome = outcomes[c.id]
    verdict, problems = judge(c, outcome)
    detail = "%s; message: %s" % ("; ".join(problems), outcome.msg)
    bad_input_tally.record(c.id, verdict, detail)
    assert verdict == "clear", "%s: %s" % (verdict, detail)


def test_a_relative_from_is_read_next_to_the_modelfile(tmp_path, emulator):
    """The docs: relative FROM paths of a modelfile_path are relative to its folder (not to the working directory)."""
    folder = tmp_path / "model"
    folder.mkdir()
    make_gguf(str(folder / "weights.gguf"), architecture="llama", block_count=2)
    (folder / "Modelfile").write_text("FROM ./weights.gguf\nPARAMETER num_ctx 2048\n")
    args = {"name": "relative", "modelfile_path": str(folder / "Modelfile"), "host": emulator.url}
    run = run_module("ollama_model", args)
    assert run.returncode == 0 and run["changed"] is True, run.result
    assert run["actions"][0].startswith("uploaded blob sha256:") and run["actions"][-1] == "created", run.result
