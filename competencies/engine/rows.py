"""Evidence as a row: checking one observation's evidence against the rubric and laying it out in
the rubric's criterion order, as the rule of :mod:`competencies.engine.rules` reads it.

A row holds, per criterion, its level, :data:`NOT_APPLICABLE` (the criterion did not arise),
:data:`OBSERVED` (a faults rubric: the criterion was observed) or None (not observed). Evidence that
does not fit the rubric raises :class:`EvidenceError` naming every problem; the common case (every
judgement a level on its scale) is checked by a fast path first.
"""

from __future__ import annotations

from typing import Any

from competencies.engine.errors import EvidenceError, Problem
from competencies.engine.evidence import Evidence, Fault, Judgement
from competencies.engine.model import Rubric, RubricModel

NOT_APPLICABLE = "n/a"  # in a row or in Result.levels: the criterion did not arise
OBSERVED = "observed"  # in Result.levels of a faults rubric: the criterion was observed


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


def row_of(rubric: Rubric, evidence: Evidence) -> list[Any]:
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


def resolved_faults(rubric: Rubric, faults: tuple[Fault, ...]) -> tuple[Fault, ...]:
    """Each fault with its severity, a fault recorded without one taking its type's."""
    types = rubric.index.fault_types
    return tuple(f if f.severity is not None else Fault(f.fault, types[f.fault].severity, f.note) for f in faults)
