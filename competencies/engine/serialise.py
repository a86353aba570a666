"""Rubrics and evidence as plain dicts (JSON or YAML), for storage, import and export.

Rubric (fields other than key, title, model and criteria are optional)::

    {"key": "annual-review", "title": "Lead an annual review", "model": "analytic",
     "threshold": 70, "fault_limit": 15, "pass_rationale": "…", "version": 1,
     "criteria": [{"key": "child-voice", "title": "Keeps the child's voice central", "weight": 2,
                   "critical_level": 3, "sources": ["…"],
                   "levels": [{"value": 1, "label": "Absent", "descriptor": "…"}, …]}],
     "fault_types": [{"key": "breaches-confidentiality", "title": "…", "criterion": "child-voice",
                      "severity": "serious", "fails_alone": true, "why": "…", "sources": ["…"]}]}

``threshold``: the pass mark (analytic, per cent) or the pass level (entrustment). Entrustment
criteria may leave out ``levels``: they use the O-SCORE. Numbers are read from their decimal
text (0.1 is one tenth). Evidence::

    {"observation_id": "obs-17", "observed_at": "2026-03-03T10:30:00+00:00", "observer": "…",
     "setting": "…",
     "judgements": [{"criterion": "child-voice", "level": 3, "comment": "…"},
                    {"criterion": "timelines", "not_applicable": true}],
     "faults": [{"fault": "breaches-confidentiality", "severity": "dangerous", "note": "…"}]}
"""

from __future__ import annotations

from typing import Any

from competencies.engine.errors import EngineError, EvidenceError, Problem, RubricError
from competencies.engine.evidence import Evidence, Fault, Judgement
from competencies.engine.model import (
    DVSA_MINOR_FAULT_LIMIT,
    ENTRUSTMENT_SCALE,
    Criterion,
    FaultSeverity,
    FaultType,
    Level,
    Rubric,
    RubricModel,
    canonical_form,
)
from competencies.engine.numbers import exact

RUBRIC_KEYS = {
    "key",
    "title",
    "model",
    "threshold",
    "fault_limit",
    "criteria",
    "fault_types",
    "pass_rationale",
    "version",
}
CRITERION_KEYS = {"key", "title", "weight", "critical_level", "levels", "sources"}
LEVEL_KEYS = {"value", "label", "descriptor"}
FAULT_TYPE_KEYS = {"key", "title", "criterion", "severity", "fails_alone", "why", "sources"}
EVIDENCE_KEYS = {"judgements", "faults", "observation_id", "observed_at", "observer", "setting"}
JUDGEMENT_KEYS = {"criterion", "level", "comment", "not_applicable"}
FAULT_KEYS = {"fault", "severity", "note"}


def _object(data: Any, path: str, known: set[str], what: str, problems: list[Problem]) -> dict[str, Any] | None:
    """``data`` when it is an object; unknown keys are refused, never ignored (usually a typing
    or YAML quoting mistake)."""
    if not isinstance(data, dict):
        problems.append(Problem(path, f"Give {what} as an object"))
        return None
    prefix = f"{path}." if path else ""
    problems += [
        Problem(f"{prefix}{key}", f"Unknown field; expected one of: {', '.join(sorted(known))}")
        for key in data
        if key not in known
    ]
    return data


def _list(data: Any, path: str, what: str, problems: list[Problem]) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list):
        problems.append(Problem(path, f"Give {what} as a list"))
        return []
    return data


def _given(found: dict[str, Any], key: str) -> Any:
    """A field exactly as given, unchecked (None when left out): the rubric's or the evidence's
    own checks refuse a wrong value with its path."""
    return found.get(key)


def _number(value: Any) -> Any:
    """Numbers exactly as written (floats through their decimal text); anything else is passed
    on unchanged for the rubric's own checks to refuse with its path."""
    number = exact(value)
    return value if number is None else (int(number) if number.denominator == 1 else number)


