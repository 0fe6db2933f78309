"""Runs a command and checks its exact exit code: `expect-exit.py CODE CMD...`.

lit's `not` accepts any non-zero code; the drivers promise exactly 1 on bad
input, so tests that pin the code use this.
"""
import subprocess
import sys

expected = int(sys.argv[1])
code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
if code != expected:
    sys.exit(f"expected exit code {expected}, got {code} from: {' '.join(sys.argv[2:])}")
