"""``make verify``: each figure with its target; the exit status is non-zero if any misses.

python -m verify            every row
python -m verify load csrf  only the rows named

The rows that measure time (TIMED) run first, one at a time, on an otherwise quiet machine. The
others then run VERIFY_JOBS at a time (default: one per core), each in a process of its own: they
start their servers on free ports and use their own schemas and folders, so they cannot meet.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed

from verify import rows

Row = Callable[[], tuple[str, bool, list[str]]]
TIMED = ("load-sqlite", "load-postgresql", "timing")  # latency and ratios: never beside another row
# The longest of the other rows start first, so the two at a time end together.
LONGEST = ("api-fuzz", "hostile", "kill-9", "restore-drill", "dfe-contract")
ONE = "--one"  # run a single row in this process (how the parallel rows are started)


def _available() -> dict[str, tuple[str, str, Row]]:
    return rows.all_rows(os.environ.get("TEST_DATABASE_URL", ""))


def _run_here(name: str) -> tuple[bool, str]:
    """Run one row in this process; whether it met its target, and its lines."""
    title, target, row = _available()[name]
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
    lines = [f"{'PASS' if ok else 'MISS'}  {title:<32} {figure}  [target: {target}] ({took:.0f} s)"]
    lines += [f"        {note}" for note in notes]
    return ok, "\n".join(lines)


def _run_apart(name: str) -> tuple[bool, str]:
    """Run one row in a process of its own; a process that dies is a miss with its last words."""
    done = subprocess.run([sys.executable, "-m", "verify", ONE, name], capture_output=True, text=True)
    if done.returncode in (0, 1) and done.stdout.strip():
        return done.returncode == 0, done.stdout.rstrip("\n")
    title = _available()[name][0]
    last = (done.stderr or done.stdout).strip().splitlines()[-8:]
    return False, "\n".join(
        [f"MISS  {title:<32} could not run: exit {done.returncode}", *[f"        {x}" for x in last]]
    )


def main(argv: list[str]) -> int:
    if argv[:1] == [ONE]:
        ok, text = _run_here(argv[1])
        print(text, flush=True)
        return 0 if ok else 1
    available = _available()
    chosen = argv or list(available)
    unknown = [name for name in chosen if name not in available]
    if unknown:
        print(f"Unknown rows: {', '.join(unknown)}. Rows: {', '.join(available)}")
        return 2
    jobs = int(os.environ.get("VERIFY_JOBS") or os.cpu_count() or 1)
    met: dict[str, bool] = {}
    for name in [n for n in chosen if n in TIMED]:
        met[name], text = _run_here(name)
        print(text, flush=True)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        others = sorted(
            (n for n in chosen if n not in TIMED), key=lambda n: LONGEST.index(n) if n in LONGEST else len(LONGEST)
        )
        running = {pool.submit(_run_apart, name): name for name in others}
        for future in as_completed(running):
            met[running[future]], text = future.result()
            print(text, flush=True)
    missed = [available[name][0] for name in chosen if not met[name]]
    print(
        f"\n{len(chosen) - len(missed)} of {len(chosen)} figures meet their targets"
        + (f"; missed: {', '.join(missed)}" if missed else "")
    )
    print(f"verify: {len(chosen) - len(missed)} passed, {len(missed)} failed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
