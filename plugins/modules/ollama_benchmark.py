#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: ollama_benchmark
short_description: Measure an Ollama model's generation speed, GPU share and efficiency against the bandwidth bound
version_added: 0.1.0
description:
  - Sends O(warmup) + O(runs) streamed requests to C(/api/chat) (or C(/api/generate)), each with a different
    prompt and a fixed output length, and reports Ollama's own timings of the O(runs) counted ones.
  - The generation rate of a run is C(eval_count / eval_duration * 1e9) and the prompt rate
    C(prompt_eval_count / prompt_eval_duration * 1e9), as C(ollama run --verbose) prints them; the wall clock of
    the client is used only for the time to first token (RV(runs[].ttft_ms)).
  - The warm-up requests load the model and are not counted, so a cold load does not lower the figures.
  - After the runs it reads C(/api/ps) to tell how much of the loaded model is in GPU memory
    (RV(gpu.gpu_percent)); anything below 100% means part of the model runs on the CPU.
  - When the GPU memory bandwidth is known it reports the bandwidth bound of generation
    (RV(roofline.ceiling_tokens_per_second)) and how close the median gets to it (RV(roofline.efficiency_percent)).
  - Fails when a threshold (O(min_tokens_per_second), O(require_full_gpu_offload)) is not met; the message shows
    the measured median, the threshold and the GPU share, and the measurements are returned as well.
  - Never reports C(changed).
author:
  - local_llm.ollama maintainers (@local-llm)
extends_documentation_fragment:
  - local_llm.ollama.api
  - local_llm.ollama.attributes
