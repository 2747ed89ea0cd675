#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ollama_eval
short_description: Score an Ollama model's coding answers by running hidden tests on them
version_added: 0.1.0
description:
  - Sends each coding task of a task set to the model (one streamed C(/api/chat) request per task), extracts the
    code from the answer (a fenced block, else bare code) and runs it with the task's hidden tests.
  - The bundled set has 34 Python tasks (easy to hard) and 5 Go tasks; Go tasks run only where a C(go) toolchain
    is on the managed host and are reported as V(skipped) otherwise. Own tasks come from O(task_files).
  - B(This executes code written by a model) on the managed host, so it must be allowed with
    O(allow_code_execution). Each answer runs in a throwaway folder as an unprivileged user (O(sandbox_user)),
    with a wall-clock timeout, CPU, memory, process, file-size and open-file limits, in a new network and PID
    namespace (C(unshare); root, or unprivileged user namespaces), so it has no network and every process it
    starts dies with it. The folder is removed afterwards. A host that cannot create the namespace is refused
    unless O(require_network_isolation) is V(false).
  - Reports the pass rate, the outcome of every task (V(pass), V(fail), V(error), V(timeout), V(no_code),
    V(skipped)), the generation rate seen during the evaluation, the wall time and the model's parameters as
    C(/api/show) reports them. Fails when the pass rate is below O(min_pass_rate); the results are returned
    as well.
  - Never reports C(changed).
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.api
  - local_llm.ollama.attributes
options:
  model:
    description:
      - The model to evaluate, as C(ollama run) takes it. It must be on the server already.
    type: str
    required: true
  allow_code_execution:
    description:
      - Must be V(true) to run; the module executes the code the model writes. Without it the module fails
        and sends nothing.
    type: bool
    default: false
  temperature:
    description: Sampling temperature of every request, V(0) to V(100); V(0) makes the answers repeatable.
    type: float
    default: 0
  seed:
    description: Sampling seed of every request (a 32-bit integer).
    type: int
    default: 42
  num_tasks:
    description:
      - Run only the first this many tasks (after O(task_ids) and O(languages)), V(1) to V(100000); all when not set.
    type: int
  task_ids:
    description: Run only the tasks with these ids (for example V(py-lru-cache)).
    type: list
    elements: str
  languages:
    description: Run only tasks in these languages.
    type: list
    elements: str
    choices: [python, go]
  task_files:
    description:
      - Files on the managed host with own tasks, JSON (C(.json)) or YAML (needs PyYAML on the host), in the
        format described in docs/model-strategy.md ("Task files"). They run after the bundled tasks.
    type: list
    elements: path
    default: []
  bundled_tasks:
    description: Include the bundled task set. Set V(false) to run only O(task_files).
    type: bool
    default: true
  num_predict:
    description:
      - Maximum tokens per answer (Ollama option C(num_predict)), V(16) to V(1048576); a longer answer is cut there.
    type: int
    default: 1024
  num_ctx:
    description: Context length to load the model with (Ollama option C(num_ctx)), V(1) to V(2097152).
    type: int
    default: 4096
  options:
    description:
      - Further Ollama options for every request (C(top_k), C(num_gpu), ...). Must not contain
        C(temperature), C(seed), C(num_predict) or C(num_ctx); use the options of the same name.
    type: dict
    default: {}
  keep_alive:
    description:
      - How long the server keeps the model loaded after each request (a duration such as V(5m), or seconds).
      - Anything Ollama would not read as a duration is refused before the first request.
    type: str
  api:
    description: V(chat) sends one user message to C(/api/chat); V(generate) sends the prompt to C(/api/generate).
    type: str
    choices: [chat, generate]
    default: chat
  task_timeout:
    description:
      - Wall-clock seconds, and CPU seconds, one task's tests may run (1 to 86400); then it counts as V(timeout).
    type: int
    default: 10
  memory_limit_mb:
    description: Memory limit of one run in MiB (address space for Python, data segment for Go), at least V(64).
    type: int
    default: 512
  max_processes:
    description: Processes (and threads) the code may start beyond those the sandbox user already has.
    type: int
    default: 32
  sandbox_user:
    description:
      - The unprivileged user the answers run as when the module runs as root. Without root they run as the
        connecting user.
    type: str
    default: nobody
  require_network_isolation:
    description:
      - By default the module fails before it sends a prompt, in check mode too, when the host cannot create a
        network namespace (no C(unshare), or no root and no unprivileged user namespaces), since without one the code
        the model writes reaches the network, the Ollama API on loopback included.
      - V(false) is the explicit opt-out for such a host; the answers then run with network access,
        RV(sandbox.network_isolated) is V(false) and the module warns. Where a namespace can be made it is used
        either way.
    type: bool
    default: true
  python_interpreter:
    description:
      - Python to run Python answers with. By default the module's own Python (symlinks resolved), else
        C(/usr/bin/python3), whichever the sandbox user can run. Only the standard library is used.
    type: path
  go_binary:
    description: The C(go) command for Go tasks; by default C(go) on C(PATH), C(/usr/local/go/bin) or C(/usr/lib/go/bin).
    type: path
  go_build_timeout:
    description:
      - Seconds one Go task may take to compile, 1 to 86400 (the first compiles the standard library into a cache).
    type: int
    default: 120
  min_pass_rate:
    description: Fail unless the pass rate (percent of the tasks not skipped) is at least this.
    type: float
  _bundled_tasks:
    description:
      - Internal; do not set. The content of the bundled task file, which the module's action plugin reads on the
        controller (only Python reaches the managed host) and passes here when O(bundled_tasks) is set.
    type: raw
