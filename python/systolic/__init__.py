"""Python front door to the Systolic compiler and runtime drivers.

The drivers are the command-line tools in the build tree (`build/bin`, or the
directory named by SYSTOLIC_BUILD_DIR); this package finds and runs them.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[2]


class ToolError(RuntimeError):
    """A driver exited with a non-zero code; carries its diagnostics."""

    def __init__(self, tool: str, returncode: int, stderr: str):
        super().__init__(f"{tool} exited with code {returncode}:\n{stderr}")
        self.returncode = returncode
        self.stderr = stderr


def build_dir() -> Path:
    return Path(os.environ.get("SYSTOLIC_BUILD_DIR", _REPO_ROOT / "build"))


def tool_path(name: str) -> Path:
    path = build_dir() / "bin" / name
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: build the project first (scripts/build.sh)")
    return path


def run_tool(name: str, *args: str | os.PathLike) -> str:
    """Runs a driver and returns its standard output; raises ToolError on failure."""
    proc = subprocess.run([str(tool_path(name)), *map(str, args)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ToolError(name, proc.returncode, proc.stderr)
    return proc.stdout


def compile_model(model: str | os.PathLike, *extra: str) -> str:
    """Runs systolic-compile on a model file and returns what it printed."""
    return run_tool("systolic-compile", model, *extra)