options:
  model:
    description:
      - The model to benchmark, as C(ollama run) takes it (V(qwen2.5-coder:7b)). It must be on the server
        already; use M(local_llm.ollama.ollama_model) to pull or create it.
    type: str
    required: true
  prompts:
    description:
      - The prompts, one per request in order, warm-up requests first.
      - Each request gets a different prompt, because Ollama's prompt cache would otherwise serve the repeated
        prompt from memory and report an impossibly high prompt rate. When the list is shorter than
        O(warmup) + O(runs), it is used again from the start with C(Request N. ) put in front of each reused
        prompt (in front, not behind, because the cache matches the longest common prefix).
      - Defaults to ten short coding prompts built into the module.
    type: list
    elements: str
  runs:
    description: Number of counted requests (V(1) to V(1000)); the summary is over these.
    type: int
    default: 3
  warmup:
    description:
      - Number of requests sent first and not counted (they load the model and warm the caches); V(0) to V(100).
    type: int
    default: 1
  num_predict:
    description:
      - Number of tokens every request generates (Ollama option C(num_predict)), so all runs do the same work.
      - V(16) to V(1048576); fewer than 16 make the rate noisy, since Ollama reports generation time in whole
        microseconds.
    type: int
    default: 128
  num_ctx:
    description:
      - Context length to load the model with (Ollama option C(num_ctx)), V(1) to V(2097152). Fixed by default so
        that hosts are compared at the same context; Ollama's own default depends on the GPU's memory.
      - The generation rate falls as the context fills; the prompts here are short, so this measures the rate at
        an almost empty context.
    type: int
    default: 4096
  options:
    description:
      - Further Ollama model options for every request (sampling and runner options such as C(temperature),
        C(seed), C(top_k), C(num_batch), C(num_gpu)).
      - Merged over the defaults C(temperature=0) and C(seed=42), which make the output repeatable.
      - Must not contain C(num_predict) or C(num_ctx); use the options of the same name.
    type: dict
    default: {}
  keep_alive:
    description:
      - How long the server keeps the model loaded after each request (a duration such as V(5m), or seconds;
        negative keeps it loaded). Sent with every request; the server's default when not set. Anything else (V(forever),
        V(5 minutes)) is refused before the first request.
      - The GPU share is read from C(/api/ps) after the last run, so a value that unloads the model at once
        (V(0)) leaves it unknown.
    type: str
  deadline:
    description:
      - Seconds all the requests (warm-up and counted) may take together. Once they are spent the module fails
        before the next request, naming how many were done; V(1) to V(86400).
    type: int
    default: 3600
  api:
    description:
      - V(chat) sends one user message to C(/api/chat) (the model's chat template is applied);
        V(generate) sends the prompt to C(/api/generate).
    type: str
    choices: [chat, generate]
    default: chat
  min_tokens_per_second:
    description:
      - Fail unless the median generation rate is at least this many tokens per second.
    type: float
  require_full_gpu_offload:
    description:
      - Fail unless C(/api/ps) shows the whole loaded model in GPU memory (C(size_vram) equal to C(size)).
    type: bool
    default: false
  gpu_bandwidth_gbps:
    description:
      - Memory bandwidth of the GPU in GB/s (10^9 bytes per second) for the roofline, for example V(360) for an
        RTX 3060 12 GB. Takes precedence over O(gather_gpu).
    type: float
  gather_gpu:
    description:
      - When O(gpu_bandwidth_gbps) is not set, read the bandwidth of the managed host's GPUs the way
        M(local_llm.ollama.gpu_facts) does (NVML through the driver's C(libnvidia-ml.so.1); C(nvidia-smi) cannot give it) and use the
        fastest card's. Without a known bandwidth the roofline values are null.
      - Set it to V(false) when Ollama is not on the managed host itself (O(host) points elsewhere).
    type: bool
    default: true
notes:
  - The roofline assumes batch-1 generation reads every weight once per token, so
    RV(roofline.ceiling_tokens_per_second) is bandwidth divided by the model's size in C(/api/tags) (the bytes of
    the model's files). That includes the input embedding table, which is not read per token, so the bound is a
    few percent low for big vocabularies (for qwen2.5-coder:7b Q4_K_M on an RTX 3060 12 GB, 77 tok/s from the file
    size against 82 tok/s from the bytes actually on the GPU). llama.cpp-based runners reach about 65-78% of it on
    Ampere and Ada GPUs; much less usually means the model spills to the CPU.
  - Fully comparable figures need the same model, quantization, O(num_ctx), O(num_predict), runner options and
    Ollama version; the result records the settings and the server version for that reason.
seealso:
  - module: local_llm.ollama.gpu_facts
  - module: local_llm.ollama.ollama_model_info
  - name: Benchmarking guide
    description: The method, the roofline and how to read the benchmark report (docs/benchmarking.md).
    link: https://github.com/local-llm/ansible-collection-ollama/blob/main/docs/benchmarking.md
attributes:
  check_mode:
    support: full
    details:
      - The benchmark also runs in check mode, because measuring changes nothing; it only sends generation
        requests, which load the model into memory as any use of it does.
  diff_mode:
    support: none
    details:
      - Nothing is changed, so there is no diff.
"""

EXAMPLES = r"""
- name: Benchmark qwen2.5-coder:7b and require the speed of the reference RTX 3060 12 GB setup
  local_llm.ollama.ollama_benchmark:
    model: qwen2.5-coder:7b
    min_tokens_per_second: 45
    require_full_gpu_offload: true
  register: bench

- name: Show the result
  ansible.builtin.debug:
    msg: >-
      {{ bench.summary.tokens_per_second.median }} tok/s median, {{ bench.gpu.processor }},
      efficiency {{ bench.roofline.efficiency_percent | default('unknown', true) }} % of the bandwidth bound

- name: Five runs through /api/generate with own prompts and a known bandwidth
  local_llm.ollama.ollama_benchmark:
    model: qwen2.5-coder:7b
    api: generate
    runs: 5
    num_predict: 256
    prompts:
      - Write a quicksort in Python.
      - Write a merge sort in Python.
    gpu_bandwidth_gbps: 360
    gather_gpu: false
"""

RETURN = r"""
model:
  description: The model as given in O(model).
  returned: always
  type: str
  sample: qwen2.5-coder:7b
server_version:
  description: Version of the Ollama server (C(/api/version)).
  returned: always
  type: str
  sample: 0.32.15
model_details:
  description: The model's C(/api/tags) entry (name, digest, size in bytes, details).
  returned: always
  type: dict
  sample: {"name": "qwen2.5-coder:7b", "size": 4683087332, "details": {"quantization_level": "Q4_K_M"}}
settings:
  description: What was measured with, for comparing results.
  returned: always
  type: dict
  contains:
    api:
      description: V(chat) or V(generate).
      type: str
    runs:
      description: Counted runs.
      type: int
    warmup:
      description: Warm-up requests sent before them.
      type: int
    num_predict:
      description: Tokens each request generated at most.
      type: int
    num_ctx:
      description: Context length requested.
      type: int
    options:
      description: The full C(options) sent with every request.
      type: dict
    keep_alive:
      description: The keep_alive sent (seconds as a number, else the duration text), null for the server's default.
      type: raw
runs:
  description: One entry per counted run, in order. Durations are nanoseconds as Ollama reports them.
  returned: always
  type: list
  elements: dict
  contains:
    run:
      description: 1-based number of the run (warm-up requests not included).
      type: int
    prompt:
      description: The prompt sent.
      type: str
    eval_count:
      description: Tokens generated.
      type: int
    eval_duration:
      description: Time spent generating them (ns).
      type: int
    tokens_per_second:
      description: C(eval_count / eval_duration * 1e9).
      type: float
      sample: 65.412
    prompt_eval_count:
      description: Prompt tokens (with the template).
      type: int
    prompt_eval_duration:
      description: Time spent on the prompt (ns).
      type: int
    prompt_tokens_per_second:
      description: C(prompt_eval_count / prompt_eval_duration * 1e9).
      type: float
    load_duration:
      description: Time spent loading the model for this request (ns); small once warm.
      type: int
    total_duration:
      description: The request's time in the server (ns).
      type: int
    ttft_ms:
      description:
        - Time to first token in milliseconds, measured by the module with a monotonic clock from sending the
          request to the first streamed chunk that carries text. Includes the network and any load.
      type: float
    done_reason:
      description: Why generation stopped (V(length) when O(num_predict) was reached, V(stop) at an end token).
      type: str
summary:
  description:
    - Statistics over RV(runs) of C(tokens_per_second), C(prompt_tokens_per_second) and C(ttft_ms), each a dict
      with C(count), C(median), C(mean), C(min), C(max) and C(stdev) (sample standard deviation, null for one run).
    - Thresholds compare the median, which one disturbed run does not move.
  returned: always
  type: dict
  sample:
    tokens_per_second: {"count": 3, "median": 65.1, "mean": 64.9, "min": 63.2, "max": 66.4, "stdev": 1.6}
    prompt_tokens_per_second: {"count": 3, "median": 1650.0, "mean": 1640.2, "min": 1580.3, "max": 1690.3,
                               "stdev": 55.4}
    ttft_ms: {"count": 3, "median": 41.2, "mean": 42.0, "min": 40.1, "max": 44.7, "stdev": 2.4}
gpu:
  description: Where the loaded model lives, from its C(/api/ps) entry after the last run.
  returned: always
  type: dict
  contains:
    loaded:
      description: False when C(/api/ps) did not list the model any more (then the other values are null).
      type: bool
    size:
      description: Memory of the loaded model in bytes (weights, KV cache and compute buffers; GPU plus CPU).
      type: int
    size_vram:
      description: The part of RV(gpu.size) in GPU memory.
      type: int
    gpu_percent:
      description: C(size_vram / size * 100), one decimal place.
      type: float
      sample: 100.0
    processor:
      description: The split as C(ollama ps) shows it (V(100% GPU), V(35%/65% CPU/GPU), V(100% CPU)).
      type: str
      sample: 100% GPU
    context_length:
      description: Context the model was loaded with.
      type: int
roofline:
  description: The bandwidth bound of generation and how close the median gets to it.
  returned: always
  type: dict
  contains:
    bandwidth_gbps:
      description: GPU memory bandwidth used, GB/s; null when unknown.
      type: float
      sample: 360.0
    bandwidth_source:
      description: V(option) (O(gpu_bandwidth_gbps)), V(nvml) (read on the host), or V(none).
      type: str
    gpu_name:
      description: Name of the GPU whose bandwidth was used, when read on the host.
      type: str
    weight_bytes:
      description: Bytes read per generated token, taken as the model's size in C(/api/tags).
      type: int
    ceiling_tokens_per_second:
      description: C(bandwidth_gbps * 1e9 / weight_bytes); null without a bandwidth.
      type: float
      sample: 76.87
    efficiency_percent:
      description: Median generation rate as a percentage of the ceiling.
      type: float
      sample: 84.7
thresholds:
  description: The thresholds applied and the sentences of those that failed (empty when all passed).
  returned: always
  type: dict
  contains:
    min_tokens_per_second:
      description: O(min_tokens_per_second).
      type: float
    require_full_gpu_offload:
      description: O(require_full_gpu_offload).
      type: bool
    problems:
      description: One sentence per failed threshold.
      type: list
      elements: str
"""

from ansible_collections.local_llm.ollama.plugins.module_utils.benchmark import _method as _benchmark
from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _facts as _gpu
from ansible_collections.local_llm.ollama.plugins.module_utils.kinds._module import KindCheckedModule
from ansible_collections.local_llm.ollama.plugins.module_utils.measure import _module as _measuring
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._generations import (
    DeadlinePassed,
    Generations,
    keep_alive_value,
)
from ansible_collections.local_llm.ollama.plugins.module_utils.measure._gpu_share import gpu_share
from ansible_collections.local_llm.ollama.plugins.module_utils.model._names import find_model, parse_name
from ansible_collections.local_llm.ollama.plugins.module_utils.ollama._api_module import (
    api_argument_spec,
    api_kinds,
    client_from_module,
    hide_credentials,
    seconds_kind,
)


def bandwidth(module):
    """(GB/s, source, GPU name) from the option, else from the host's GPUs when gather_gpu is set."""
    params = module.params
    if params["gpu_bandwidth_gbps"] is not None:
        return params["gpu_bandwidth_gbps"], "option", None
    if not params["gather_gpu"]:
        return None, "none", None
    try:
        facts = _gpu.gather_host_gpu_facts(
            module, limit="gather_gpu reads the GPU; set gather_gpu: false or give gpu_bandwidth_gbps to skip it"
        )
    except _gpu.GpuProbeTimeout as exc:
        module.fail_json(msg=str(exc))
    value, name = _benchmark.fastest_bandwidth(facts)
    return value, (facts["source"] if value else "none"), name


def settings_of(params):
    return {
        "api": params["api"],
        "runs": params["runs"],
        "warmup": params["warmup"],
        "num_predict": params["num_predict"],
        "num_ctx": params["num_ctx"],
        "options": _benchmark.request_options(params["options"], params["num_predict"], params["num_ctx"]),
        "keep_alive": keep_alive_value(params["keep_alive"]),
    }


def measure(client, params, settings):
    """Warm-up requests, then the counted runs; returns the run records."""
    generations = Generations(client, params["api"], params["model"], settings["options"], params["keep_alive"])
    prompts = _benchmark.plan_prompts(
        list(params["prompts"] or _benchmark.DEFAULT_PROMPTS), params["warmup"] + params["runs"]
    )
    return [
        _benchmark.run_record(number, prompt, timed.final, timed.first_content_seconds)
        for number, (prompt, timed) in enumerate(generations.counted(prompts, params["warmup"], params["deadline"]), 1)
    ]


def run(module):
    params = module.params
    parse_name(params["model"])
    _benchmark.validate_settings(params)
    settings = settings_of(params)
    client = client_from_module(module)
    result = _measuring.result_frame(client, params["model"], settings)
    entry = _measuring.require_model(client, params["model"])
    result["model_details"] = entry
    result["runs"] = measure(client, params, settings)
    result["summary"] = _benchmark.summarize(result["runs"])
    result["gpu"] = gpu_share(find_model(client.running_models(), params["model"]))
    value, source, gpu_name = bandwidth(module)
    result["roofline"] = _benchmark.roofline(value, entry.get("size"), result["summary"]["tokens_per_second"]["median"])
    result["roofline"].update(bandwidth_source=source, gpu_name=gpu_name)
    problems = _benchmark.threshold_problems(
        result["summary"], result["gpu"], params["min_tokens_per_second"], params["require_full_gpu_offload"]
    )
    result["thresholds"] = {
        "min_tokens_per_second": params["min_tokens_per_second"],
        "require_full_gpu_offload": params["require_full_gpu_offload"],
        "problems": problems,
    }
    if problems:
        module.fail_json(
            msg=_benchmark.failure_message(params["model"], problems, result["summary"], result["gpu"]), **result
        )
    median = result["summary"]["tokens_per_second"]["median"]
    result["msg"] = "%s: median %s tok/s over %d runs, %s" % (
        params["model"],
        median,
        params["runs"],
        result["gpu"]["processor"],
    )
    return result


def argument_spec():
    spec = api_argument_spec()
    spec.update(
        model=dict(type="str", required=True),
        prompts=dict(type="list", elements="str"),
        runs=dict(type="int", default=3),
        warmup=dict(type="int", default=1),
        num_predict=dict(type="int", default=128),
        num_ctx=dict(type="int", default=4096),
        options=dict(type="dict", default={}),
        keep_alive=dict(type="str"),
        api=dict(type="str", choices=["chat", "generate"], default="chat"),
        min_tokens_per_second=dict(type="float", no_log=False),
        require_full_gpu_offload=dict(type="bool", default=False),
        gpu_bandwidth_gbps=dict(type="float"),
        gather_gpu=dict(type="bool", default=True),
        deadline=dict(type="int", default=3600),
    )
    return spec


def option_kinds():
    """The kind of each option (module_utils/kinds/_kinds.py), checked on the values as given, before any request;
    runs, warmup, num_predict and num_ctx are bounded so that one task cannot ask for unbounded work."""
    kinds = api_kinds()
    kinds.update(
        model={"kind": "model_name"},
        prompts={"kind": "text_list", "nonempty": True, "items": {"kind": "text", "nonempty": True}},
        runs={"kind": "number", "integer": True, "min": 1, "max": MAX_RUNS, "unit": "measured requests"},
        warmup={"kind": "number", "integer": True, "min": 0, "max": MAX_WARMUP, "unit": "unmeasured requests"},
        num_predict={
            "kind": "number",
            "integer": True,
            "min": _benchmark.MIN_NUM_PREDICT,
            "max": MAX_NUM_PREDICT,
            "unit": "tokens",
        },
        num_ctx={"kind": "number", "integer": True, "min": 1, "max": MAX_NUM_CTX, "unit": "tokens"},
        options={"kind": "model_parameters"},
        keep_alive={"kind": "duration", "reads": "api"},
        api={"kind": "choice", "choices": ["chat", "generate"]},
        min_tokens_per_second={"kind": "number", "above": 0, "max": 1000000, "unit": "tokens per second"},
        require_full_gpu_offload={"kind": "flag"},
        gpu_bandwidth_gbps={"kind": "number", "above": 0, "max": 1000000, "unit": "GB/s"},
        gather_gpu={"kind": "flag"},
        deadline=seconds_kind("deadline"),
    )
    return kinds


MAX_RUNS = 1000
MAX_WARMUP = 100
MAX_NUM_PREDICT = 2**20
MAX_NUM_CTX = 2**21


def main():
    module = KindCheckedModule(argument_spec=argument_spec(), kinds=option_kinds(), supports_check_mode=True)
    hide_credentials(module)
    _measuring.exit_with(module, run, "benchmarking", (_benchmark.BenchmarkInputError, DeadlinePassed))


if __name__ == "__main__":
    main()