notes:
  - Compare models with the same task set, O(num_predict), O(temperature) and O(seed); the result records them.
  - The time an evaluation takes is mostly generation. Roughly, answers average 150-300 tokens, so the 34
    Python tasks take about 34 x 250 / (tokens per second) seconds, plus loading the model.
  - The containment limits what a bad answer can do to the host; it is not a security boundary against code
    written to escape. Evaluate models you would run anyway.
seealso:
  - module: local_llm.ollama.ollama_benchmark
  - name: Choosing models and settings
    description: How to use the evaluation to choose between models and settings on a 12 GB card (docs/model-strategy.md).
    link: https://github.com/local-llm/ansible-collection-ollama/blob/main/docs/model-strategy.md
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is sent to the model and nothing is executed; the module checks the options, the
        task files and that the model exists, and returns the tasks it would run.
  diff_mode:
    support: none
    details:
      - Nothing is changed, so there is no diff.
"""

EXAMPLES = r"""
- name: Score my-coder on the bundled tasks and require 60 % of them to pass
  local_llm.ollama.ollama_eval:
    model: my-coder
    allow_code_execution: true
    min_pass_rate: 60
  register: quality

- name: Show the score next to the speed
  ansible.builtin.debug:
    msg: >-
      {{ quality.summary.passed }}/{{ quality.summary.total }} passed ({{ quality.summary.pass_rate }} %),
      {{ quality.summary.tokens_per_second.median }} tok/s, {{ quality.summary.wall_seconds }} s

- name: A quick check of ten Python tasks with a short answer limit
  local_llm.ollama.ollama_eval:
    model: qwen2.5-coder:7b
    allow_code_execution: true
    languages: [python]
    num_tasks: 10
    num_predict: 512

- name: Only own tasks from a file on the host
  local_llm.ollama.ollama_eval:
    model: my-coder
    allow_code_execution: true
    bundled_tasks: false
    task_files:
      - /srv/eval/team-tasks.json
"""

RETURN = r"""
model:
  description: The model as given in O(model).
  returned: always
  type: str
  sample: my-coder
server_version:
  description: Version of the Ollama server (C(/api/version)).
  returned: always
  type: str
  sample: 0.32.15
