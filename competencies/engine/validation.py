"""Checks that a rubric makes sense and that evidence fits it; every problem names its path."""
from __future__ import annotations

from collections import Counter

from competencies.engine.model import ENTRUSTMENT_SCALE, Evidence, Rubric, RubricModel

Problem = tuple[str, str]  # (path, message)



class EngineError(ValueError):
    """Base of the engine's typed errors; ``errors`` lists every (path, message) found."""

    def __init__(self, errors: list[Problem]) -> None:
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in errors))
        self.errors = errors


class RubricError(EngineError):
    """The rubric definition is not valid."""


class EvidenceError(EngineError):
    """Judgements or faults do not fit the rubric: refused, never silently ignored."""


def _level_problems(rubric: Rubric, i: int) -> list[Problem]:
    criterion = rubric.criteria[i]
    path = f"criteria[{i}]"
    problems: list[Problem] = []
    if rubric.model is RubricModel.ANALYTIC and len(criterion.levels) < 2:
        problems.append((f"{path}.levels", "Give at least two levels, lowest first"))
    for j in range(1, len(criterion.levels)):
        if criterion.levels[j].value <= criterion.levels[j - 1].value:
            problems.append((f"{path}.levels[{j}].value",
                             f"Levels must rise strictly: {criterion.levels[j].value} follows {criterion.levels[j - 1].value}"))
    if criterion.critical_level is not None and criterion.levels:
        if criterion.critical_level > criterion.top:
            problems.append((f"{path}.critical_level",
                             f"The must-meet level {criterion.critical_level} is above the top level {criterion.top}"))
        elif criterion.critical_level < criterion.bottom:
            problems.append((f"{path}.critical_level",
                             f"The must-meet level {criterion.critical_level} is below the lowest level {criterion.bottom}"))
    return problems


def rubric_problems(rubric: Rubric) -> list[Problem]:
    """Every problem with ``rubric``; an empty list when it is sound."""
    problems: list[Problem] = []
    if not rubric.key.strip():
        problems.append(("key", "Give the rubric a key"))
    if not rubric.title.strip():
        problems.append(("title", "Give the rubric a title"))
    if not rubric.criteria:
        problems.append(("criteria", "Add at least one criterion"))
    counts = Counter(c.key for c in rubric.criteria)
    for i, criterion in enumerate(rubric.criteria):
        if not criterion.key.strip():
            problems.append((f"criteria[{i}].key", "Give the criterion a key"))
        elif counts[criterion.key] > 1:
            problems.append((f"criteria[{i}].key", f"The key ‘{criterion.key}’ is used by more than one criterion"))
        if not criterion.title.strip():
            problems.append((f"criteria[{i}].title", "Give the criterion a title"))
        if criterion.weight < 0:
            problems.append((f"criteria[{i}].weight", "Weights cannot be negative"))
        problems += _level_problems(rubric, i)
    if rubric.model is RubricModel.ANALYTIC:
        if rubric.criteria and sum(c.weight for c in rubric.criteria) <= 0:
            problems.append(("criteria", "The weights add up to zero: give at least one criterion a positive weight"))
        if not 0 < rubric.threshold <= 100:
            problems.append(("threshold", "Set the pass mark between 1 and 100 per cent"))
    elif rubric.model is RubricModel.ENTRUSTMENT:
        if not ENTRUSTMENT_SCALE[0][0] <= rubric.threshold <= ENTRUSTMENT_SCALE[-1][0]:
            problems.append(("threshold", "Set the unsupervised level between 1 and 5 on the entrustment scale"))
    if rubric.fault_limit < 0:
        problems.append(("fault_limit", "The minor fault limit cannot be below zero"))
    return problems


def check_rubric(rubric: Rubric) -> Rubric:
    problems = rubric_problems(rubric)
    if problems:
        raise RubricError(problems)
    return rubric


def fitting_levels(rubric: Rubric, evidence: Evidence) -> dict[str, int | None] | None:
    """The judged levels by criterion when the evidence fits the rubric (the common case,
    checked fast), else None: then :func:`check_evidence` says exactly what is wrong."""
    pairs = evidence.judgements  # each Judgement is a (criterion, level) tuple
    levels = dict(pairs)
    allowed = rubric.index.levels
    if len(levels) != len(pairs):
        return None  # a criterion judged twice
    if rubric.model is RubricModel.FAULTS:
        if not levels.keys() <= allowed.keys():
            return None
    elif not rubric.index.points.keys() >= set(pairs):
        return None  # an unknown criterion, or a level off its scale
    for fault in evidence.faults:
        if fault.criterion not in allowed:
            return None
    return levels


def check_evidence(rubric: Rubric, evidence: Evidence) -> None:
    """Refuse judgements or faults for unknown criteria, and levels outside the scale."""
    if fitting_levels(rubric, evidence) is not None:
        return
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, judgement in enumerate(evidence.judgements):
        criterion = rubric.criterion(judgement.criterion)
        if criterion is None:
            problems.append((f"judgements[{i}].criterion", f"The rubric has no criterion ‘{judgement.criterion}’"))
            continue
        if judgement.criterion in seen:
            problems.append((f"judgements[{i}].criterion", f"‘{criterion.title}’ is judged twice"))
        seen.add(judgement.criterion)
        if rubric.model is not RubricModel.FAULTS:
            if judgement.level is None:
                problems.append((f"judgements[{i}].level", f"Give a level for ‘{criterion.title}’"))
            elif judgement.level not in {lv.value for lv in criterion.levels}:
                problems.append((f"judgements[{i}].level",
                                 f"Level {judgement.level} is not on the scale of ‘{criterion.title}’ "
                                 f"({criterion.bottom} to {criterion.top})"))
    for i, fault in enumerate(evidence.faults):
        if rubric.criterion(fault.criterion) is None:
            problems.append((f"faults[{i}].criterion", f"The rubric has no criterion ‘{fault.criterion}’"))
    if problems:
        raise EvidenceError(problems)
