"""The roofline on a workstation path: playbooks/benchmark.yml against the real Ollama 0.32.15 (CPU only), with
gpu_facts run by the system Python and reading NVML from a libnvidia-ml.so.1 the dynamic loader finds (the stub of
tests/fixtures/nvml-stub: an RTX 3060 12 GB, 360 GB/s). The ceiling comes from NVML, and the report states the
efficiency labelled as a CPU run's."""

import json
import os

import pytest
from module_runner import run_playbook
from real_server import REPO_ROOT

from ansible_collections.local_llm.ollama.tests.unit.plugins.module_utils.gpu import nvml_stub

SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(not os.path.exists(SYSTEM_PYTHON), reason="no system Python at %s" % SYSTEM_PYTHON)
def test_benchmark_report_fills_the_ceiling_from_nvml(real_ollama, real_model, tmp_path):
    rc, output = run_playbook(
        os.path.join(REPO_ROOT, "playbooks", "benchmark.yml"),
        {
            "ansible_python_interpreter": SYSTEM_PYTHON,
            "benchmark_models": [real_model],
            "benchmark_ollama_host": real_ollama.url,
            "benchmark_runs": 1,
            "benchmark_warmup": 0,
            "benchmark_num_predict": 16,
            "benchmark_num_ctx": 2048,
            "benchmark_api": "generate",
            "benchmark_timeout": 600,
            "benchmark_report_root": str(tmp_path),
        },
        env={"LD_LIBRARY_PATH": nvml_stub.build("rtx3060")},
    )
    assert rc == 0, output
    (folder,) = [entry for entry in os.listdir(str(tmp_path)) if entry.startswith("benchmark-")]
    with open(os.path.join(str(tmp_path), folder, "benchmark.json")) as handle:
        report = json.load(handle)
    host = report["hosts"]["localhost"]
    assert (host["gpu"]["source"], host["gpu"]["devices"][0]["memory_bandwidth_gbps"]) == ("nvml", 360.0)
    (result,) = host["results"]
    assert result["gpu"]["processor"] == "100% CPU"
    roofline = result["roofline"]
    assert roofline["bandwidth_gbps"] == 360.0 and roofline["ceiling_tokens_per_second"] > 0
    assert roofline["efficiency_percent"] is not None
    with open(os.path.join(str(tmp_path), folder, "benchmark.md")) as handle:
        markdown = handle.read()
    assert "Bandwidth used for the ceiling: 360 GB/s" in markdown, markdown
    assert "%.1f%% (CPU run vs GPU ceiling)" % roofline["efficiency_percent"] in markdown, markdown
    assert "is of a CPU run: Ollama served the model from the CPU (100% CPU)" in markdown