model_parameters:
  description: The model as C(/api/show) reports it.
  returned: always
  type: dict
  contains:
    details:
      description: Family, parameter size, quantization level and format.
      type: dict
      sample: {"family": "qwen2", "parameter_size": "7.6B", "quantization_level": "Q4_K_M"}
    parameters:
      description: The Modelfile parameters (typed; C(stop) is a list).
      type: dict
      sample: {"num_ctx": 16384, "temperature": 0.2, "stop": ["<|im_end|>"]}
    context_length:
      description: The model's trained context length from C(model_info).
      type: int
    capabilities:
      description: What the server says the model can do.
      type: list
      elements: str
settings:
  description: What was evaluated with, for comparing results.
  returned: always
  type: dict
  contains:
    api:
      description: V(chat) or V(generate).
      type: str
    options:
      description: The full C(options) sent with every request.
      type: dict
    task_ids:
      description: The ids of the tasks, in the order they ran.
      type: list
      elements: str
    limits:
      description: Per-run limits (timeout_seconds, cpu_seconds, memory_mb, processes, file_size_mb, open_files).
      type: dict
sandbox:
  description: How the answers were contained.
  returned: when not in check mode
  type: dict
  contains:
    user:
      description: The user the answers ran as.
      type: str
    network_isolated:
      description: Whether they ran in a new network namespace (no network).
      type: bool
    pid_namespace:
      description: Whether they ran in a new PID namespace (all their processes died with the run).
      type: bool
    isolation:
      description: The containment in words, or why there was none.
      type: str
    python:
      description: The Python the answers ran with.
      type: str
    go:
      description: C(go version) of the Go toolchain, null when there is none (Go tasks skipped).
      type: str
tasks:
  description: One entry per task, in order.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The task's id.
      type: str
    language:
      description: V(python) or V(go).
      type: str
    difficulty:
      description: V(easy), V(medium) or V(hard).
      type: str
    source:
      description: V(bundled) or the task file's path.
      type: str
    outcome:
      description:
        - V(pass), V(fail) (a test failed or the code crashed under test), V(error) (the code does not load or
          compile, or lacks the entry point), V(timeout) (wall clock or CPU limit), V(no_code) (no code in the
          answer), V(skipped) (no Go toolchain), V(planned) (check mode).
      type: str
    detail:
      description: The end of the error output, empty for a pass.
      type: str
    extracted:
      description: How the code was found (V(fenced), V(unclosed fence), V(tagged), V(bare), V(body)), null for none.
      type: str
    answer_chars:
      description: Length of the answer in characters.
      type: int
    eval_count:
      description: Tokens generated for the answer.
      type: int
    tokens_per_second:
      description: Generation rate of the answer, Ollama's C(eval_count / eval_duration * 1e9).
      type: float
    done_reason:
      description: V(stop) or V(length) (cut at O(num_predict)).
      type: str
    generation_seconds:
      description: Client wall time of the request.
      type: float
    test_seconds:
      description: Wall time of the test run (with the Go build for Go tasks).
      type: float
summary:
  description: The score and the speed.
  returned: always
  type: dict
  contains:
    total:
      description: Tasks scored (all but the skipped ones).
      type: int
    passed:
      description: Tasks whose tests passed.
      type: int
    pass_rate:
      description: C(passed / total * 100), one decimal place.
      type: float
      sample: 64.7
    counts:
      description: Number of tasks per outcome.
      type: dict
      sample: {"pass": 22, "fail": 8, "error": 2, "timeout": 1, "no_code": 1, "skipped": 5}
    tokens_per_second:
      description: Statistics (count, median, mean, min, max, stdev) of the per-task generation rates.
      type: dict
    generated_tokens:
      description: Tokens generated over all answers.
      type: int
    wall_seconds:
      description: Wall time of the whole evaluation.
      type: float
thresholds:
  description: The threshold applied and the sentence when it failed.
  returned: always
  type: dict
  contains:
    min_pass_rate:
      description: O(min_pass_rate).
      type: float
    problems:
      description: One sentence per failed threshold.
      type: list
      elements: str
