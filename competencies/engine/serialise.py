"""Rubrics and evidence as plain dicts (JSON), for storage, import and export.

Rubric::

    {"key": "annual-review", "title": "Lead an annual review", "model": "analytic",
     "threshold": 70, "fault_limit": 15,
     "criteria": [{"key": "child-voice", "title": "Keeps the child's voice central", "weight": 2,
                   "critical_level": 3,
                   "levels": [{"value": 1, "label": "Absent", "descriptor": "…"}, …]}]}

Entrustment criteria may leave out ``levels``: they use the 5-point entrustment scale.
Evidence::

    {"judgements": [{"criterion": "child-voice", "level": 3}],
     "faults": [{"criterion": "timelines", "severity": "serious", "note": "…"}]}
"""
from __future__ import annotations

from typing import Any

from competencies.engine.model import (
    DVSA_MINOR_FAULT_LIMIT,
    ENTRUSTMENT_SCALE,
    Criterion,
    Evidence,
    Fault,
    FaultSeverity,
    Judgement,
    Level,
    Rubric,
    RubricModel,
)
from competencies.engine.validation import EvidenceError, Problem, RubricError, check_rubric


RUBRIC_KEYS = {"key", "title", "model", "threshold", "fault_limit", "criteria"}
CRITERION_KEYS = {"key", "title", "weight", "critical_level", "levels"}
LEVEL_KEYS = {"value", "label", "descriptor"}


def _unknown(data: dict[str, Any], known: set[str], path: str, problems: list[Problem]) -> None:
    """Unknown keys are refused, never ignored: they are usually a typing or quoting mistake."""
    for key in data:
        if key not in known:
            problems.append((f"{path}{key}", f"Unknown field; expected one of: {', '.join(sorted(known))}"))


def _number(data: dict[str, Any], name: str, path: str, problems: list[Problem], default: Any, kind: type = float) -> Any:
    value = data.get(name, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not float(value).is_integer()):
        problems.append((f"{path}{name}", f"Enter {'a whole number' if kind is int else 'a number'}"))
        return default
    return kind(value)


def _text(data: dict[str, Any], name: str, path: str, problems: list[Problem], default: str | None = None) -> str:
    value = data.get(name, default)
    if not isinstance(value, str):
        problems.append((f"{path}{name}", "Enter some text" if value is None else "Enter text"))
        return ""
    return value


def _criterion(data: Any, i: int, model: RubricModel, problems: list[Problem]) -> Criterion:
    path = f"criteria[{i}]."
    if not isinstance(data, dict):
        problems.append((f"criteria[{i}]", "Each criterion is an object"))
        return Criterion("", "")
    raw_levels = data.get("levels")
    if raw_levels is None and model is RubricModel.ENTRUSTMENT:
        levels = tuple(Level(v, label, text) for v, label, text in ENTRUSTMENT_SCALE)
    elif raw_levels is None and model is RubricModel.FAULTS:
        levels = ()
    elif not isinstance(raw_levels, list):
        problems.append((f"{path}levels", "Give the levels as a list, lowest first"))
        levels = ()
    else:
        for j, lv in enumerate(raw_levels):
            if isinstance(lv, dict):
                _unknown(lv, LEVEL_KEYS, f"{path}levels[{j}].", problems)
            else:
                problems.append((f"{path}levels[{j}]", "Each level is an object with value, label and descriptor"))
        levels = tuple(
            Level(_number(lv, "value", f"{path}levels[{j}].", problems, 0, int),
                  _text(lv, "label", f"{path}levels[{j}].", problems), lv.get("descriptor", "") or "")
            if isinstance(lv, dict) else Level(0, "")
            for j, lv in enumerate(raw_levels)
        )
    _unknown(data, CRITERION_KEYS, path, problems)
    return Criterion(
        key=_text(data, "key", path, problems),
        title=_text(data, "title", path, problems),
        levels=levels,
        weight=_number(data, "weight", path, problems, 1.0),
        critical_level=_number(data, "critical_level", path, problems, None, int),
    )


def rubric_from_dict(data: Any) -> Rubric:
    """A checked Rubric, or RubricError listing every problem with its path."""
    if not isinstance(data, dict):
        raise RubricError([("", "A rubric is a JSON object")])
    problems: list[Problem] = []
    _unknown(data, RUBRIC_KEYS, "", problems)
    try:
        model = RubricModel(data.get("model"))
    except ValueError:
        problems.append(("model", "Choose the model: analytic, faults or entrustment"))
        model = RubricModel.ANALYTIC
    raw_criteria = data.get("criteria", [])
    if not isinstance(raw_criteria, list):
        problems.append(("criteria", "Give the criteria as a list"))
        raw_criteria = []
    rubric = Rubric(
        key=_text(data, "key", "", problems),
        title=_text(data, "title", "", problems),
        model=model,
        criteria=tuple(_criterion(c, i, model, problems) for i, c in enumerate(raw_criteria)),
        threshold=_number(data, "threshold", "", problems, 0.0),
        fault_limit=_number(data, "fault_limit", "", problems, DVSA_MINOR_FAULT_LIMIT, int),
    )
    if problems:
        raise RubricError(problems)
    return check_rubric(rubric)


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    return {
        "key": rubric.key,
        "title": rubric.title,
        "model": rubric.model.value,
        "threshold": rubric.threshold,
        "fault_limit": rubric.fault_limit,
        "criteria": [
            {
                "key": c.key,
                "title": c.title,
                "weight": c.weight,
                "critical_level": c.critical_level,
                "levels": [{"value": lv.value, "label": lv.label, "descriptor": lv.descriptor} for lv in c.levels],
            }
            for c in rubric.criteria
        ],
    }


def evidence_from_dict(data: Any) -> Evidence:
    """Evidence from plain values; a malformed entry raises EvidenceError naming it."""
    if not isinstance(data, dict):
        raise EvidenceError([("", "Evidence is a JSON object with judgements and faults")])
    problems: list[Problem] = []
    judgements = []
    for i, j in enumerate(data.get("judgements", []) or []):
        if not isinstance(j, dict) or not isinstance(j.get("criterion"), str):
            problems.append((f"judgements[{i}].criterion", "Name the criterion"))
            continue
        level = j.get("level")
        if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
            problems.append((f"judgements[{i}].level", "Give the level as a whole number"))
            continue
        judgements.append(Judgement(j["criterion"], level))
    faults = []
    for i, f in enumerate(data.get("faults", []) or []):
        try:
            faults.append(Fault(f["criterion"], FaultSeverity(f["severity"]), f.get("note", "") or ""))
        except (KeyError, TypeError, ValueError):
            problems.append((f"faults[{i}]", "Give each fault a criterion and a severity: minor, serious or dangerous"))
    if problems:
        raise EvidenceError(problems)
    return Evidence(tuple(judgements), tuple(faults))
