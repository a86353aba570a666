"""Score and aggregate a synthetic national cohort with the rubric engine, against an honest floor.

25,000 trainees × 10 observations × 8 criteria, as rows of levels (what a bulk import gives).
The floor is a bare loop in the engine's own idiom doing the same work: every level checked
against its scale (and its type), each observation's outcome (exact pass mark and must-meet),
then per trainee each criterion's decaying average in whole numbers and the rubric's rule on it.
It must find the same mastered count as the engine. Three engine paths are timed: bulk rows
(``score_rows``), ``score()`` one Evidence at a time, and bulk rows with every reason rendered to
English. Rounds are interleaved (floor, bulk, score, rendered, floor, …) so that a busy moment on
a shared machine hits every path alike; the median of the rounds is the figure, with the spread.
Targets: bulk ≤ 2.5× the floor, ``score()`` ≤ 4×.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable
from operator import mul
from typing import Any

from competencies.engine import (
    AggregationPolicy,
    Evidence,
    Judgement,
    Observation,
    Outcome,
    aggregate,
    render_all,
    rubric_from_dict,
    score,
    score_rows,
)

TRAINEES = 25_000
OBSERVATIONS = 10
CRITERIA = 8
ROUNDS = 5
TARGETS = {"bulk rows": 2.5, "score() one at a time": 4.0}

RUBRIC = rubric_from_dict(
    {
        "key": "bench",
        "title": "Benchmark rubric",
        "model": "analytic",
        "threshold": 70,
        "criteria": [
            {
                "key": f"c{i}",
                "title": f"Criterion {i}",
                "weight": 1 + i % 3,
                "critical_level": 2 if i == 0 else None,
                "levels": [{"value": v, "label": str(v)} for v in (1, 2, 3, 4)],
            }
            for i in range(CRITERIA)
        ],
    }
)
POLICY = AggregationPolicy("decaying-average", decay_weight=0.65)
KEYS = tuple(c.key for c in RUBRIC.criteria)
OBSERVED = [
    Observation(
        observed_at=f"2026-03-{n + 1:02d}T10:00:00.000000+00:00",
        id=f"obs-{n}",
        observer=f"observer-{n % 3}",
        setting=f"setting-{n % 4}",
    )
    for n in range(OBSERVATIONS)
]


def cohort(seed: int = 2026) -> list[list[tuple[int, ...]]]:
    rng = random.Random(seed)
    # Levels lean upwards, as a real cohort's do, so that mastery is neither rare nor universal.
    return [
        [tuple(rng.choice((1, 2, 3, 3, 4, 4)) for _ in range(CRITERIA)) for _ in range(OBSERVATIONS)]
        for _ in range(TRAINEES)
    ]


def floor(data: list[list[tuple[int, ...]]]) -> int:
    """The same rule as the engine, as a bare loop: the least any checked scorer must do
    (observations put in time order first, as the engine must, since input order is not time)."""
    weights = (1, 2, 3, 1, 2, 3, 1, 2)
    scale = frozenset((1, 2, 3, 4))
    possible = sum(w * 4 for w in weights)
    a, b = 13, 20  # decay weight 0.65 = 13/20
    mastered = 0
    for trainee in data:
        trainee = [row for _, row in sorted(zip(OBSERVED, trainee))]
        outcomes = []
        for row in trainee:
            if len(row) != CRITERIA or not all(lv in scale and type(lv) is int for lv in row):
                raise ValueError("a level off the scale")
            earned = sum(map(mul, weights, row))
            outcomes.append(100 * earned >= 70 * possible and row[0] >= 2)  # each observation's outcome
        n = len(outcomes) - 1  # every complete observation counts
        numerators = [a * column[-1] * n + (b - a) * (sum(column) - column[-1]) for column in zip(*trainee)]
        d = b * n
        earned = sum(map(mul, weights, numerators))
        mastered += numerators[0] >= 2 * d and 100 * earned >= 70 * possible * d
    return mastered


def bulk(data: list[list[tuple[int, ...]]]) -> int:
    mastered = 0
    for trainee in data:
        mastered += aggregate(RUBRIC, score_rows(RUBRIC, trainee, OBSERVED), POLICY).outcome is Outcome.MET
    return mastered


def one_at_a_time(evidence: list[list[Evidence]]) -> int:
    mastered = 0
    for trainee in evidence:
        mastered += aggregate(RUBRIC, [score(RUBRIC, e) for e in trainee], POLICY).outcome is Outcome.MET
    return mastered


def rendered(data: list[list[tuple[int, ...]]]) -> int:
    mastered = 0
    for trainee in data:
        results = score_rows(RUBRIC, trainee, OBSERVED)
        for result in results:
            render_all(result.reasons, RUBRIC)
        combined = aggregate(RUBRIC, results, POLICY)
        render_all(combined.reasons, RUBRIC)
        mastered += combined.outcome is Outcome.MET
    return mastered


def timed(work: Callable[[Any], int], argument: Any) -> tuple[float, int]:
    """Seconds and result of one run, with the garbage collector paused as timeit does."""
    gc.collect()
    gc.disable()
    try:
        started = time.perf_counter()
        result = work(argument)
        return time.perf_counter() - started, result
    finally:
        gc.enable()


def main() -> None:
    data = cohort()
    evidence = [
        [
            Evidence(
                tuple(Judgement(k, lv) for k, lv in zip(KEYS, levels)),
                (),
                OBSERVED[n].id,
                OBSERVED[n].observed_at,
                OBSERVED[n].observer,
                OBSERVED[n].setting,
            )
            for n, levels in enumerate(trainee)
        ]
        for trainee in data
    ]
    paths: dict[str, tuple[Callable[[Any], int], Any]] = {
        "floor (checked bare loop)": (floor, data),
        "bulk rows": (bulk, data),
        "score() one at a time": (one_at_a_time, evidence),
        "bulk rows, every reason rendered": (rendered, data),
    }
    seconds: dict[str, list[float]] = {name: [] for name in paths}
    mastered: dict[str, int] = {}
    for _ in range(ROUNDS):
        for name, (work, argument) in paths.items():
            elapsed, mastered[name] = timed(work, argument)
            seconds[name].append(elapsed)
    floor_median = statistics.median(seconds["floor (checked bare loop)"])
    print(
        f"rubric engine: {TRAINEES:,} trainees × {OBSERVATIONS} observations × {CRITERIA} criteria, "
        f"decaying average, median of {ROUNDS} interleaved rounds"
    )
    for name, times in seconds.items():
        median = statistics.median(times)
        ratio = median / floor_median
        target = TARGETS.get(name)
        verdict = "" if target is None else f" (target ≤ {target:g}×) {'OK' if ratio <= target else 'ABOVE TARGET'}"
        print(
            f"  {name:34} {median:7.3f} s  spread {min(times):.3f}–{max(times):.3f} s  "
            f"{ratio:4.1f}× floor{verdict}   mastered: {mastered[name]:,}"
        )
    agree = len(set(mastered.values())) == 1
    print(
        f"  mastered counts {'agree' if agree else 'DISAGREE'}: {mastered['floor (checked bare loop)']:,} of {TRAINEES:,}"
    )
    assert agree, "the engine and the floor disagree"


if __name__ == "__main__":
    main()