"""

import time

from ansible_collections.local_llm.ollama.plugins.module_utils.eval import _method as _eval
from ansible_collections.local_llm.ollama.plugins.module_utils.eval._sandbox import Sandbox, SandboxError
from ansible_collections.local_llm.ollama.plugins.module_utils.eval._tasks import (
    TaskFileError,
    bundled_tasks,
    read_task_file,
    select_tasks,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule
from ansible_collections.local_llm.ollama.plugins.module_utils.measure import _module as _measuring
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import parse_name
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import (
    api_argument_spec,
    api_kinds,
    client_from_module,
    hide_credentials,
    seconds_kind,
)

EXECUTION_REFUSED = (
    "allow_code_execution is not set: ollama_eval runs the code the model writes on this host "
    "(contained: unprivileged user, time/CPU/memory/process limits, no network where the host "
    "allows it, throwaway folder). Set allow_code_execution: true to run it."
)


def load_tasks(params):
    lists = [bundled_tasks(params["_bundled_tasks"])] if params["bundled_tasks"] else []
    lists += [read_task_file(path) for path in params["task_files"]]
    return select_tasks(lists, params["task_ids"], params["languages"], params["num_tasks"])


def settings_of(params, tasks):
    return {
        "api": params["api"],
        "options": _eval.request_options(params),
        "task_ids": [task["id"] for task in tasks],
        "limits": _eval.limits_of(params).as_dict(),
    }


def planned(tasks):
    return [
        {
            "id": task["id"],
            "language": task["language"],
            "difficulty": task.get("difficulty"),
            "source": task["source"],
            "outcome": "planned",
        }
        for task in tasks
    ]


def evaluate(module, client, sandbox, tasks, result):
    params = module.params
    started = time.monotonic()
    with sandbox:
        evaluation = _eval.Evaluation(client, params, sandbox, tasks)
        toolchains = evaluation.prepare()
        result["sandbox"] = dict(sandbox.describe(), **toolchains)
        if not result["sandbox"]["network_isolated"]:
            module.warn("ollama_eval: the answers ran with network access (%s)" % result["sandbox"]["isolation"])
        result["tasks"] = evaluation.run()
    result["summary"] = _eval.summarize(result["tasks"], time.monotonic() - started)


def run(module):
    params = module.params
    if not params["allow_code_execution"]:
        module.fail_json(msg=EXECUTION_REFUSED)
    parse_name(params["model"])
    _eval.validate_settings(params)
    client = client_from_module(module)
    tasks = load_tasks(params)
    result = _measuring.result_frame(client, params["model"], settings_of(params, tasks))
    _measuring.require_model(client, params["model"])
    result["model_parameters"] = _eval.model_parameters(client.show(params["model"]))
    result["thresholds"] = {"min_pass_rate": params["min_pass_rate"], "problems": []}
    # Probed in check mode too, so that check mode refuses a host without a network namespace as the run would.
    sandbox = Sandbox(params["sandbox_user"], params["require_network_isolation"]).probe()
    if module.check_mode:
        result["tasks"] = planned(tasks)
        result["summary"] = _eval.summarize([], 0)
        result["msg"] = "check mode: would run %d tasks against %s; nothing was sent or executed" % (
            len(tasks),
            params["model"],
        )
        return result
    evaluate(module, client, sandbox, tasks, result)
    summary = result["summary"]
    problem = _eval.threshold_problem(summary, params["min_pass_rate"])
    text = "%s: %s/%s tasks passed (%s%%; %s), median %s tok/s, %s s" % (
        params["model"],
        summary["passed"],
        summary["total"],
        summary["pass_rate"],
        _eval.outcome_text(summary),
        summary["tokens_per_second"]["median"],
        summary["wall_seconds"],
    )
    if problem:
        result["thresholds"]["problems"] = [problem]
        module.fail_json(msg="%s: %s. Measured: %s" % (params["model"], problem, text), **result)
    result["msg"] = text
    return result


def argument_spec():
    spec = api_argument_spec()
    spec.update(
        model=dict(type="str", required=True),
        allow_code_execution=dict(type="bool", default=False),
        temperature=dict(type="float", default=0),
        seed=dict(type="int", default=42),
        num_tasks=dict(type="int"),
        task_ids=dict(type="list", elements="str"),
        languages=dict(type="list", elements="str", choices=["python", "go"]),
        task_files=dict(type="list", elements="path", default=[]),
        bundled_tasks=dict(type="bool", default=True),
        num_predict=dict(type="int", default=1024),
        num_ctx=dict(type="int", default=4096),
        options=dict(type="dict", default={}),
        keep_alive=dict(type="str"),
        api=dict(type="str", choices=["chat", "generate"], default="chat"),
        task_timeout=dict(type="int", default=10),
        memory_limit_mb=dict(type="int", default=512),
        max_processes=dict(type="int", default=32),
        sandbox_user=dict(type="str", default="nobody"),
        require_network_isolation=dict(type="bool", default=True),
        python_interpreter=dict(type="path"),
        go_binary=dict(type="path"),
        go_build_timeout=dict(type="int", default=120),
        min_pass_rate=dict(type="float", no_log=False),
        # bundled_tasks.yml as the action plugin read it on the controller (module_utils/eval/_tasks.py says why).
        _bundled_tasks=dict(type="raw"),
    )
    return spec


MAX_NUM_PREDICT = 2**20
MAX_NUM_CTX = 2**21
INT32 = 2**31 - 1


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given, before any request
    or sandbox; num_tasks, num_predict and the limits are bounded so that one task cannot ask for unbounded work."""
    kinds = api_kinds()
    kinds.update(
        model={"kind": "model_name"},
        allow_code_execution={"kind": "flag"},
        temperature={"kind": "number", "min": 0, "max": 100},
        seed={"kind": "number", "integer": True, "min": -INT32 - 1, "max": INT32},
        num_tasks={"kind": "number", "integer": True, "min": 1, "max": 100000},
        task_ids={"kind": "text_list", "items": {"kind": "text", "nonempty": True, "single_line": True}},
        languages={"kind": "text_list", "items": {"kind": "choice", "choices": ["python", "go"]}},
        task_files={"kind": "text_list", "items": {"kind": "absolute_path", "what": "a task file"}},
        bundled_tasks={"kind": "flag"},
        num_predict={"kind": "number", "integer": True, "min": 16, "max": MAX_NUM_PREDICT, "unit": "tokens"},
        num_ctx={"kind": "number", "integer": True, "min": 1, "max": MAX_NUM_CTX, "unit": "tokens"},
        options={"kind": "model_parameters"},
        keep_alive={"kind": "duration", "reads": "api"},
        api={"kind": "choice", "choices": ["chat", "generate"]},
        task_timeout=seconds_kind("task_timeout"),
        memory_limit_mb={"kind": "number", "integer": True, "min": 64, "max": 16 * 1024 * 1024, "unit": "MiB"},
        max_processes={"kind": "number", "integer": True, "min": 1, "max": 100000},
        sandbox_user={"kind": "text", "nonempty": True, "single_line": True},
        require_network_isolation={"kind": "flag"},
        python_interpreter={"kind": "absolute_path", "what": "a Python interpreter"},
        go_binary={"kind": "absolute_path", "what": "the go binary"},
        go_build_timeout=seconds_kind("go_build_timeout"),
        min_pass_rate={"kind": "number", "min": 0, "max": 100, "unit": "percent"},
        _bundled_tasks={"kind": "free", "why": "internal: the action plugin passes bundled_tasks.yml as it read it"},
    )
    return kinds


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    hide_credentials(module)
    _measuring.exit_with(module, run, "evaluating", (_eval.EvalInputError, TaskFileError, SandboxError))


if __name__ == "__main__":
    main()
