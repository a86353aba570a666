"""Scoring one observation against a rubric: the rule of each model, decided exactly.

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

from collections.abc import Iterable, Sequence
from itertools import repeat
from operator import contains, itemgetter, lt, mul
from typing import Any, cast

from competencies.engine.errors import EngineError, EvidenceError, Problem
from competencies.engine.evidence import (
    IDENTITY_MAX,
    Evidence,
    Fault,
    Judgement,
    Observation,
    judgement_problems,
    moment,
)
from competencies.engine.model import ENGINE_VERSION, FaultSeverity, Outcome, Rubric, RubricModel
from competencies.engine.results import Reason, Result, TupleNew, reason

NOT_APPLICABLE = "n/a"  # in a row or in Result.levels: the criterion did not arise
OBSERVED = "observed"  # in Result.levels of a faults rubric: the criterion was observed
_NO_OBSERVATION = Observation()


# ---- checking evidence against the rubric ------------------------------------------------------


def _judgement_problems(rubric: Rubric, i: int, j: Judgement, seen: set[str]) -> list[Problem]:
    path = f"judgements[{i}]"
    criterion = rubric.criterion(j.criterion)
    if criterion is None:
        return [Problem(f"{path}.criterion", f"The rubric has no criterion ‘{j.criterion}’")]
    problems = []
    if j.criterion in seen:
        problems.append(Problem(f"{path}.criterion", f"‘{criterion.title}’ is judged twice"))
    seen.add(j.criterion)
    if j.not_applicable:
        if criterion.critical_level is not None:
            problems.append(
                Problem(
                    f"{path}.not_applicable",
                    f"‘{criterion.title}’ must be met whatever else: it cannot be marked not applicable",
                )
            )
    elif rubric.model is RubricModel.FAULTS:
        if j.level is not None:
            problems.append(Problem(f"{path}.level", "Leave out the level: a faults rubric records faults"))
    elif j.level is None:
        problems.append(Problem(f"{path}.level", f"Give a level for ‘{criterion.title}’, or mark it not applicable"))
    elif j.level not in rubric.index.scales[rubric.index.positions[j.criterion]]:
        problems.append(
            Problem(
                f"{path}.level",
                f"Level {j.level} is not on the scale of ‘{criterion.title}’ ({criterion.bottom} to {criterion.top})",
            )
        )
    return problems


def _fault_problems(rubric: Rubric, i: int, fault: Fault) -> list[Problem]:
    kind = rubric.index.fault_types.get(fault.fault)
    if kind is None:
        return [Problem(f"faults[{i}].fault", f"The rubric has no fault type ‘{fault.fault}’")]
    if fault.severity is not None and kind.fails_alone and fault.severity.rank < kind.severity.rank:
        return [
            Problem(
                f"faults[{i}].severity",
                f"Record ‘{kind.title}’ as {kind.severity.value} or more severe: it fails the observation on its own",
            )
        ]
    return []


def _row_of(rubric: Rubric, evidence: Evidence) -> list[Any]:
    """The evidence as a row in criterion order (None: not observed), or EvidenceError."""
    if not isinstance(evidence, Evidence):
        raise EvidenceError([Problem("", "Give the evidence as an Evidence")])
    if rubric.model is not RubricModel.FAULTS:
        graded = _graded_row(rubric, evidence)
        if graded is not None:
            return graded
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, j in enumerate(evidence.judgements):
        problems += _judgement_problems(rubric, i, j, seen)
    for i, fault in enumerate(evidence.faults):
        problems += _fault_problems(rubric, i, fault)
    if problems:
        raise EvidenceError(problems)
    row: list[Any] = [None] * len(rubric.criteria)
    faults_model = rubric.model is RubricModel.FAULTS
    positions = rubric.index.positions
    for j in evidence.judgements:
        row[positions[j.criterion]] = NOT_APPLICABLE if j.not_applicable else (OBSERVED if faults_model else j.level)
    return row


def _graded_row(rubric: Rubric, evidence: Evidence) -> list[Any] | None:
    """The common case, checked fast: every judgement a level on its scale, every fault a known
    type recorded no less severe than its type allows. None: let the full check say what is wrong."""
    index = rubric.index
    positions, scales = index.positions, index.scales
    row: list[Any] = [None] * len(scales)
    for criterion, level, _, not_applicable in evidence.judgements:
        position = positions.get(criterion)
        if (
            position is None
            or not_applicable
            or row[position] is not None
            or type(level) is not int
            or level not in scales[position]
        ):
            return None
        row[position] = level
    types = index.fault_types
    for fault in evidence.faults:
        kind = types.get(fault.fault)
        if kind is None or (
            fault.severity is not None and kind.fails_alone and fault.severity.rank < kind.severity.rank
        ):
            return None
    return row


def _resolved(rubric: Rubric, faults: tuple[Fault, ...]) -> tuple[Fault, ...]:
    types = rubric.index.fault_types
    return tuple(f if f.severity is not None else Fault(f.fault, types[f.fault].severity, f.note) for f in faults)


# ---- the rule ------------------------------------------------------------------------------------


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
    rubric: Rubric, row: Sequence[Any], faults: tuple[Fault, ...] = (), observation: Observation = _NO_OBSERVATION
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
        met, percent, reasons = _entrustment(rubric, row)
    else:
        met, percent, reasons = _faults(rubric, faults, blocked)
    if met is None:
        outcome = Outcome.NOT_YET_MET if blocked else Outcome.INSUFFICIENT_EVIDENCE
    else:
        outcome = Outcome.MET if met and not blocked else Outcome.NOT_YET_MET
    return _new(
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
    return _analytic_rule(rubric, row, earned, possible)


def _analytic_rule(rubric: Rubric, row: Sequence[Any], earned: int, possible: int) -> tuple[bool, float, list[Reason]]:
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


_REASONS_KEPT_MAX = 10_000


def _made(made: dict[Any, Reason], key: Any, reason: Reason) -> Reason:
    """Keep a reason for reuse: a rubric gives the same few reasons again and again."""
    if len(made) < _REASONS_KEPT_MAX:
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


def _entrustment(rubric: Rubric, row: Sequence[Any]) -> tuple[bool | None, float, list[Reason]]:
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


# ---- entry points ------------------------------------------------------------------------------


def _check_rubric(rubric: Any) -> None:
    if not isinstance(rubric, Rubric):
        raise EvidenceError([Problem("rubric", "Give a Rubric (made by rubric_from_dict or Rubric(...))")])


def score(rubric: Rubric, evidence: Evidence) -> Result:
    """The explained result of one observation. Evidence that does not fit raises EvidenceError."""
    if type(rubric) is not Rubric:
        _check_rubric(rubric)
    row = _row_of(rubric, evidence)
    if not evidence.faults and rubric.model is RubricModel.ANALYTIC and None not in row and NOT_APPLICABLE not in row:
        return _complete_analytic(rubric, tuple(row), evidence.observation)
    return judge(rubric, row, _resolved(rubric, evidence.faults) if evidence.faults else (), evidence.observation)


def _complete_analytic(rubric: Rubric, levels: tuple[int, ...], observation: Observation) -> Result:
    """The analytic rule for a complete row with no fault: what score_rows inlines."""
    index = rubric.index
    earned = sum(map(mul, index.int_weights, levels))
    met, percent, reasons = _analytic_rule(rubric, levels, earned, index.possible)
    return _new(
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
    # The analytic rule, inlined for the common case (see _analytic_rule, which it must equal).
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
        zip(table, repeat(_NO_OBSERVATION) if observations is None else observations)
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
                met, percent, found = _analytic_rule(rubric, levels, earned, possible)
                reasons = tuple(found)
            else:
                met = True
                percent, reasons = reached.get(earned) or _reached_once(index, earned, possible)
        else:
            met, percent, found = _entrustment(rubric, levels)
            reasons = tuple(found)
        append(
            _new(
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


def _reached_once(index: Any, earned: int, possible: int) -> tuple[float, tuple[Reason, ...]]:
    found = (100.0 * earned / possible, (_reached(index, earned, possible),))
    if len(index.reached) < _REASONS_KEPT_MAX:
        index.reached[earned] = found
    return found


def _reached(index: Any, earned: int, possible: int) -> Reason:
    key = (earned, possible)
    return index.reasons.get(key) or _made(
        index.reasons,
        key,
        Reason("score_reached", None, (("percent", round(100.0 * earned / possible, 2)), ("needed", index.pass_mark))),
    )


_new = cast(TupleNew, tuple.__new__)  # builds a NamedTuple without its Python-level __new__: once per observation
_MET, _NOT_YET_MET = Outcome.MET, Outcome.NOT_YET_MET


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
        fitted = _row_of(rubric, evidence)
    except EvidenceError as error:
        raise EvidenceError(error.within(f"rows[{number}]").problems) from None
    return judge(rubric, fitted, (), evidence.observation)
