"""Each mutated module's score after `mutmut run` (make mutate): killed / total, as a percentage.

Reads mutmut's per-file results (mutants/<path>.meta) for the files of [tool.mutmut] only_mutate
in pyproject.toml. A mutant counts as killed when a test failed on it or it ran out of time;
survivors, mutants no test reached and mutants never checked count against the score. Exits 1
if any module is under the bar (90%), or has no results.
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from mutmut.stats import status_by_exit_code

BAR = 90.0
KILLED = {"killed", "timeout"}


@dataclass(frozen=True)
class Score:
    module: str
    killed: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.total if self.total else 0.0


def modules(pyproject: Path) -> list[str]:
    config = tomllib.loads(pyproject.read_text("utf-8"))
    return list(config["tool"]["mutmut"]["only_mutate"])


def score(root: Path, module: str) -> Score | None:
    meta = root / "mutants" / f"{module}.meta"
    if not meta.exists():
        return None
    codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    killed = sum(1 for code in codes.values() if status_by_exit_code[code] in KILLED)
    return Score(module, killed, len(codes))


def main(root: Path = Path(".")) -> int:
    failed = False
    for module in modules(root / "pyproject.toml"):
        s = score(root, module)
        if s is None or s.total == 0:
            print(f"{module}: no results (run mutmut first)")
            failed = True
            continue
        below = s.percent < BAR
        failed |= below
        print(f"{module}: {s.killed} / {s.total} killed, {s.percent:.1f}%{'  (under 90%)' if below else ''}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
