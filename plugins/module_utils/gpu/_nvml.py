# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small ctypes binding of the NVIDIA Management Library (libnvidia-ml.so.1), written for gpu_facts.

Private to local_llm.ollama. Standard library only, like ansible-core's module_utils/compat/selinux.py: the driver
ships the library, so a module reads NVML on a host that has nothing but the system Python and the NVIDIA driver.
Only the calls the GPU facts need are bound; each is looked up when first called, so a driver too old for one
call still answers the others.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ctypes
import os

NVML_LIBRARY_NAME = "libnvidia-ml.so.1"

NVML_SUCCESS = 0
NVML_CLOCK_MEM = 2
NVML_TEMPERATURE_GPU = 0
# What NVML writes into an unsigned long long it cannot fill (a process's memory under WSL2 or without permission).
NVML_VALUE_NOT_AVAILABLE_ULL = 0xFFFFFFFFFFFFFFFF

# Buffer sizes from nvml.h (the _V2 sizes are the larger ones and fit every driver).
_NAME_BUFFER_SIZE = 96
_UUID_BUFFER_SIZE = 96
_VERSION_BUFFER_SIZE = 80
_PROCESS_NAME_BUFFER_SIZE = 1024
_MAX_PROCESSES = 256

# The NVML return codes a host is likely to meet, with what they mean there and what to do.
# Codes not listed are explained by the library's own nvmlErrorString.
_RETURN_CODES = {
    1: ("NVML_ERROR_UNINITIALIZED", "NVML is not initialised (nvmlInit did not succeed before this call)"),
    2: ("NVML_ERROR_INVALID_ARGUMENT", "an argument was refused (a device index past the last GPU?)"),
    3: ("NVML_ERROR_NOT_SUPPORTED", "this GPU or driver does not support it"),
    4: (
        "NVML_ERROR_NO_PERMISSION",
        "no permission: the user cannot open /dev/nvidia* (add it to the group owning them, or run as root)",
    ),
    6: ("NVML_ERROR_NOT_FOUND", "not found"),
    9: (
        "NVML_ERROR_DRIVER_NOT_LOADED",
        "the NVIDIA kernel driver is not loaded (no /dev/nvidia*; on WSL2 the Windows NVIDIA driver is missing)",
    ),
    12: ("NVML_ERROR_LIBRARY_NOT_FOUND", "NVML could not load a library it needs (an incomplete driver install)"),
    13: ("NVML_ERROR_FUNCTION_NOT_FOUND", "the NVIDIA driver is too old for this call"),
    15: ("NVML_ERROR_GPU_IS_LOST", "the GPU has fallen off the bus or stopped answering; reboot the machine"),
    18: (
        "NVML_ERROR_LIB_RM_VERSION_MISMATCH",
        "libnvidia-ml.so.1 and the loaded kernel module are from different driver versions; reboot after the "
        "driver upgrade",
    ),
}


class NvmlError(Exception):
    """An NVML call failed: ``function`` is the C function, ``code`` NVML's return code (None: no such function)."""

    def __init__(self, function, code, message):
        super(NvmlError, self).__init__("%s: %s" % (function, message))
        self.function = function
        self.code = code

    @property
    def not_supported(self):
        return self.code == 3


class NvmlLibraryNotFound(Exception):
    """No libnvidia-ml.so.1 could be loaded from any of the places looked in."""


class _Memory(ctypes.Structure):
    _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]


class _Utilization(ctypes.Structure):
    _fields_ = [("gpu", ctypes.c_uint), ("memory", ctypes.c_uint)]


class _ProcessInfoV1(ctypes.Structure):
    _fields_ = [("pid", ctypes.c_uint), ("usedGpuMemory", ctypes.c_ulonglong)]


class _ProcessInfoV2(ctypes.Structure):
    """The layout of nvmlDeviceGetComputeRunningProcesses_v2 and _v3 (drivers R470 and later)."""

    _fields_ = [
        ("pid", ctypes.c_uint),
        ("usedGpuMemory", ctypes.c_ulonglong),
        ("gpuInstanceId", ctypes.c_uint),
        ("computeInstanceId", ctypes.c_uint),
    ]


def library_candidates(wsl2, wsl_lib_dir, loader_name=NVML_LIBRARY_NAME):
    """Where to load NVML from, in order: loader_name (the soname) through the dynamic loader's path (ld.so.cache,
    LD_LIBRARY_PATH), then the folder where WSL2's Windows driver puts the library. On WSL2 that folder comes first,
    since ldconfig may register a stub libnvidia-ml.so.1 (from a Linux driver package) that shadows the real one."""
    in_wsl_folder = os.path.join(wsl_lib_dir, NVML_LIBRARY_NAME)
    return [in_wsl_folder, loader_name] if wsl2 else [loader_name, in_wsl_folder]


def _load_error(candidate, exc):
    text = str(exc)
    if "No such file or directory" in text:
        if os.sep in candidate:
            return "no %s" % candidate
        return "no %s on the loader path (ld.so.cache, LD_LIBRARY_PATH)" % candidate
    return "%s cannot be loaded: %s" % (candidate, text)


def open_library(candidates):
    """The first candidate that loads, as an Nvml; NvmlLibraryNotFound naming every place tried otherwise."""
    reasons = []
    for candidate in candidates:
        if os.sep in candidate and not os.path.exists(candidate):
            reasons.append("no %s" % candidate)
            continue
        try:
            return Nvml(ctypes.CDLL(candidate), candidate)
        except OSError as exc:
            reasons.append(_load_error(candidate, exc))
    raise NvmlLibraryNotFound("; ".join(reasons))


