"""Python binding of the Systolic runtime: its stable C API through ctypes.

    from systolic import runtime
    module = runtime.Module.load("model.sysm")
    session = runtime.Session(module)            # devices=("cpu",)
    (y,) = session.run(x)                        # NumPy arrays in, copies out
    session.dispatch_times_ns()                  # [(name, device, ns), ...]
    session.dispatch_counters()                  # [{"cycles": ..., "macs": ...}, ...]

    runtime.Session(module, devices=("accel-golden", "cpu"))  # the accelerator

Errors raise RuntimeError subclasses carrying the runtime's message and code.
"""
from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Sequence

import ml_dtypes
import numpy as np

from . import build_dir

# Numbering of systolic_element_type in runtime/c/systolic_runtime.h. The
# ml_dtypes types hold one element per byte (bfloat16 two), as the runtime.
_DTYPES = [np.float16, np.float32, np.float64, np.int8, np.int16, np.int32, np.int64,
           np.uint8, np.bool_, np.uint16, np.uint32, np.uint64,
           ml_dtypes.bfloat16, ml_dtypes.float8_e4m3fn, ml_dtypes.float8_e4m3fnuz,
           ml_dtypes.float8_e5m2, ml_dtypes.float8_e5m2fnuz, ml_dtypes.float4_e2m1fn,
           ml_dtypes.float8_e8m0fnu, ml_dtypes.int4, ml_dtypes.uint4, ml_dtypes.int2,
           ml_dtypes.uint2, np.str_]
_CODES = {np.dtype(t): i for i, t in enumerate(_DTYPES)}
_STRING_CODE = len(_DTYPES) - 1  # SYSTOLIC_STRING: one const char * per element
_STATUS_NAMES = ["OK", "INVALID_ARGUMENT", "NOT_FOUND", "DATA_LOSS", "UNIMPLEMENTED",
                 "FAILED_PRECONDITION", "INTERNAL"]


