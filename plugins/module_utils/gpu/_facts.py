# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Readers for NVIDIA GPU facts: NVML through libnvidia-ml.so.1 first (the ctypes binding in _nvml), nvidia-smi
second.

Private to local_llm.ollama. Standard library only.

Units: every C(*_mb) value is MiB (1,048,576 bytes), the unit nvidia-smi prints as "MiB".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import glob
import os
import re
import subprocess

from ansible_collections.local_llm.ollama.plugins.module_utils.gpu import _nvml

# Where the Windows NVIDIA driver injects libnvidia-ml.so.1 and nvidia-smi into a WSL2 distribution.
# Not on root's PATH (sudo's secure_path), so both readers look here explicitly.
WSL_LIB_DIR = "/usr/lib/wsl/lib"
NVML_LIBRARY_NAME = _nvml.NVML_LIBRARY_NAME
# What the dynamic loader is asked for first (the soname; a path in the unit tests, whose process may already hold
# another library with this soname, which the loader would hand back for the bare name).
NVML_LOADER_NAME = NVML_LIBRARY_NAME
DEV_DIR = "/dev"

# Data-rate factor applied to NVML's maximum memory clock to get transfers per second. Verified for GDDR6/GDDR6X:
# RTX 3060 12 GB 192 bit x 7501 MHz -> 360 GB/s (the card's published figure); unconfirmed for HBM.
MEMORY_DATA_RATE_FACTOR = 2

MIB = 1024 * 1024

# nvidia-smi --query-gpu fields, in the order the CSV line carries them. No bus-width field is documented,
# so the nvidia-smi reader reports memory_bus_width_bits and memory_bandwidth_gbps as null.
NVIDIA_SMI_FIELDS = (
    "index",
    "name",
    "uuid",
    "driver_version",
    "memory.total",
    "memory.free",
    "memory.used",
    "compute_cap",
    "clocks.max.memory",
    "temperature.gpu",
    "power.limit",
    "utilization.gpu",
    "pcie.link.gen.current",
    "pcie.link.width.current",
    "pcie.link.gen.max",
    "pcie.link.width.max",
)
NVIDIA_SMI_QUERY = ["--query-gpu=" + ",".join(NVIDIA_SMI_FIELDS), "--format=csv,noheader,nounits"]
_NVIDIA_SMI_MISSING = ("[n/a]", "n/a", "[not supported]", "[unknown error]", "[insufficient permissions]", "")
_CUDA_VERSION_RE = re.compile(r"CUDA Version:\s*([0-9]+\.[0-9]+)")

DEVICE_KEYS = (
    "index",
    "name",
    "uuid",
    "memory_total_mb",
    "memory_free_mb",
    "memory_used_mb",
    "compute_capability",
    "memory_bus_width_bits",
    "memory_clock_max_mhz",
    "memory_bandwidth_gbps",
    "temperature_c",
    "power_limit_w",
    "utilization_gpu_pct",
    "pcie_link",
    "processes",
)


class GpuSourceUnavailable(Exception):
    """A reader cannot produce facts on this host (no library, no driver, no binary, command failed)."""


class GpuProbeTimeout(Exception):
    """nvidia-smi did not answer in time: the driver hangs. Not a "no GPU" answer, so it is not swallowed."""


# Seconds nvidia-smi may take before the driver counts as hung (a healthy one answers in well under a second;
# the first call after boot with persistence mode off can take a few seconds).
NVIDIA_SMI_TIMEOUT = 30


