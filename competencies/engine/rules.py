"""The rule of each model, decided exactly, for evidence laid out as a checked row
(:mod:`competencies.engine.rows`).

- Any serious or dangerous fault, or a fault whose type fails alone, makes the observation
  *not yet met*, whatever the model and whatever else was (or was not) observed.
- Otherwise a criterion neither judged nor marked not applicable gives *insufficient evidence*.
- Analytic: met when Σ(weight × level) ÷ Σ(weight × top level) reaches the pass mark and every
  must-meet criterion reaches its level. Not-applicable criteria leave both sums.
- Faults: met when the minor faults are at most the limit.
- Entrustment: met when every criterion reaches the pass level (and its must-meet level).
Comparisons are on integers: weights are scaled by their common denominator and the pass mark
p/q is compared as 100·q·earned ≥ p·possible, so 0.1 + 0.2 against 30 % is exactly met.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import mul
from typing import Any, cast

from competencies.engine.evidence import Fault, Observation
from competencies.engine.model import ENGINE_VERSION, FaultSeverity, Outcome, Rubric, RubricModel
from competencies.engine.results import Reason, Result, TupleNew, reason
from competencies.engine.rows import NOT_APPLICABLE

NO_OBSERVATION = Observation()  # a row scored without an Observation of its own
new_tuple = cast(TupleNew, tuple.__new__)  # builds a NamedTuple without its Python-level __new__: once per observation
REASONS_KEPT_MAX = 10_000


def _fault_reasons(rubric: Rubric, faults: tuple[Fault, ...]) -> tuple[list[Reason], bool]:
    """Reasons for each fault that fails the observation, and whether any is dangerous."""
    types = rubric.index.fault_types
    reasons = []
    dangerous = False
    for f in faults:
        kind = types[f.fault]
        if f.severity is not FaultSeverity.MINOR or kind.fails_alone:
            reasons.append(reason("fault_fails", kind.criterion, fault=f.fault, severity=f.severity.value, note=f.note))  # type: ignore[union-attr]
        dangerous = dangerous or f.severity is FaultSeverity.DANGEROUS
    return reasons, dangerous


def judge(
    rubric: Rubric, row: Sequence[Any], faults: tuple[Fault, ...] = (), observation: Observation = NO_OBSERVATION
) -> Result:
    """The rule, in one place, for a checked row (criterion order) and resolved faults."""
    keys = rubric.index.keys
    blocking, dangerous = _fault_reasons(rubric, faults) if faults else ([], False)
    blocked = bool(blocking)
    missing = tuple(k for k, v in zip(keys, row) if v is None) if None in row else ()
    levels = tuple(row)
    if missing:
        outcome = Outcome.NOT_YET_MET if blocked else Outcome.INSUFFICIENT_EVIDENCE
        return Result(
            outcome,
            0.0,
            (*blocking, reason("not_observed", criteria=missing)),
            keys,
            levels,
            faults,
            False,
            blocked,
            dangerous,
            observation,
            rubric.stamp,
            ENGINE_VERSION,
        )
    if rubric.model is RubricModel.ANALYTIC:
        met, percent, reasons = _analytic(rubric, row)
    elif rubric.model is RubricModel.ENTRUSTMENT:
        met, percent, reasons = entrustment(rubric, row)
    else:
        met, percent, reasons = _faults(rubric, faults, blocked)
    if met is None:
        outcome = Outcome.NOT_YET_MET if blocked else Outcome.INSUFFICIENT_EVIDENCE
    else:
        outcome = Outcome.MET if met and not blocked else Outcome.NOT_YET_MET
    return new_tuple(
        Result,
        (
            outcome,
            0.0 if blocked else percent,
            (*blocking, *reasons),
            keys,
            levels,
            faults,
            True,
            blocked,
            dangerous,
            observation,
            rubric.stamp,
            ENGINE_VERSION,
        ),
    )


def _must_meet(rubric: Rubric, row: Sequence[Any]) -> list[Reason]:
    keys = rubric.index.keys
    return [
        reason("must_meet_below", keys[i], given=row[i], needed=level)
        for i, level in rubric.index.critical
        if row[i] < level
    ]


def _analytic(rubric: Rubric, row: Sequence[Any]) -> tuple[bool | None, float, list[Reason]]:
    index = rubric.index
    weights, tops = index.int_weights, index.tops
    if NOT_APPLICABLE in row:
        pairs = [(w, lv, top) for w, lv, top in zip(weights, row, tops) if lv != NOT_APPLICABLE]
        earned = sum(w * lv for w, lv, _ in pairs)
        possible = sum(w * top for w, _, top in pairs)
        if possible == 0:
            return None, 0.0, [reason("nothing_applicable")]
    else:
        earned, possible = sum(map(mul, weights, row)), index.possible
    return analytic_rule(rubric, row, earned, possible)


def analytic_rule(rubric: Rubric, row: Sequence[Any], earned: int, possible: int) -> tuple[bool, float, list[Reason]]:
    """The analytic rule once the sums are known: met, percent, and the reasons (must-meet first)."""
    index = rubric.index
    made = index.reasons
    reasons = (
        [
            made.get((i, row[i]))
            or _made(
                made, (i, row[i]), Reason("must_meet_below", index.keys[i], (("given", row[i]), ("needed", level)))
            )
            for i, level in index.critical
            if row[i] < level
        ]
        if index.critical
        else []
    )
    percent = 100.0 * earned / possible
    if 100 * index.pass_denominator * earned >= index.pass_numerator * possible:
        reasons.append(_reached(index, earned, possible))
        return len(reasons) == 1, percent, reasons
    lowest = _lowest(index, row)
    key = (earned, possible, lowest, row[lowest])
    reasons.append(
        made.get(key)
        or _made(
            made,
            key,
            Reason(
                "score_below",
                index.keys[lowest],
                (
                    ("percent", round(percent, 2)),
                    ("needed", index.pass_mark),
                    ("given", row[lowest]),
                    ("top", index.tops[lowest]),
                ),
            ),
        )
    )
    return False, percent, reasons


def _made(made: dict[Any, Reason], key: Any, reason: Reason) -> Reason:
    """Keep a reason for reuse: a rubric gives the same few reasons again and again."""
    if len(made) < REASONS_KEPT_MAX:
        made[key] = reason
    return reason


def _lowest(index: Any, row: Sequence[Any]) -> int:
    """The weighted criterion rated lowest for its scale (first of equals): what to work on."""
    if index.uniform and NOT_APPLICABLE not in row:
        return row.index(min(row))
    return min(
        (i for i, lv in enumerate(row) if lv != NOT_APPLICABLE and index.int_weights[i]),
        key=lambda i: (row[i] - index.bottoms[i]) / (index.tops[i] - index.bottoms[i]),
    )


def entrustment(rubric: Rubric, row: Sequence[Any]) -> tuple[bool | None, float, list[Reason]]:
    """The entrustment rule: every applicable criterion at the pass level (and its must-meet level)."""
    index = rubric.index
    applicable = [i for i, lv in enumerate(row) if lv != NOT_APPLICABLE]
    if not applicable:
        return None, 0.0, [reason("nothing_applicable")]
    reasons = _must_meet(rubric, row) if index.critical else []
    needed = rubric.threshold
    reasons += [
        reason("below_pass_level", index.keys[i], given=row[i], needed=needed) for i in applicable if row[i] < needed
    ]
    met = not reasons
    if met:
        reasons.append(reason("entrusted", needed=needed))
    percent = min(100.0 * (row[i] - index.bottoms[i]) / (index.tops[i] - index.bottoms[i]) for i in applicable)
    return met, percent, reasons


def _faults(rubric: Rubric, faults: tuple[Fault, ...], blocked: bool) -> tuple[bool, float, list[Reason]]:
    types = rubric.index.fault_types
    minor = sum(1 for f in faults if f.severity is FaultSeverity.MINOR and not types[f.fault].fails_alone)
    limit = rubric.fault_limit
    if minor > limit:
        return (
            False,
            max(0.0, 100.0 * (1 - minor / (limit + 1))),
            [reason("minor_faults_over", given=minor, allowed=limit)],
        )
    return (
        True,
        100.0 * (1 - minor / (limit + 1)),
        [] if blocked else [reason("minor_faults_within", given=minor, allowed=limit)],
    )


def reached_once(index: Any, earned: int, possible: int) -> tuple[float, tuple[Reason, ...]]:
    """The percent and reason of a met analytic row scoring ``earned``, kept on the index for the next."""
    found = (100.0 * earned / possible, (_reached(index, earned, possible),))
    if len(index.reached) < REASONS_KEPT_MAX:
        index.reached[earned] = found
    return found


def _reached(index: Any, earned: int, possible: int) -> Reason:
    key = (earned, possible)
    return index.reasons.get(key) or _made(
        index.reasons,
        key,
        Reason("score_reached", None, (("percent", round(100.0 * earned / possible, 2)), ("needed", index.pass_mark))),
    )
