# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Readers for NVIDIA GPU facts: NVML through pynvml first, nvidia-smi second.

Private to local_llm.ollama. Standard library only; pynvml (PyPI nvidia-ml-py) is passed in by the
caller, which imports it lazily.

Units: every C(*_mb) value is MiB (1,048,576 bytes), the unit nvidia-smi prints as "MiB".
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import ctypes
import glob
import os
import re
import subprocess

# Where the Windows NVIDIA driver injects libnvidia-ml.so.1 and nvidia-smi into a WSL2 distribution.
# Not on root's PATH (sudo's secure_path), so both readers look here explicitly.
WSL_LIB_DIR = "/usr/lib/wsl/lib"
NVML_LIBRARY_NAME = "libnvidia-ml.so.1"

# Data-rate factor applied to NVML's maximum memory clock to get transfers per second. Verified for GDDR6/GDDR6X:
# RTX 3060 12 GB 192 bit x 7501 MHz -> 360 GB/s (the card's published figure); unconfirmed for HBM.
MEMORY_DATA_RATE_FACTOR = 2

MIB = 1024 * 1024

# NVML enum values (stable across NVML versions), used when the pynvml object lacks the constant.
NVML_CLOCK_MEM = 2
NVML_TEMPERATURE_GPU = 0

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


def _load_nvml_library(pynvml, path):
    """Make pynvml use the library at path: pynvml loads libnvidia-ml.so.1 by soname only when its module-level
    handle nvmlLib is still None, so setting it first redirects every later call."""
    if getattr(pynvml, "nvmlLib", None) is not None:
        return
    try:
        pynvml.nvmlLib = ctypes.CDLL(path)
    except OSError as exc:
        raise GpuSourceUnavailable("cannot load %s: %s" % (path, exc))


def start_nvml(pynvml, wsl2, wsl_lib_dir=WSL_LIB_DIR):
    """nvmlInit(), loading WSL2's injected library when needed.

    On WSL2 the driver's own copy in wsl_lib_dir is loaded first (ldconfig may register a stub libnvidia-ml.so.1
    that shadows it). Elsewhere the default soname load is tried first and wsl_lib_dir is the fallback.
    """
    wsl_library = os.path.join(wsl_lib_dir, NVML_LIBRARY_NAME)
    has_wsl_library = os.path.exists(wsl_library)
    try:
        if wsl2 and has_wsl_library:
            _load_nvml_library(pynvml, wsl_library)
            pynvml.nvmlInit()
            return
        try:
            pynvml.nvmlInit()
        except pynvml.NVMLError_LibraryNotFound:
            if not has_wsl_library:
                raise
            _load_nvml_library(pynvml, wsl_library)
            pynvml.nvmlInit()
    except pynvml.NVMLError as exc:
        raise GpuSourceUnavailable("NVML did not initialise: %s" % exc)


def _nvml_value(pynvml, function_name, *args):
    """Call one optional NVML query; None when the driver or card cannot answer it (NotSupported and the like)."""
    function = getattr(pynvml, function_name, None)
    if function is None:
        return None
    try:
        return function(*args)
    except pynvml.NVMLError:
        return None


def _nvml_processes(pynvml, handle):
    running = _nvml_value(pynvml, "nvmlDeviceGetComputeRunningProcesses", handle)
    if running is None:
        return None
    processes = []
    for process in running:
        used = getattr(process, "usedGpuMemory", None)
        processes.append(
            {
                "pid": process.pid,
                "name": _nvml_value(pynvml, "nvmlSystemGetProcessName", process.pid) or None,
                "used_memory_mb": _to_mib(used),
            }
        )
    return processes


