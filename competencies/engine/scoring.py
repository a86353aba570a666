"""Scoring one observation against a rubric, with reasons a trainee can act on.

Analytic: score = Σ(weight × level given) ÷ Σ(weight × top level) × 100, met when the score
reaches the threshold and every must-meet criterion reaches its level.
Faults (DVSA): met when minor faults ≤ the limit and there is no serious or dangerous fault.
Entrustment: met when every criterion reaches the "unsupervised" level (and must-meet levels).
Missing judgements give "insufficient evidence", naming what was not observed.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from operator import contains as _contains
from operator import mul

from competencies.engine.model import (
    ENTRUSTMENT_SCALE,
    Evidence,
    FaultSeverity,
    Judgement,
    Outcome,
    Result,
    Rubric,
    RubricModel,
)
from competencies.engine.validation import EvidenceError, check_evidence, fitting_levels


def _missing(rubric: Rubric, levels: dict[str, int]) -> Result:
    missing = [c.title for c in rubric.criteria if c.key not in levels]
    names = ", ".join(f"‘{t}’" for t in missing)
    return Result.with_reasons(Outcome.INSUFFICIENT_EVIDENCE, 0.0, 0.0,
                  (f"Not enough evidence: {names} {'was' if len(missing) == 1 else 'were'} not observed. "
                   "Observe again before deciding.",))


def _critical_reasons(rubric: Rubric, levels: dict[str, int]) -> list[str]:
    reasons = []
    for c in rubric.index.critical:
        if levels[c.key] < c.critical_level:  # type: ignore[operator]
            reasons.append(
                f"‘{c.title}’ was judged at level {levels[c.key]} ({c.label_of(levels[c.key])}); it must reach "
                f"level {c.critical_level} ({c.label_of(c.critical_level)}) whatever the total, so this is not yet met."
            )
    return reasons


def _analytic(rubric: Rubric, levels: dict[str, int], evidence: Evidence) -> Result:
    earned = sum(map(rubric.index.points.__getitem__, levels.items()))
    critical_met = all(levels[c.key] >= c.critical_level for c in rubric.index.critical)  # type: ignore[operator]
    return _analytic_result(rubric, earned, critical_met, lambda: levels)


def _analytic_result(rubric: Rubric, earned: float, critical_met: bool,
                     levels: Callable[[], dict[str, int]]) -> Result:
    """The analytic rule, in one place: score = earned ÷ possible, met at the threshold with
    every must-meet criterion reached. ``levels`` is only called if reasons are asked for."""
    score = 100.0 * earned / rubric.index.possible
    met = critical_met and score >= rubric.threshold
    return Result(Outcome.MET if met else Outcome.NOT_YET_MET, score, score,
                  lambda: _analytic_reasons(rubric, levels(), score))


def _analytic_reasons(rubric: Rubric, levels: dict[str, int], score: float) -> tuple[str, ...]:
    reasons = _critical_reasons(rubric, levels)
    if score < rubric.threshold:
        reasons.append(f"The weighted score is {score:.0f}%, below the {rubric.threshold:g}% needed. "
                       f"Lowest-rated: {_lowest(rubric, levels)}.")
    else:
        reasons.append(f"The weighted score is {score:.0f}%, reaching the {rubric.threshold:g}% needed.")
    return tuple(reasons)


def _lowest(rubric: Rubric, levels: dict[str, int]) -> str:
    tops = rubric.index.tops
    worst = rubric.index.by_key[min(tops, key=lambda key: levels[key] / tops[key])]
    return f"‘{worst.title}’ at level {levels[worst.key]} of {worst.top}"


def _faults(rubric: Rubric, levels: dict[str, int], evidence: Evidence) -> Result:
    counts = {severity: 0 for severity in FaultSeverity}
    for fault in evidence.faults:
        counts[fault.severity] += 1
    minor, serious, dangerous = counts[FaultSeverity.MINOR], counts[FaultSeverity.SERIOUS], counts[FaultSeverity.DANGEROUS]
    reasons = []
    titles = {c.key: c.title for c in rubric.criteria}
    for fault in evidence.faults:
        if fault.severity is not FaultSeverity.MINOR:
            note = f": {fault.note}" if fault.note else ""
            reasons.append(f"A {fault.severity.value} fault under ‘{titles[fault.criterion]}’{note}. "
                           "Any serious or dangerous fault means not yet met, whatever else went well.")
    if minor > rubric.fault_limit:
        reasons.append(f"{minor} minor faults were recorded; no more than {rubric.fault_limit} are allowed.")
    met = not reasons
    if met:
        reasons.append(f"{minor} minor fault{'s' if minor != 1 else ''} (no more than {rubric.fault_limit} allowed) "
                       "and no serious or dangerous fault.")
    percent = 0.0 if (serious or dangerous) else max(0.0, 100.0 * (1 - minor / (rubric.fault_limit + 1)))
    return Result.with_reasons(Outcome.MET if met else Outcome.NOT_YET_MET, float(minor), percent, tuple(reasons),
                               dangerous > 0)


def _entrustment(rubric: Rubric, levels: dict[str, int], evidence: Evidence) -> Result:
    needed = int(rubric.threshold)
    label = dict((v, lab) for v, lab, _ in ENTRUSTMENT_SCALE)
    reasons = _critical_reasons(rubric, levels)
    below = [c for c in rubric.criteria if levels[c.key] < needed]
    for c in below:
        reasons.append(f"‘{c.title}’ was rated {levels[c.key]} ({label.get(levels[c.key], '')}); level {needed} "
                       f"({label.get(needed, '')}) is needed to do this unsupervised.")
    lowest = min(levels[c.key] for c in rubric.criteria)
    met = not reasons
    if met:
        reasons.append(f"Every part was rated at least {needed} ({label.get(needed, '')}): trusted to do this unsupervised.")
    percent = 100.0 * (lowest - 1) / (len(ENTRUSTMENT_SCALE) - 1)
    return Result.with_reasons(Outcome.MET if met else Outcome.NOT_YET_MET, float(lowest), percent, tuple(reasons))


_SCORERS = {RubricModel.ANALYTIC: _analytic, RubricModel.FAULTS: _faults, RubricModel.ENTRUSTMENT: _entrustment}


def score(rubric: Rubric, evidence: Evidence) -> Result:
    """The explained result of one observation. Evidence that does not fit raises EvidenceError."""
    return score_many(rubric, (evidence,))[0]


def score_many(rubric: Rubric, evidences: Iterable[Evidence]) -> list[Result]:
    """Results for many observations with one rubric, its lookups kept at hand across them."""
    scorer = _SCORERS[rubric.model]
    criteria_count = len(rubric.criteria)
    results = []
    for evidence in evidences:
        levels = fitting_levels(rubric, evidence)
        if levels is None:
            check_evidence(rubric, evidence)  # raises EvidenceError naming each problem
            raise AssertionError("evidence that does not fit must be refused")  # pragma: no cover
        if len(levels) < criteria_count:
            results.append(_missing(rubric, levels))  # it fits, so fewer means some were not observed
        else:
            results.append(scorer(rubric, levels, evidence))
    return results


_NO_EVIDENCE = Evidence()


def score_rows(rubric: Rubric, rows: Iterable[Sequence[int | None]]) -> list[Result]:
    """Bulk scoring for graded rubrics: each row is the levels in the rubric's criterion order
    (None: not observed), as a CSV import or a database query gives them. Same checks, same
    explained results as :func:`score`; a row that does not fit raises EvidenceError naming it.
    Complete analytic rows take a fast path over the criterion-ordered lookups.
    """
    if rubric.model is RubricModel.FAULTS:
        raise ValueError("Faults rubrics record faults, not levels: use score()")
    index = rubric.index
    keys, weights, allowed, critical = index.keys, index.weights_in_order, index.levels_in_order, index.critical_positions
    analytic = rubric.model is RubricModel.ANALYTIC
    scorer = _SCORERS[rubric.model]
    results = []
    for number, row in enumerate(rows):
        if len(row) != len(keys):
            _refuse_row(rubric, number, row)
        if None in row:  # some criteria not observed: insufficient evidence, once the rest is checked
            levels = {key: level for key, level in zip(keys, row) if level is not None}
            if not all(level in a for level, a in zip(row, allowed) if level is not None):
                _refuse_row(rubric, number, row)
            results.append(_missing(rubric, levels))
            continue
        if not all(map(_contains, allowed, row)):
            _refuse_row(rubric, number, row)
        if analytic:
            critical_met = all(row[i] >= level for i, level in critical) if critical else True
            results.append(_analytic_result(rubric, sum(map(mul, weights, row)), critical_met,
                                            partial(_row_levels, keys, row)))
        else:
            results.append(scorer(rubric, dict(zip(keys, row)), _NO_EVIDENCE))
    return results


def _row_levels(keys: tuple[str, ...], row: Sequence[int]) -> dict[str, int]:
    return dict(zip(keys, row))


def _refuse_row(rubric: Rubric, number: int, row: Sequence[int | None]) -> None:
    if len(row) != len(rubric.criteria):
        raise EvidenceError([(f"rows[{number}]", f"Give {len(rubric.criteria)} levels, one per criterion, in order")])
    evidence = Evidence(tuple(Judgement(c.key, lv) for c, lv in zip(rubric.criteria, row) if lv is not None))
    try:
        check_evidence(rubric, evidence)
    except EvidenceError as error:
        raise EvidenceError([(f"rows[{number}].{path}", message) for path, message in error.errors]) from None