def command_runner(timeout, environ_update=None, limit=None):
    """A run_command(args) -> (rc, stdout, stderr) that gives up after timeout seconds, raising GpuProbeTimeout;
    ``limit`` says in the message which option sets (or skips) that limit.

    AnsibleModule.run_command has no timeout. The child is killed on timeout but not waited for: a process stuck
    in the kernel (a hung driver) cannot die until the kernel lets it, and the module must still answer."""
    env = dict(os.environ)
    env.update(environ_update or {})

    def run(args):
        try:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                universal_newlines=True,
            )
        except OSError as exc:
            return 127, "", str(exc)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise GpuProbeTimeout(
                "%s did not answer within %s s; the NVIDIA driver seems hung%s. Look at `dmesg` for NVRM/Xid errors "
                "and reboot the machine (on WSL2: wsl.exe --shutdown, or update the Windows NVIDIA driver), then "
                "run again." % (" ".join(args), timeout, " (%s)" % limit if limit else "")
            )
        return proc.returncode, out, err

    return run


def is_wsl2(osrelease_path="/proc/sys/kernel/osrelease", binfmt_dir="/proc/sys/fs/binfmt_misc", environ=None):
    """Tell whether this Linux host is a WSL2 distribution.

    Signals, any of which is enough: the kernel release names Microsoft/WSL2 (WSL2 kernels read like
    C(5.15.153.1-microsoft-standard-WSL2)), a C(WSLInterop*) entry is registered in binfmt_misc, or
    C(WSL_DISTRO_NAME) is set. WSL1 has no GPU support and is not told apart.
    """
    environ = os.environ if environ is None else environ
    try:
        with open(osrelease_path) as handle:
            release = handle.read().lower()
        if "microsoft" in release or "wsl2" in release:
            return True
    except (IOError, OSError):
        pass
    if glob.glob(os.path.join(binfmt_dir, "WSLInterop*")):
        return True
    return bool(environ.get("WSL_DISTRO_NAME"))


def empty_facts(wsl2):
    """The facts for a host where no source found a GPU."""
    return {
        "available": False,
        "source": "none",
        "wsl2": wsl2,
        "driver_version": None,
        "cuda_driver_version": None,
        "count": 0,
        "devices": [],
        "probe_errors": [],
        "missing_values": [],
    }


def memory_bandwidth_gbps(bus_width_bits, memory_clock_max_mhz):
    """Theoretical memory bandwidth in GB/s (10^9 bytes/s), rounded to one decimal.

    bus_width_bits / 8 bytes per transfer x max memory clock (MHz) x MEMORY_DATA_RATE_FACTOR / 1000.
    None when either input is unknown.
    """
    if not bus_width_bits or not memory_clock_max_mhz:
        return None
    return round(bus_width_bits / 8.0 * memory_clock_max_mhz * MEMORY_DATA_RATE_FACTOR / 1000.0, 1)


