"""Scoring observations against a rubric: the entry points :func:`score` (one observation),
:func:`score_many` (many, one rubric) and :func:`score_rows` (bulk rows of levels, as a CSV import
or a query gives them). Each checks what it is given, lays the evidence out as a row
(:mod:`competencies.engine.rows`) and applies the rule (:mod:`competencies.engine.rules`); the
common cases (a complete analytic row with no fault, a row of levels that fits) take fast paths
that must give the same results as the rule itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import contains, itemgetter, lt, mul
from typing import Any, cast

from competencies.engine.errors import EngineError, EvidenceError, Problem
from competencies.engine.evidence import IDENTITY_MAX, Evidence, Judgement, Observation, judgement_problems, moment
from competencies.engine.model import ENGINE_VERSION, Outcome, Rubric, RubricModel
from competencies.engine.results import Reason, Result
from competencies.engine.rows import NOT_APPLICABLE, resolved_faults, row_of
from competencies.engine.rules import (
    NO_OBSERVATION,
    analytic_rule,
    entrustment,
    judge,
    new_tuple,
    reached_once,
)

_MET, _NOT_YET_MET = Outcome.MET, Outcome.NOT_YET_MET


def _check_rubric(rubric: Any) -> None:
    if not isinstance(rubric, Rubric):
        raise EvidenceError([Problem("rubric", "Give a Rubric (made by rubric_from_dict or Rubric(...))")])


def score(rubric: Rubric, evidence: Evidence) -> Result:
    """The explained result of one observation. Evidence that does not fit raises EvidenceError."""
    if type(rubric) is not Rubric:
        _check_rubric(rubric)
    row = row_of(rubric, evidence)
    if not evidence.faults and rubric.model is RubricModel.ANALYTIC and None not in row and NOT_APPLICABLE not in row:
        return _complete_analytic(rubric, tuple(row), evidence.observation)
    return judge(rubric, row, resolved_faults(rubric, evidence.faults) if evidence.faults else (), evidence.observation)


def _complete_analytic(rubric: Rubric, levels: tuple[int, ...], observation: Observation) -> Result:
    """The analytic rule for a complete row with no fault: what score_rows inlines."""
    index = rubric.index
    earned = sum(map(mul, index.int_weights, levels))
    met, percent, reasons = analytic_rule(rubric, levels, earned, index.possible)
    return new_tuple(
        Result,
        (
            _MET if met else _NOT_YET_MET,
            percent,
            tuple(reasons),
            index.keys,
            levels,
            (),
            True,
            False,
            False,
            observation,
            rubric.stamp,
            ENGINE_VERSION,
        ),
    )


def score_many(rubric: Rubric, evidences: Iterable[Evidence]) -> list[Result]:
    """Results for many observations with one rubric; a misfit raises EvidenceError naming it."""
    _check_rubric(rubric)
    results = []
    for number, evidence in enumerate(evidences):
        try:
            results.append(score(rubric, evidence))
        except EngineError as error:
            raise EvidenceError(error.within(f"evidence[{number}]").problems) from None
    return results


def score_rows(
    rubric: Rubric, rows: Iterable[Sequence[Any]], observations: Sequence[Observation] | None = None
) -> list[Result]:
    """Bulk scoring for graded rubrics: each row holds the levels in the rubric's criterion
    order (None: not observed; "n/a": not applicable), as a CSV import or a query gives them,
    with an optional Observation per row. Same checks and same results as :func:`score`; a
    row that does not fit raises EvidenceError naming it (``rows[3].judgements[1].level``)."""
    _check_rubric(rubric)
    if rubric.model is RubricModel.FAULTS:
        raise EvidenceError(
            [Problem("rows", "A faults rubric records faults, not levels: score each observation with score()")]
        )
    index = rubric.index
    scales, weights, possible, keys = index.scales, index.int_weights, index.possible, index.keys
    width = len(keys)
    analytic = rubric.model is RubricModel.ANALYTIC
    stamp = rubric.stamp
    if observations is not None:
        _check_observations(observations)
    critical = index.critical
    # The must-meet check as one C-level comparison of the must-meet positions with their levels.
    must_positions, must_levels = tuple(i for i, _ in critical), tuple(level for _, level in critical)
    must_get = itemgetter(*must_positions) if len(must_positions) > 1 else None
    # The analytic rule, inlined for the common case (see rules.analytic_rule, which it must equal).
    pass_left, pass_right = 100 * index.pass_denominator, index.pass_numerator * possible
    table = cast("Sequence[Sequence[Any]]", rows) if type(rows) in _SEQUENCES else list(rows)
    if observations is not None and len(observations) < len(table):
        raise EvidenceError([Problem(f"observations[{len(observations)}]", "Give one Observation per row")])
    results: list[Result] = []
    append = results.append
    reached = index.reached  # earned → (percent, reasons) when met: the same few again and again
    met: bool | None
    percent: float
    reasons: tuple[Reason, ...]
    for number, (row, observation) in enumerate(
        zip(table, repeat(NO_OBSERVATION) if observations is None else observations)
    ):
        try:
            fits = (
                type(row) in _SEQUENCES
                and len(row) == width
                and all(map(contains, scales, row))
                and set(map(type, row)) == _INTS
            )
        except TypeError:  # an unhashable value: certainly not a level
            fits = False
        if not fits:
            append(_slow_row(rubric, number, row, observation))
            continue
        levels = row if type(row) is tuple else tuple(row)
        if analytic:
            earned = sum(map(mul, weights, levels))
            if (
                must_positions
                and (
                    any(map(lt, must_get(levels), must_levels))
                    if must_get
                    else levels[must_positions[0]] < must_levels[0]
                )
                or pass_left * earned < pass_right
            ):
                met, percent, found = analytic_rule(rubric, levels, earned, possible)
                reasons = tuple(found)
            else:
                met = True
                percent, reasons = reached.get(earned) or reached_once(index, earned, possible)
        else:
            met, percent, found = entrustment(rubric, levels)
            reasons = tuple(found)
        append(
            new_tuple(
                Result,
                (
                    _MET if met else _NOT_YET_MET,
                    percent,
                    reasons,
                    keys,
                    levels,
                    (),
                    True,
                    False,
                    False,
                    observation,
                    stamp,
                    ENGINE_VERSION,
                ),
            )
        )
    return results


_INTS = {int}
_STRS = {str}
_SEQUENCES = (tuple, list)
_CHECKED_MOMENTS: set[str] = set()  # observed_at texts known to be in Evidence's form
_CHECKED_OBSERVATIONS: set[Observation] = set()  # Observations already checked (equal ones are alike)
_CHECKED_MOMENTS_MAX = 100_000


def _check_observations(observations: Sequence[Observation]) -> None:
    """Each Observation as Evidence would have it (the same moment seen twice is checked once)."""
    if not isinstance(observations, (list, tuple)):
        raise EvidenceError([Problem("observations", "Give one Observation per row, as a list")])
    moments = _CHECKED_MOMENTS
    for number, o in enumerate(observations):
        try:
            if type(o) is Observation and o in _CHECKED_OBSERVATIONS:
                continue
        except TypeError:  # unhashable inside: refused below
            pass
        if type(o) is not Observation or set(map(type, o)) != _STRS:
            raise EvidenceError([Problem(f"observations[{number}]", "Give an Observation of text values")])
        if o.observed_at not in moments:
            if moment(o.observed_at) != o.observed_at:
                raise EvidenceError(
                    [
                        Problem(
                            f"observations[{number}].observed_at",
                            "Give the time as Evidence keeps it: UTC ISO 8601 with microseconds",
                        )
                    ]
                )
            if len(moments) >= _CHECKED_MOMENTS_MAX:
                moments.clear()
            moments.add(o.observed_at)
        problems = [
            Problem(f"observations[{number}].{name}", f"The {name} must be {IDENTITY_MAX} characters or fewer")
            for name in ("id", "observer", "setting")
            if len(getattr(o, name)) > IDENTITY_MAX
        ]
        if problems:
            raise EvidenceError(problems)
        if len(_CHECKED_OBSERVATIONS) >= _CHECKED_MOMENTS_MAX:
            _CHECKED_OBSERVATIONS.clear()
        _CHECKED_OBSERVATIONS.add(o)


def _slow_row(rubric: Rubric, number: int, row: Any, observation: Observation) -> Result:
    """A row off the fast path: not observed or not applicable entries, or a misfit to refuse."""
    if not isinstance(row, (tuple, list)):
        raise EvidenceError([Problem(f"rows[{number}]", "Give each row as a list of levels")])
    if len(row) != len(rubric.criteria):
        raise EvidenceError(
            [Problem(f"rows[{number}]", f"Give {len(rubric.criteria)} levels, one per criterion, in order")]
        )
    judgements = tuple(
        Judgement(c.key, None, "", True) if isinstance(lv, str) and lv == NOT_APPLICABLE else Judgement(c.key, lv)
        for c, lv in zip(rubric.criteria, row)
        if lv is not None
    )
    problems = [p for i, j in enumerate(judgements) for p in judgement_problems(j, f"judgements[{i}]")]
    if problems:
        raise EvidenceError(EvidenceError(problems).within(f"rows[{number}]").problems)
    evidence = Evidence(
        judgements, (), observation.id, observation.observed_at, observation.observer, observation.setting
    )
    try:
        fitted = row_of(rubric, evidence)
    except EvidenceError as error:
        raise EvidenceError(error.within(f"rows[{number}]").problems) from None
    return judge(rubric, fitted, (), evidence.observation)