class SystolicError(RuntimeError):
    """A failed runtime call; `code` is the systolic_status_code name."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("element_type", ctypes.c_int),
                ("rank", ctypes.c_size_t), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("byte_size", ctypes.c_uint64)]


class _DispatchInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("device", ctypes.c_char_p),
                ("flops", ctypes.c_uint64), ("bytes", ctypes.c_uint64)]


_U64_COUNTERS = ["cycles", "ideal_cycles", "estimated_cycles", "macs"]
_UNIT_COUNTERS = ["load_busy", "load_stall_token", "load_stall_dram", "compute_busy",
                  "compute_stall_token", "compute_stall_hazard", "store_busy",
                  "store_stall_token", "store_stall_dram", "sp_reads", "sp_writes",
                  "acc_reads", "acc_writes", "dram_read_bytes", "dram_write_bytes"]


class _DispatchCounters(ctypes.Structure):
    _fields_ = ([("struct_size", ctypes.c_uint32), ("valid", ctypes.c_int32),
                 ("cycle_accurate", ctypes.c_int32), ("uses_reference", ctypes.c_int32),
                 ("device", ctypes.c_char_p), ("layer", ctypes.c_char_p),
                 ("dataflow", ctypes.c_char_p), ("rows", ctypes.c_uint32),
                 ("cols", ctypes.c_uint32), ("programs", ctypes.c_uint32)]
                + [(name, ctypes.c_uint64) for name in _U64_COUNTERS]
                + [("utilization", ctypes.c_double)]
                + [(name, ctypes.c_uint64) for name in _UNIT_COUNTERS])


def _library_path() -> Path:
    return Path(os.environ.get("SYSTOLIC_RUNTIME_LIBRARY",
                               build_dir() / "lib" / "libsystolic_runtime.so"))


_lib = None


def _load() -> ctypes.CDLL:
    global _lib
    if _lib is not None:
        return _lib
    path = _library_path()
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: build the project first (scripts/build.sh)")
    lib = ctypes.CDLL(str(path))
    P, S, U64 = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64
    sigs = {
        "systolic_api_version": (ctypes.c_uint32, []),
        "systolic_status_get_code": (ctypes.c_int, [P]),
        "systolic_status_message": (ctypes.c_char_p, [P]),
        "systolic_status_free": (None, [P]),
        "systolic_instance_create": (P, [ctypes.POINTER(P)]),
        "systolic_instance_free": (None, [P]),
        "systolic_module_load": (P, [ctypes.c_char_p, ctypes.POINTER(P)]),
        "systolic_module_load_bytes": (P, [ctypes.c_char_p, S, ctypes.POINTER(P)]),
        "systolic_module_free": (None, [P]),
        "systolic_module_input_count": (S, [P]),
        "systolic_module_output_count": (S, [P]),
        "systolic_module_dispatch_count": (S, [P]),
        "systolic_module_input_info": (P, [P, S, ctypes.POINTER(_TensorInfo)]),
        "systolic_module_output_info": (P, [P, S, ctypes.POINTER(_TensorInfo)]),
        "systolic_module_dispatch_info": (P, [P, S, ctypes.POINTER(_DispatchInfo)]),
        "systolic_session_create": (P, [P, P, ctypes.POINTER(ctypes.c_char_p), S,
                                        ctypes.POINTER(P)]),
        "systolic_session_free": (None, [P]),
        "systolic_session_set_input": (P, [P, S, ctypes.c_int, ctypes.POINTER(ctypes.c_int64),
                                           S, P, S]),
        "systolic_session_run": (P, [P]),
        "systolic_session_output": (P, [P, S, ctypes.POINTER(P), ctypes.POINTER(S)]),
        "systolic_session_dispatch_time_ns": (P, [P, S, ctypes.POINTER(U64)]),
        "systolic_session_dispatch_counters": (P, [P, S, ctypes.POINTER(_DispatchCounters)]),
        "systolic_instance_device_count": (S, [P]),
        "systolic_instance_device_name": (ctypes.c_char_p, [P, S]),
    }
    for name, (restype, argtypes) in sigs.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    if lib.systolic_api_version() != 1:
        raise ImportError(f"{path} has C API version {lib.systolic_api_version()}, expected 1")
    _lib = lib
    return lib


def _check(status) -> None:
    if not status:
        return
    lib = _load()
    code = lib.systolic_status_get_code(status)
    message = lib.systolic_status_message(status).decode()
    lib.systolic_status_free(status)
    raise SystolicError(_STATUS_NAMES[code] if code < len(_STATUS_NAMES) else str(code), message)


class TensorInfo:
    def __init__(self, info: _TensorInfo):
        self.name = info.name.decode()
        self.dtype = np.dtype(_DTYPES[info.element_type])
        self.shape = tuple(info.shape[i] for i in range(info.rank))

    def __repr__(self) -> str:
        return f"TensorInfo({self.name!r}, {self.dtype}, {self.shape})"


class Module:
    """A loaded artifact (.sysm); immutable and shareable between sessions."""

    def __init__(self, handle: ctypes.c_void_p):
        self._lib = _load()
        self._handle = handle
        lib, h = self._lib, handle
        self.inputs = [self._info(lib.systolic_module_input_info, i)
                       for i in range(lib.systolic_module_input_count(h))]
        self.outputs = [self._info(lib.systolic_module_output_info, i)
                        for i in range(lib.systolic_module_output_count(h))]
        self.dispatches = []
        for i in range(lib.systolic_module_dispatch_count(h)):
            info = _DispatchInfo()
            _check(lib.systolic_module_dispatch_info(h, i, ctypes.byref(info)))
            self.dispatches.append((info.name.decode(), info.device.decode(), info.flops))

    def _info(self, fn, index: int) -> TensorInfo:
        info = _TensorInfo()
        _check(fn(self._handle, index, ctypes.byref(info)))
        return TensorInfo(info)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Module":
        handle = ctypes.c_void_p()
        _check(_load().systolic_module_load(os.fsencode(path), ctypes.byref(handle)))
        return cls(handle)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Module":
        handle = ctypes.c_void_p()
        _check(_load().systolic_module_load_bytes(data, len(data), ctypes.byref(handle)))
        return cls(handle)

    def __del__(self):
        if getattr(self, "_handle", None):
            self._lib.systolic_module_free(self._handle)
            self._handle = None


class Session:
    """One execution context of a module; use it from one thread at a time."""

    def __init__(self, module: Module, devices: Sequence[str] = ("cpu",)):
        self._lib = _load()
        self.module = module
        self._instance = ctypes.c_void_p()
        _check(self._lib.systolic_instance_create(ctypes.byref(self._instance)))
        names = (ctypes.c_char_p * len(devices))(*[d.encode() for d in devices])
        self._handle = ctypes.c_void_p()
        _check(self._lib.systolic_session_create(self._instance, module._handle, names,
                                                 len(devices), ctypes.byref(self._handle)))

    def __del__(self):
        if getattr(self, "_handle", None):
            self._lib.systolic_session_free(self._handle)
            self._handle = None
        if getattr(self, "_instance", None):
            self._lib.systolic_instance_free(self._instance)
            self._instance = None

    def set_input(self, index: int, value: np.ndarray) -> None:
        array = np.ascontiguousarray(value)
        if array.dtype.kind in "USO":
            self._set_strings(index, array)
            return
        if array.dtype not in _CODES:
            raise TypeError(f"input {index}: unsupported dtype {array.dtype}")
        shape = (ctypes.c_int64 * array.ndim)(*array.shape)
        _check(self._lib.systolic_session_set_input(
            self._handle, index, _CODES[array.dtype], shape, array.ndim,
            array.ctypes.data_as(ctypes.c_void_p), array.nbytes))

    def _set_strings(self, index: int, array: np.ndarray) -> None:
        """str, bytes or object arrays of them: UTF-8, copied by the runtime."""
        encoded = []
        for item in array.reshape(-1):
            if isinstance(item, str):
                item = item.encode("utf-8")
            if not isinstance(item, bytes) or b"\0" in item:
                raise TypeError(f"input {index}: string elements must be str or bytes "
                                f"without NUL, got {item!r}")
            encoded.append(item)
        pointers = (ctypes.c_char_p * max(1, len(encoded)))(*encoded)
        shape = (ctypes.c_int64 * array.ndim)(*array.shape)
        _check(self._lib.systolic_session_set_input(
            self._handle, index, _STRING_CODE, shape, array.ndim,
            ctypes.cast(pointers, ctypes.c_void_p), len(encoded) * ctypes.sizeof(ctypes.c_char_p)))

    def run(self, *inputs: np.ndarray) -> list[np.ndarray]:
        """Sets the given inputs (signature order), runs, returns output copies."""
        for i, value in enumerate(inputs):
            self.set_input(i, value)
        _check(self._lib.systolic_session_run(self._handle))
        return [self.output(i) for i in range(len(self.module.outputs))]

    def output(self, index: int) -> np.ndarray:
        data, size = ctypes.c_void_p(), ctypes.c_size_t()
        _check(self._lib.systolic_session_output(self._handle, index, ctypes.byref(data),
                                                 ctypes.byref(size)))
        info = self.module.outputs[index]
        raw = ctypes.string_at(data, size.value) if size.value else b""
        return np.frombuffer(raw, dtype=info.dtype).reshape(info.shape).copy()

    def dispatch_times_ns(self) -> list[tuple[str, str, int]]:
        out = []
        for i, (name, device, _) in enumerate(self.module.dispatches):
            ns = ctypes.c_uint64()
            _check(self._lib.systolic_session_dispatch_time_ns(self._handle, i,
                                                               ctypes.byref(ns)))
            out.append((name, device, ns.value))
        return out

    def dispatch_counters(self) -> list[dict]:
        """Per dispatch of the last run: the device that ran it and its hardware
        counters (`valid` is False for devices without counters; `cycle_accurate`
        is False on accel-golden, whose `cycles` is the golden model's estimate
        and whose busy/stall fields are 0)."""
        out = []
        for i, (name, _, _) in enumerate(self.module.dispatches):
            c = _DispatchCounters()
            c.struct_size = ctypes.sizeof(_DispatchCounters)
            _check(self._lib.systolic_session_dispatch_counters(self._handle, i,
                                                                ctypes.byref(c)))
            entry = {"name": name, "device": c.device.decode(), "valid": bool(c.valid),
                     "cycle_accurate": bool(c.cycle_accurate), "uses_reference": bool(c.uses_reference),
                     "layer": c.layer.decode(), "dataflow": c.dataflow.decode(),
                     "rows": c.rows, "cols": c.cols, "programs": c.programs,
                     "utilization": c.utilization}
            for field in _U64_COUNTERS + _UNIT_COUNTERS:
                entry[field] = getattr(c, field)
            out.append(entry)
        return out


def available_devices() -> list[str]:
    """The device names this runtime build offers (e.g. cpu, accel, accel-golden)."""
    lib = _load()
    instance = ctypes.c_void_p()
    _check(lib.systolic_instance_create(ctypes.byref(instance)))
    try:
        return [lib.systolic_instance_device_name(instance, i).decode()
                for i in range(lib.systolic_instance_device_count(instance))]
    finally:
        lib.systolic_instance_free(instance)
