"""``make bench``: run every benchmark; each prints its time as a ratio to a floor measured in the same run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

for path in sorted(Path(__file__).parent.glob("bench_*.py")):
    importlib.import_module(f"benchmarks.{path.stem}").main()