def _nvml_device(pynvml, index):
    handle = pynvml.nvmlDeviceGetHandleByIndex(index)
    memory = _nvml_value(pynvml, "nvmlDeviceGetMemoryInfo", handle)
    capability = _nvml_value(pynvml, "nvmlDeviceGetCudaComputeCapability", handle)
    bus_width = _nvml_value(pynvml, "nvmlDeviceGetMemoryBusWidth", handle)
    clock_mem = getattr(pynvml, "NVML_CLOCK_MEM", NVML_CLOCK_MEM)
    memory_clock = _nvml_value(pynvml, "nvmlDeviceGetMaxClockInfo", handle, clock_mem)
    power_mw = _nvml_value(pynvml, "nvmlDeviceGetPowerManagementLimit", handle)
    utilization = _nvml_value(pynvml, "nvmlDeviceGetUtilizationRates", handle)
    return {
        "index": index,
        "name": _nvml_value(pynvml, "nvmlDeviceGetName", handle),
        "uuid": _nvml_value(pynvml, "nvmlDeviceGetUUID", handle),
        "memory_total_mb": _to_mib(memory.total) if memory is not None else None,
        "memory_free_mb": _to_mib(memory.free) if memory is not None else None,
        "memory_used_mb": _to_mib(memory.used) if memory is not None else None,
        "compute_capability": "%d.%d" % tuple(capability) if capability is not None else None,
        "memory_bus_width_bits": bus_width,
        "memory_clock_max_mhz": memory_clock,
        "memory_bandwidth_gbps": memory_bandwidth_gbps(bus_width, memory_clock),
        "temperature_c": _nvml_value(
            pynvml, "nvmlDeviceGetTemperature", handle, getattr(pynvml, "NVML_TEMPERATURE_GPU", NVML_TEMPERATURE_GPU)
        ),
        "power_limit_w": round(power_mw / 1000.0, 1) if power_mw is not None else None,
        "utilization_gpu_pct": utilization.gpu if utilization is not None else None,
        "pcie_link": _pcie_link(
            _nvml_value(pynvml, "nvmlDeviceGetCurrPcieLinkGeneration", handle),
            _nvml_value(pynvml, "nvmlDeviceGetCurrPcieLinkWidth", handle),
            _nvml_value(pynvml, "nvmlDeviceGetMaxPcieLinkGeneration", handle),
            _nvml_value(pynvml, "nvmlDeviceGetMaxPcieLinkWidth", handle),
        ),
        "processes": _nvml_processes(pynvml, handle),
    }


def read_nvml(pynvml, wsl2, wsl_lib_dir=WSL_LIB_DIR):
    """Facts from NVML; raises GpuSourceUnavailable when NVML cannot be used on this host."""
    start_nvml(pynvml, wsl2, wsl_lib_dir)
    try:
        count = pynvml.nvmlDeviceGetCount()
        devices = [_nvml_device(pynvml, index) for index in range(count)]
        driver = _nvml_value(pynvml, "nvmlSystemGetDriverVersion")
        cuda = _nvml_value(pynvml, "nvmlSystemGetCudaDriverVersion")
    except pynvml.NVMLError as exc:
        raise GpuSourceUnavailable("NVML could not list the GPUs: %s" % exc)
    finally:
        try:
            pynvml.nvmlShutdown()
        except pynvml.NVMLError:
            pass
    facts = empty_facts(wsl2)
    facts.update(
        available=count > 0,
        source="nvml",
        driver_version=driver or None,
        cuda_driver_version=cuda_version_string(cuda),
        count=count,
        devices=devices,
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


def import_pynvml():
    """pynvml when installed, else None (the nvidia-smi fallback takes over)."""
    try:
        import pynvml
    except ImportError:
        return None
    return pynvml


def gather_host_gpu_facts(module, timeout=NVIDIA_SMI_TIMEOUT, limit=None):
    """GPU facts of the host an AnsibleModule runs on: NVML when pynvml loads, else nvidia-smi in the C locale,
    given timeout seconds per call (GpuProbeTimeout, naming ``limit``, when it hangs)."""
    run_command = command_runner(timeout, dict(LANGUAGE="C", LC_ALL="C"), limit)
    return gather_gpu_facts(
        pynvml=import_pynvml(),
        run_command=run_command,
        get_bin_path=module.get_bin_path,
        wsl2=is_wsl2(),
        wsl_lib_dir=WSL_LIB_DIR,
    )


def gather_gpu_facts(pynvml, run_command, get_bin_path, wsl2, wsl_lib_dir=WSL_LIB_DIR):
    """GPU facts from the first source that works: NVML (pynvml given), nvidia-smi, else "no GPU".

    pynvml is the imported module or None when it is not installed. probe_errors explains each source skipped.
    """
    errors = []
    if pynvml is None:
        errors.append("nvml: the Python library pynvml (PyPI nvidia-ml-py) is not installed")
    else:
        try:
            return _with_errors(read_nvml(pynvml, wsl2, wsl_lib_dir), errors)
        except GpuSourceUnavailable as exc:
            errors.append("nvml: %s" % exc)
        except Exception as exc:  # pylint: disable=broad-except  # a pynvml/driver mismatch must not hide nvidia-smi
            errors.append("nvml: unexpected %s: %s" % (type(exc).__name__, exc))
    smi_path = find_nvidia_smi(get_bin_path, wsl_lib_dir)
    if smi_path is None:
        errors.append("nvidia-smi: not found on PATH nor in %s" % wsl_lib_dir)
    else:
        try:
            return _with_errors(read_nvidia_smi(run_command, smi_path, wsl2), errors)
        except GpuSourceUnavailable as exc:
            errors.append("nvidia-smi: %s" % exc)
    return _with_errors(empty_facts(wsl2), errors)


def _with_errors(facts, errors):
    facts["probe_errors"] = list(errors)
    return facts