def cuda_version_string(encoded):
    """NVML's CUDA driver API version integer (12040) as "major.minor" ("12.4")."""
    if encoded is None:
        return None
    return "%d.%d" % (encoded // 1000, (encoded % 1000) // 10)


def _to_mib(value_bytes):
    return None if value_bytes is None else int(value_bytes // MIB)


def _pcie_link(generation, width, max_generation, max_width):
    values = (generation, width, max_generation, max_width)
    if all(value is None for value in values):
        return None
    return dict(zip(("generation", "width", "max_generation", "max_width"), values))


# ---------------------------------------------------------------------------------------------------------------
# NVML
# ---------------------------------------------------------------------------------------------------------------


class _Gaps:
    """Collects why a value NVML was asked for is null, as "device 0 memory_bus_width_bits: <the call's error>"."""

    def __init__(self):
        self.notes = []

    def value(self, label, read, *args):
        try:
            return read(*args)
        except _nvml.NvmlError as exc:
            self.notes.append("%s: %s" % (label, exc))
            return None


def _nvml_processes(nvml, handle, gaps, prefix):
    running = gaps.value(prefix + "processes", nvml.compute_processes, handle)
    if running is None:
        return None
    return [
        {
            "pid": pid,
            "name": _process_name(nvml, pid),
            "used_memory_mb": _to_mib(used),
        }
        for pid, used in running
    ]


def _process_name(nvml, pid):
    """A process NVML lists may have ended, or live in another PID namespace (WSL2, containers): no name then."""
    try:
        return nvml.process_name(pid) or None
    except _nvml.NvmlError:
        return None


def _nvml_device(nvml, index, gaps):
    handle = nvml.device_handle(index)
    prefix = "device %d " % index
    memory = gaps.value(prefix + "memory", nvml.memory, handle)
    total, free, used = memory if memory is not None else (None, None, None)
    capability = gaps.value(prefix + "compute_capability", nvml.compute_capability, handle)
    bus_width = gaps.value(prefix + "memory_bus_width_bits", nvml.memory_bus_width, handle)
    memory_clock = gaps.value(prefix + "memory_clock_max_mhz", nvml.max_memory_clock, handle)
    power_mw = gaps.value(prefix + "power_limit_w", nvml.power_limit_mw, handle)
    pcie = [
        gaps.value(prefix + "pcie_link", nvml.pcie_value, "nvmlDevice%sPcieLink%s" % (which, what), handle)
        for which, what in (
            ("GetCurr", "Generation"),
            ("GetCurr", "Width"),
            ("GetMax", "Generation"),
            ("GetMax", "Width"),
        )
    ]
    return {
        "index": index,
        "name": gaps.value(prefix + "name", nvml.name, handle),
        "uuid": gaps.value(prefix + "uuid", nvml.uuid, handle),
        "memory_total_mb": _to_mib(total),
        "memory_free_mb": _to_mib(free),
        "memory_used_mb": _to_mib(used),
        "compute_capability": "%d.%d" % capability if capability is not None else None,
        "memory_bus_width_bits": bus_width,
        "memory_clock_max_mhz": memory_clock,
        "memory_bandwidth_gbps": memory_bandwidth_gbps(bus_width, memory_clock),
        "temperature_c": gaps.value(prefix + "temperature_c", nvml.temperature, handle),
        "power_limit_w": round(power_mw / 1000.0, 1) if power_mw is not None else None,
        "utilization_gpu_pct": gaps.value(prefix + "utilization_gpu_pct", nvml.utilization_gpu, handle),
        "pcie_link": _pcie_link(*pcie),
        "processes": _nvml_processes(nvml, handle, gaps, prefix),
    }


def open_nvml(wsl2, wsl_lib_dir=WSL_LIB_DIR, loader_name=NVML_LIBRARY_NAME):
    """The loaded libnvidia-ml.so.1 (the soname through the loader path, and wsl_lib_dir; WSL2 tries the folder
    first). GpuSourceUnavailable naming every place looked in when none loads."""
    try:
        return _nvml.open_library(_nvml.library_candidates(wsl2, wsl_lib_dir, loader_name))
    except _nvml.NvmlLibraryNotFound as exc:
        raise GpuSourceUnavailable(str(exc))


def read_nvml(nvml, wsl2):
    """Facts from a loaded NVML library; GpuSourceUnavailable naming the C call that failed when NVML cannot list
    the GPUs. A value one call cannot give is null, and missing_values says which call failed and why."""
    try:
        nvml.init()
    except _nvml.NvmlError as exc:
        raise GpuSourceUnavailable("%s (library %s)" % (exc, nvml.path))
    gaps = _Gaps()
    try:
        count = nvml.device_count()
        devices = [_nvml_device(nvml, index, gaps) for index in range(count)]
        driver = gaps.value("driver_version", nvml.driver_version) if count else None
        cuda = gaps.value("cuda_driver_version", nvml.cuda_driver_version) if count else None
    except _nvml.NvmlError as exc:
        raise GpuSourceUnavailable("%s (library %s)" % (exc, nvml.path))
    finally:
        try:
            nvml.shutdown()
        except _nvml.NvmlError:
            pass
    facts = empty_facts(wsl2)
    facts.update(
        available=count > 0,
        source="nvml",
        driver_version=driver or None,
        cuda_driver_version=cuda_version_string(cuda),
        count=count,
        devices=devices,
        missing_values=gaps.notes,
    )
    return facts


# ---------------------------------------------------------------------------------------------------------------
# nvidia-smi
# ---------------------------------------------------------------------------------------------------------------


def _smi_value(text, convert=str):
    text = text.strip()
    if text.lower() in _NVIDIA_SMI_MISSING:
        return None
    try:
        return convert(text)
    except ValueError:
        return None


def _smi_int(text):
    return _smi_value(text, lambda value: int(float(value)))


def _smi_float(text):
    return _smi_value(text, lambda value: round(float(value), 1))


def nvidia_smi_cells(line):
    """The cells of one CSV line, read by a CSV reader (a quoted cell may hold commas). nvidia-smi itself does not
    quote, so a comma in the GPU name, the only free text it prints, splits the name: surplus cells go back into it."""
    cells = next(csv.reader([line], skipinitialspace=True))
    surplus = len(cells) - len(NVIDIA_SMI_FIELDS)
    if surplus > 0 and '"' not in line:
        at = NVIDIA_SMI_FIELDS.index("name")
        raw = line.split(",")
        cells = raw[:at] + [",".join(raw[at : at + surplus + 1])] + raw[at + surplus + 1 :]
    return [cell.strip() for cell in cells]


def parse_nvidia_smi_line(line):
    """One CSV line of NVIDIA_SMI_QUERY as a device dict (values nvidia-smi cannot give are None)."""
    cells = nvidia_smi_cells(line)
    if len(cells) != len(NVIDIA_SMI_FIELDS):
        raise GpuSourceUnavailable(
            "nvidia-smi printed %d values where %d were asked for: %r" % (len(cells), len(NVIDIA_SMI_FIELDS), line)
        )
    raw = dict(zip(NVIDIA_SMI_FIELDS, cells))
    device = {
        "index": _smi_int(raw["index"]),
        "name": _smi_value(raw["name"]),
        "uuid": _smi_value(raw["uuid"]),
        "memory_total_mb": _smi_int(raw["memory.total"]),
        "memory_free_mb": _smi_int(raw["memory.free"]),
        "memory_used_mb": _smi_int(raw["memory.used"]),
        "compute_capability": _smi_value(raw["compute_cap"]),
        "memory_bus_width_bits": None,
        "memory_clock_max_mhz": _smi_int(raw["clocks.max.memory"]),
        "memory_bandwidth_gbps": None,
        "temperature_c": _smi_int(raw["temperature.gpu"]),
        "power_limit_w": _smi_float(raw["power.limit"]),
        "utilization_gpu_pct": _smi_int(raw["utilization.gpu"]),
        "pcie_link": _pcie_link(
            _smi_int(raw["pcie.link.gen.current"]),
            _smi_int(raw["pcie.link.width.current"]),
            _smi_int(raw["pcie.link.gen.max"]),
            _smi_int(raw["pcie.link.width.max"]),
        ),
        "processes": None,
    }
    return device, _smi_value(raw["driver_version"])


def find_nvidia_smi(get_bin_path, wsl_lib_dir=WSL_LIB_DIR):
    """Path of nvidia-smi on PATH or in wsl_lib_dir, or None. get_bin_path is AnsibleModule.get_bin_path."""
    return get_bin_path("nvidia-smi", required=False, opt_dirs=[wsl_lib_dir])


def read_nvidia_smi(run_command, smi_path, wsl2):
    """Facts from nvidia-smi at smi_path; run_command(args) returns (rc, stdout, stderr) and must run in the C
    locale. Raises GpuSourceUnavailable when nvidia-smi fails (for example when no driver is loaded)."""
    rc, out, err = run_command([smi_path] + NVIDIA_SMI_QUERY)
    if rc != 0:
        raise GpuSourceUnavailable("%s failed (rc=%s): %s" % (smi_path, rc, (err or out).strip()))
    devices = []
    driver = None
    for line in out.splitlines():
        if line.strip():
            device, device_driver = parse_nvidia_smi_line(line)
            devices.append(device)
            driver = driver or device_driver
    facts = empty_facts(wsl2)
    facts.update(
        available=bool(devices),
        source="nvidia-smi",
        driver_version=driver,
        cuda_driver_version=_nvidia_smi_cuda_version(run_command, smi_path) if devices else None,
        count=len(devices),
        devices=devices,
    )
    return facts


def _nvidia_smi_cuda_version(run_command, smi_path):
    """CUDA driver API version from the header of plain nvidia-smi (--query-gpu has no documented field for it)."""
    rc, out, dummy = run_command([smi_path])
    match = _CUDA_VERSION_RE.search(out or "") if rc == 0 else None
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------------------------
# Both
# ---------------------------------------------------------------------------------------------------------------


def device_nodes(dev_dir="/dev"):
    """The NVIDIA device nodes present: /dev/nvidia* of a Linux driver, /dev/dxg of WSL2's GPU paravirtualisation."""
    return sorted(glob.glob(os.path.join(dev_dir, "nvidia*"))) + sorted(glob.glob(os.path.join(dev_dir, "dxg")))


def gather_host_gpu_facts(module, timeout=NVIDIA_SMI_TIMEOUT, limit=None):
    """GPU facts of the host an AnsibleModule runs on: NVML through libnvidia-ml.so.1, else nvidia-smi in the C
    locale, given timeout seconds per call (GpuProbeTimeout, naming ``limit``, when it hangs)."""
    run_command = command_runner(timeout, dict(LANGUAGE="C", LC_ALL="C"), limit)
    return gather_gpu_facts(
        run_command=run_command,
        get_bin_path=module.get_bin_path,
        wsl2=is_wsl2(),
        wsl_lib_dir=WSL_LIB_DIR,
        dev_dir=DEV_DIR,
        nvml_loader_name=NVML_LOADER_NAME,
    )


def gather_gpu_facts(
    run_command, get_bin_path, wsl2, wsl_lib_dir=WSL_LIB_DIR, dev_dir=DEV_DIR, nvml_loader_name=NVML_LIBRARY_NAME
):
    """GPU facts from the first source that works: NVML, nvidia-smi, else "no GPU".

    probe_errors explains each source skipped; when no source found a GPU, it also says whether any NVIDIA device
    node exists, so a host without a GPU reads as that and not as a missing library.
    """
    errors = []
    try:
        facts = read_nvml(open_nvml(wsl2, wsl_lib_dir, nvml_loader_name), wsl2)
        if facts["available"]:
            return _with_errors(facts, errors)
        errors.append("nvml: the driver lists no GPU (nvmlDeviceGetCount gave 0)")
    except GpuSourceUnavailable as exc:
        errors.append("nvml: %s" % exc)
    except Exception as exc:  # pylint: disable=broad-except  # a driver/binding mismatch must not hide nvidia-smi
        errors.append("nvml: unexpected %s: %s" % (type(exc).__name__, exc))
    smi_path = find_nvidia_smi(get_bin_path, wsl_lib_dir)
    if smi_path is None:
        errors.append("nvidia-smi: not found on PATH nor in %s" % wsl_lib_dir)
    else:
        try:
            facts = read_nvidia_smi(run_command, smi_path, wsl2)
            if facts["available"]:
                return _with_errors(facts, errors)
            errors.append("nvidia-smi: %s lists no GPU" % smi_path)
        except GpuSourceUnavailable as exc:
            errors.append("nvidia-smi: %s" % exc)
    nodes = device_nodes(dev_dir)
    if not nodes:
        errors.append("devices: no %s nor %s" % (os.path.join(dev_dir, "nvidia*"), os.path.join(dev_dir, "dxg")))
    return _with_errors(empty_facts(wsl2), errors)


def _with_errors(facts, errors):
    facts["probe_errors"] = list(errors)
    return facts
