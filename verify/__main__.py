"""``make verify``: each figure with its target; the exit status is non-zero if any misses.

python -m verify            every row
python -m verify load csrf  only the rows named
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Callable

from verify import rows

Row = Callable[[], tuple[str, bool, list[str]]]


def main(argv: list[str]) -> int:
    available: dict[str, tuple[str, str, Row]] = rows.all_rows(os.environ.get("TEST_DATABASE_URL", ""))
    chosen = argv or list(available)
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"Unknown rows: {', '.join(unknown)}. Rows: {', '.join(available)}")
        return 2
    missed = []
    for name in chosen:
        title, target, row = available[name]
        started = time.perf_counter()
        try:
            figure, ok, notes = row()
        except Exception as error:  # a row that cannot run is a miss, shown with its cause
            figure, ok, notes = (
                f"could not run: {type(error).__name__}: {error}",
                False,
                traceback.format_exc().splitlines()[-8:],
            )
        took = time.perf_counter() - started
        print(f"{'PASS' if ok else 'MISS'}  {title:<32} {figure}  [target: {target}] ({took:.0f} s)", flush=True)
        for note in notes:
            print(f"        {note}")
        if not ok:
            missed.append(title)
    print(
        f"\n{len(chosen) - len(missed)} of {len(chosen)} figures meet their targets"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    print(f"verify: {len(chosen) - len(missed)} passed, {len(missed)} failed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