def _sources(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _levels(raw: Any, path: str, model: RubricModel, problems: list[Problem]) -> tuple[Level, ...]:
    if raw is None:
        if model is RubricModel.ENTRUSTMENT:
            return tuple(Level(v, label, text) for v, label, text in ENTRUSTMENT_SCALE)
        return ()
    levels = []
    for j, lv in enumerate(_list(raw, f"{path}.levels", "the levels", problems)):
        found = _object(lv, f"{path}.levels[{j}]", LEVEL_KEYS, "each level (value, label, descriptor)", problems)
        if found is not None:
            levels.append(Level(_given(found, "value"), _given(found, "label"), found.get("descriptor", "")))
    return tuple(levels)


def _criterion(data: Any, i: int, model: RubricModel, problems: list[Problem]) -> Criterion | None:
    path = f"criteria[{i}]"
    found = _object(data, path, CRITERION_KEYS, "each criterion", problems)
    if found is None:
        return None
    return Criterion(
        _given(found, "key"),
        _given(found, "title"),
        _levels(found.get("levels"), path, model, problems),
        _number(found.get("weight", 1)),
        found.get("critical_level"),
        _sources(found.get("sources", [])),
    )


def _fault_type(data: Any, i: int, problems: list[Problem]) -> FaultType | None:
    found = _object(data, f"fault_types[{i}]", FAULT_TYPE_KEYS, "each fault type", problems)
    if found is None:
        return None
    severity = found.get("severity", "minor")
    try:
        severity = FaultSeverity(severity)
    except (ValueError, TypeError):
        pass  # refused by the rubric's check, with its path
    return FaultType(
        _given(found, "key"),
        _given(found, "title"),
        severity,
        found.get("criterion"),
        found.get("fails_alone", False),
        found.get("why") or "",
        _sources(found.get("sources", [])),
    )


def rubric_from_dict(data: Any) -> Rubric:
    """A checked Rubric, or RubricError listing every problem with its path."""
    problems: list[Problem] = []
    found = _object(data, "", RUBRIC_KEYS, "a rubric", problems)
    if found is None:
        raise RubricError(problems)
    try:
        model = RubricModel(found.get("model"))
    except (ValueError, TypeError):
        problems.append(Problem("model", "Choose the model: analytic, faults or entrustment"))
        raise RubricError(problems) from None
    criteria = [
        _criterion(c, i, model, problems)
        for i, c in enumerate(_list(found.get("criteria"), "criteria", "the criteria", problems))
    ]
    fault_types = [
        _fault_type(f, i, problems)
        for i, f in enumerate(_list(found.get("fault_types"), "fault_types", "the fault types", problems))
    ]
    if problems or None in criteria or None in fault_types:
        raise RubricError(problems)
    try:
        # Checked above: no None among criteria and fault types; the model checks key and title.
        return Rubric(
            found.get("key"),  # type: ignore[arg-type]
            found.get("title"),  # type: ignore[arg-type]
            model,
            tuple(criteria),  # type: ignore[arg-type]
            _number(found.get("threshold", 0)),
            found.get("fault_limit", DVSA_MINOR_FAULT_LIMIT),
            tuple(fault_types),  # type: ignore[arg-type]
            found.get("pass_rationale") or "",
            found.get("version", 1),
        )
    except RubricError as error:
        raise RubricError(problems + error.problems) from None


def rubric_to_dict(rubric: Rubric) -> dict[str, Any]:
    """The canonical form, plus the version: ``rubric_from_dict`` of it gives the same rubric."""
    return {**canonical_form(rubric), "version": rubric.version}


def evidence_from_dict(data: Any) -> Evidence:
    """Evidence from plain values; every malformed entry raises EvidenceError naming it."""
    problems: list[Problem] = []
    found = _object(data, "", EVIDENCE_KEYS, "the evidence (judgements and faults)", problems)
    if found is None:
        raise EvidenceError(problems)
    judgements = []
    for i, j in enumerate(_list(found.get("judgements"), "judgements", "the judgements", problems)):
        item = _object(j, f"judgements[{i}]", JUDGEMENT_KEYS, "each judgement", problems)
        if item is not None:
            judgements.append(
                Judgement(
                    _given(item, "criterion"),
                    item.get("level"),
                    item.get("comment") or "",
                    item.get("not_applicable", False),
                )
            )
    faults = []
    for i, f in enumerate(_list(found.get("faults"), "faults", "the faults", problems)):
        item = _object(f, f"faults[{i}]", FAULT_KEYS, "each fault", problems)
        if item is not None:
            try:
                faults.append(Fault(_given(item, "fault"), item.get("severity"), item.get("note") or ""))
            except EngineError as error:
                problems += error.within(f"faults[{i}]").problems
    if problems:
        raise EvidenceError(problems)
    return Evidence(
        tuple(judgements),
        tuple(faults),
        found.get("observation_id", ""),
        found.get("observed_at", ""),
        found.get("observer", ""),
        found.get("setting", ""),
    )
