import sys
from pathlib import Path

# The `systolic` package lives in python/ and is used from the source tree.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
