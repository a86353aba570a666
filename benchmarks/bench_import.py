"""Check a chained programme document of 10,000 modules and of 40,000 (4× larger).

Each module lists the one before as its prerequisite, the shape that once took 89 s at 40,000
modules (the set of module keys was rebuilt for every prerequisite). Reading, strict parsing and
every check (shape, keys, references, loops) are timed together, with no database. Linear growth
means the 4× document costs about 4× the time. Target: ≤ 5×.
"""

from __future__ import annotations

import gc
import json
import time

from core.documents import parse_object
from curriculum import exchange

SMALL = 10_000
GROWTH = 4
TARGET_RATIO = 5.0
REPEATS = 3
KNOWN = exchange.KnownKeys(
    areas=frozenset({"send-law"}),
    npq_areas=frozenset({"statutory-framework"}),
    survey_outcomes=frozenset({"legal-duties"}),
)


def document(modules: int) -> bytes:
    return json.dumps(
        {
            "schema_version": 1,
            "programme": {"name": "Chained", "provider": "Bench", "cohort_start": "2025-09-01", "length_weeks": 78},
            "modules": [
                {
                    "key": f"module-{i}",
                    "title": f"Module {i}",
                    "hours": 1,
                    "area": "send-law",
                    "prerequisites": [f"module-{i - 1}"] if i else [],
                    "outcomes": [
                        {
                            "key": "o-1",
                            "kind": "knowledge",
                            "text": "Learn that it matters.",
                            "npq_areas": ["statutory-framework"],
                            "survey_outcomes": ["legal-duties"],
                        }
                    ],
                }
                for i in range(modules)
            ],
        }
    ).encode()


def check(raw: bytes) -> int:
    return len(exchange.check(parse_object(raw), KNOWN).modules)


def best_time(raw: bytes) -> tuple[float, int]:
    """Best of REPEATS with the cyclic collector paused, as timeit does: a full collection landing
    in one run (its cost grows with everything else the process holds) does not decide the ratio."""
    times, result = [], 0
    for _ in range(REPEATS):
        gc.collect()
        gc.disable()
        try:
            started = time.perf_counter()
            result = check(raw)
            times.append(time.perf_counter() - started)
        finally:
            gc.enable()
    return min(times), result


def main() -> None:
    small, large = document(SMALL), document(SMALL * GROWTH)
    small_seconds, small_count = best_time(small)
    large_seconds, large_count = best_time(large)
    assert (small_count, large_count) == (SMALL, SMALL * GROWTH)
    ratio = large_seconds / small_seconds
    print(f"programme import check: chained modules, {len(small) / 1e6:.1f} MB and {len(large) / 1e6:.1f} MB")
    print(f"  {SMALL:>7,} modules  {small_seconds:7.3f} s")
    print(f"  {SMALL * GROWTH:>7,} modules  {large_seconds:7.3f} s")
    print(
        f"  {GROWTH}× the document = {ratio:.1f}× the time (target ≤ {TARGET_RATIO:g}×) "
        f"{'OK' if ratio <= TARGET_RATIO else 'ABOVE TARGET'}"
    )


if __name__ == "__main__":
    main()