class Nvml:
    """The functions of one loaded libnvidia-ml.so.1. Every method raises NvmlError naming the C call that failed."""

    def __init__(self, library, path):
        self._library = library
        self.path = path

    # -- calling -------------------------------------------------------------------------------------------------

    def _function(self, name):
        try:
            function = getattr(self._library, name)
        except AttributeError:
            raise NvmlError(
                name, None, "the NVIDIA driver is too old for this call (%s has no such function)" % self.path
            )
        function.restype = ctypes.c_int
        return function

    def has(self, name):
        return hasattr(self._library, name)

    def _newest(self, *names):
        """The first of names (newest version first) that this library exports; the last one otherwise, so that
        calling it raises the too-old error."""
        for name in names:
            if self.has(name):
                return name
        return names[-1]

    def explain(self, code):
        """The text for an NVML return code: ours for the common ones, the library's own for the rest."""
        if code in _RETURN_CODES:
            symbol, meaning = _RETURN_CODES[code]
            return "%s (%s)" % (meaning, symbol)
        if self.has("nvmlErrorString"):
            function = self._library.nvmlErrorString
            function.restype = ctypes.c_char_p
            function.argtypes = [ctypes.c_int]
            text = function(code)
            if text:
                return "%s (NVML return code %d)" % (text.decode("utf-8", "replace"), code)
        return "NVML return code %d" % code

    def call(self, name, *args):
        code = self._function(name)(*args)
        if code != NVML_SUCCESS:
            raise NvmlError(name, code, self.explain(code))

    def _uint(self, name, *args):
        value = ctypes.c_uint()
        self.call(name, *(args + (ctypes.byref(value),)))
        return value.value

    def _text(self, name, size, *args):
        buffer = ctypes.create_string_buffer(size)
        self.call(name, *(args + (buffer, ctypes.c_uint(size))))
        return buffer.value.decode("utf-8", "replace")

    # -- the library ---------------------------------------------------------------------------------------------

    def init(self):
        self.call(self._newest("nvmlInit_v2", "nvmlInit"))

    def shutdown(self):
        self.call("nvmlShutdown")

    def driver_version(self):
        return self._text("nvmlSystemGetDriverVersion", _VERSION_BUFFER_SIZE)

    def cuda_driver_version(self):
        """The CUDA driver API version as NVML encodes it (12040 for 12.4)."""
        value = ctypes.c_int()
        self.call(
            self._newest("nvmlSystemGetCudaDriverVersion_v2", "nvmlSystemGetCudaDriverVersion"), ctypes.byref(value)
        )
        return value.value

    def process_name(self, pid):
        return self._text("nvmlSystemGetProcessName", _PROCESS_NAME_BUFFER_SIZE, ctypes.c_uint(pid))

    # -- devices -------------------------------------------------------------------------------------------------

    def device_count(self):
        return self._uint(self._newest("nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"))

    def device_handle(self, index):
        handle = ctypes.c_void_p()
        self.call(
            self._newest("nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"),
            ctypes.c_uint(index),
            ctypes.byref(handle),
        )
        return handle

    def name(self, handle):
        return self._text("nvmlDeviceGetName", _NAME_BUFFER_SIZE, handle)

    def uuid(self, handle):
        return self._text("nvmlDeviceGetUUID", _UUID_BUFFER_SIZE, handle)

    def memory(self, handle):
        """(total, free, used) in bytes."""
        memory = _Memory()
        self.call("nvmlDeviceGetMemoryInfo", handle, ctypes.byref(memory))
        return memory.total, memory.free, memory.used

    def memory_bus_width(self, handle):
        return self._uint("nvmlDeviceGetMemoryBusWidth", handle)

    def max_memory_clock(self, handle):
        return self._uint("nvmlDeviceGetMaxClockInfo", handle, ctypes.c_int(NVML_CLOCK_MEM))

    def compute_capability(self, handle):
        major, minor = ctypes.c_int(), ctypes.c_int()
        self.call("nvmlDeviceGetCudaComputeCapability", handle, ctypes.byref(major), ctypes.byref(minor))
        return major.value, minor.value

    def temperature(self, handle):
        return self._uint("nvmlDeviceGetTemperature", handle, ctypes.c_int(NVML_TEMPERATURE_GPU))

    def power_limit_mw(self, handle):
        return self._uint("nvmlDeviceGetPowerManagementLimit", handle)

    def utilization_gpu(self, handle):
        rates = _Utilization()
        self.call("nvmlDeviceGetUtilizationRates", handle, ctypes.byref(rates))
        return rates.gpu

    def pcie_value(self, name, handle):
        """One of nvmlDeviceGet{Curr,Max}PcieLink{Generation,Width}."""
        return self._uint(name, handle)

    def compute_processes(self, handle):
        """[(pid, used bytes or None)] of the compute processes on the device."""
        name = self._newest(
            "nvmlDeviceGetComputeRunningProcesses_v3",
            "nvmlDeviceGetComputeRunningProcesses_v2",
            "nvmlDeviceGetComputeRunningProcesses",
        )
        layout = _ProcessInfoV1 if name == "nvmlDeviceGetComputeRunningProcesses" else _ProcessInfoV2
        infos = (layout * _MAX_PROCESSES)()
        count = ctypes.c_uint(_MAX_PROCESSES)
        self.call(name, handle, ctypes.byref(count), infos)
        return [
            (info.pid, None if info.usedGpuMemory == NVML_VALUE_NOT_AVAILABLE_ULL else info.usedGpuMemory)
            for info in infos[: count.value]
        ]
