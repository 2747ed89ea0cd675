"""playbooks/benchmark.yml run by the ansible-playbook of a virtualenv built from requirements/controller.txt alone,
as `make provision` builds it: the chart must be drawn there, not only in the developers' virtualenv.

The server is a CPU-only emulator (no layer on the GPU) with a GPU bandwidth given anyway: the report says "on the
CPU", states the efficiency labelled as a CPU run's, and the chart has no GPU-bandwidth ceiling line. The
virtualenv is cached under .work/controller-venv and rebuilt only when controller.txt or the controller's lock
(constraints.txt, which make provision installs with) changes.
"""

import glob
import hashlib
import os
import subprocess
import sys

import pytest
from module_runner import COLLECTION_DIR, COLLECTIONS_ROOT, recap, run_playbook

REQUIREMENTS = os.path.join(COLLECTION_DIR, "requirements", "controller.txt")
CONSTRAINTS = os.path.join(COLLECTION_DIR, "requirements", "constraints.txt")
PLAYBOOK = os.path.join(COLLECTION_DIR, "playbooks", "benchmark.yml")
CEILING_COLOUR = (0xD6 / 255.0, 0x27 / 255.0, 0x28 / 255.0)


def controller_venv():
    """.work/controller-venv with controller.txt installed as make provision does; reused while unchanged."""
    work = os.environ.get("LLO_WORK_DIR") or os.path.join(COLLECTION_DIR, ".work")
    venv = os.path.join(work, "controller-venv")
    stamp = os.path.join(venv, ".controller.txt.sha256")
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, CONSTRAINTS):
        with open(path, "rb") as handle:
            digest.update(handle.read())
    digest = digest.hexdigest()
    if os.path.exists(stamp):
        with open(stamp) as handle:
            if handle.read().strip() == digest:
                return os.path.join(venv, "bin")
    base = getattr(sys, "_base_executable", None) or sys.executable
    subprocess.run([base, "-m", "venv", "--clear", venv], check=True, timeout=300)
    pip = subprocess.run(
        [
            os.path.join(venv, "bin", "python"),
            "-m",
            "pip",
            "--disable-pip-version-check",
            "-q",
            "install",
            "-r",
            REQUIREMENTS,
            "-c",
            CONSTRAINTS,
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert pip.returncode == 0, "pip install -r requirements/controller.txt failed:\n" + pip.stdout + pip.stderr
    with open(stamp, "w") as handle:
        handle.write(digest + "\n")
    return os.path.join(venv, "bin")


def test_benchmark_in_a_controller_only_virtualenv_on_a_cpu_only_server(make_emulator, tmp_path):
    bin_dir = controller_venv()
    emu = make_emulator(tokens_per_second=90.0, gpu_fraction=0.0)
    emu.seed_local_model("cpu-coder")
    rc, output = run_playbook(
        PLAYBOOK,
        {
            "benchmark_models": ["cpu-coder"],
            "benchmark_ollama_host": emu.url,
            "benchmark_runs": 2,
            "benchmark_warmup": 1,
            "benchmark_num_predict": 16,
            "benchmark_gpu_bandwidth_gbps": 360.0,
            "benchmark_report_root": str(tmp_path / "reports"),
        },
        bin_dir=bin_dir,
    )
    assert rc == 0 and recap(output)["failed"] == 0, output
    assert "WARNING" not in output, output
    (folder,) = glob.glob(str(tmp_path / "reports" / "benchmark-*"))
    with open(os.path.join(folder, "benchmark.md")) as handle:
        markdown = handle.read()
    assert "| localhost | cpu-coder | 90.00 | " in markdown, markdown
    # The efficiency against the given GPU bandwidth is stated, labelled as a CPU run's (issue 29).
    assert "| 100% CPU | " in markdown and "(CPU run vs GPU ceiling) | ok, on the CPU |" in markdown, markdown

    # The chart, drawn by the controller virtualenv's matplotlib: a PNG without the red ceiling line
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.image  # pylint: disable=import-outside-toplevel
    import numpy  # pylint: disable=import-outside-toplevel

    image = matplotlib.image.imread(os.path.join(folder, "benchmark.png"))
    red = numpy.all(numpy.abs(image[:, :, :3] - numpy.array(CEILING_COLOUR)) < 0.05, axis=2)
    assert red.sum() == 0, "a GPU-bandwidth ceiling is drawn for a model that ran on the CPU"
    blue = numpy.all(
        numpy.abs(image[:, :, :3] - numpy.array((0x1F / 255.0, 0x77 / 255.0, 0xB4 / 255.0))) < 0.03, axis=2
    )
    assert blue.sum() > 1000, "no bar for cpu-coder"


def test_without_matplotlib_the_playbook_writes_the_report_and_warns(make_emulator, tmp_path):
    # A matplotlib that cannot be imported, first on the controller's path: as on a controller without it.
    shadow = tmp_path / "no-matplotlib" / "matplotlib"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'matplotlib'\", name='matplotlib')\n"
    )
    emu = make_emulator(tokens_per_second=90.0)
    emu.seed_local_model("gpu-coder")
    rc, output = run_playbook(
        PLAYBOOK,
        {
            "benchmark_models": ["gpu-coder"],
            "benchmark_ollama_host": emu.url,
            "benchmark_runs": 1,
            "benchmark_warmup": 0,
            "benchmark_num_predict": 16,
            "benchmark_report_root": str(tmp_path / "reports"),
        },
        env={
            "PYTHONPATH": os.pathsep.join(
                [str(shadow.parent), COLLECTIONS_ROOT] + [p for p in [os.environ.get("PYTHONPATH")] if p]
            )
        },
    )
    assert rc == 0 and recap(output)["failed"] == 0, output
    assert "WARNING: benchmark.png not drawn: the Python package matplotlib is missing" in output, output
    assert "requirements/controller.txt" in output
    (folder,) = glob.glob(str(tmp_path / "reports" / "benchmark-*"))
    assert sorted(os.listdir(folder)) == ["benchmark.json", "benchmark.md"]


def test_the_controller_virtualenv_holds_the_locked_versions_and_warns_of_nothing():
    """What make provision installs (controller.txt with the lock) is what make test ran: every package at the
    lock's version (ansible-core 2.19.14, not the newest 2.19), and no CryptographyDeprecationWarning."""
    bin_dir = controller_venv()
    with open(CONSTRAINTS) as handle:
        locked = dict(line.strip().lower().split("==", 1) for line in handle if "==" in line and line[0] != "#")
    freeze = subprocess.run(
        [os.path.join(bin_dir, "python"), "-m", "pip", "freeze", "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=True,
    )
    installed = dict(line.strip().lower().split("==", 1) for line in freeze.stdout.splitlines() if "==" in line)
    assert {name: version for name, version in installed.items() if locked.get(name) != version} == {}
    version = subprocess.run(
        [os.path.join(bin_dir, "ansible-playbook"), "--version"], capture_output=True, text=True, check=False
    )
    assert version.returncode == 0 and version.stderr == "", version.stderr
