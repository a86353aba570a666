"""The built-in scenario library, read from ``competencies/data/scenarios`` and fully checked.

Each file is one observed real-world situation with its rubric. A problem raises
:class:`ScenarioError` naming file and path, e.g. ``annual-review.yaml: rubric.criteria[1].weight``.
No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import ValidationError, validate

from competencies.engine import ENTRUSTMENT_SCALE, Rubric, RubricError, rubric_from_dict
from competencies.schemas import ScenarioSchema
from core.documents import read_yaml
from core.problems import Invalid, Problem, from_marshmallow
from curriculum.catalogue import load_sources, resolve, unknown_citations
from curriculum.schemas import citations

DATA_DIR = Path(__file__).parent / "data" / "scenarios"


class ScenarioError(Invalid):
    """The scenario files are not valid."""


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    purpose: str
    setting: str
    present: tuple[str, ...]
    looks_for: tuple[str, ...]
    prepared_by: tuple[str, ...]  # curriculum module keys
    observers: tuple[str, ...]  # who may observe; sign-off needs more than one
    sources: tuple[str, ...]  # full citations (curriculum/data/reference.yaml)
    rubric: Rubric


# One set of level labels for every analytic rubric in the library, so moderators compare like
# with like; entrustment levels take the O-SCORE's labels from the engine. Files give descriptors.
ANALYTIC_LABELS = {1: "Not yet", 2: "Emerging", 3: "Secure", 4: "Strong"}
_LABELS = {"analytic": ANALYTIC_LABELS, "entrustment": {value: label for value, label, _ in ENTRUSTMENT_SCALE}}


def _label_levels(rubric: dict[str, Any]) -> None:
    labels = _LABELS.get(rubric.get("model"), {})
    for criterion in rubric.get("criteria") or []:
        for level in (criterion.get("levels") or []) if isinstance(criterion, dict) else []:
            if isinstance(level, dict) and "label" not in level and level.get("value") in labels:
                level["label"] = labels[level["value"]]


_CITED = citations(validate=validate.Length(min=1, error="Cite at least one source"))


def _cited_parts(rubric: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The rubric's parts that carry citations: each criterion and each fault type, with its path."""
    parts = [(f"criteria[{i}]", c) for i, c in enumerate(rubric.get("criteria") or []) if isinstance(c, dict)]
    return parts + [
        (f"fault_types[{i}]", f) for i, f in enumerate(rubric.get("fault_types") or []) if isinstance(f, dict)
    ]


def _resolve_rubric_sources(rubric: dict[str, Any], sources: dict[str, Any], name: str) -> list[Problem]:
    """Criteria and fault types cite like everything else; the engine receives readable strings."""
    errors = []
    for path, part in _cited_parts(rubric):
        at = f"{name}: rubric.{path}.sources"
        try:
            cited = _CITED.deserialize(part.get("sources") or [])
        except ValidationError as error:
            errors += [
                Problem(f"{name}: {e.path}", e.message)
                for e in from_marshmallow(error.messages, f"rubric.{path}.sources")
            ]
            continue
        problems = unknown_citations(sources, cited, at)
        errors += problems
        if not problems:
            part["sources"] = list(resolve(sources, cited))
    return errors


def _load_file(
    path: Path, module_keys: set[str] | None, sources: dict[str, Any]
) -> tuple[Scenario | None, list[Problem]]:
    name = path.name
    try:
        data = ScenarioSchema().load(read_yaml(path))
    except Invalid as error:  # missing, not UTF-8, or not YAML
        return None, list(error.problems)
    except ValidationError as error:
        return None, [Problem(f"{name}: {e.path}", e.message) for e in from_marshmallow(error.messages)]
    errors = []
    if data["key"] != path.stem:
        errors.append(Problem(f"{name}: key", f"The key must match the file name ‘{path.stem}’"))
    if module_keys is not None:
        errors += [
            Problem(f"{name}: prepared_by[{i}]", f"No curriculum module has the key ‘{key}’")
            for i, key in enumerate(data["prepared_by"])
            if key not in module_keys
        ]
    errors += unknown_citations(sources, data["sources"], f"{name}: sources")
    errors += _resolve_rubric_sources(data["rubric"], sources, name)
    _label_levels(data["rubric"])
    if errors:
        return None, errors
    try:
        rubric = rubric_from_dict(data["rubric"])
    except RubricError as error:
        return None, errors + [Problem(f"{name}: rubric.{p}" if p else f"{name}: rubric", m) for p, m in error.errors]
    if errors:
        return None, errors
    return Scenario(
        key=data["key"],
        title=data["title"],
        purpose=data["purpose"],
        setting=data["setting"],
        present=tuple(data["present"]),
        looks_for=tuple(data["looks_for"]),
        prepared_by=tuple(data["prepared_by"]),
        observers=tuple(data["observers"]),
        sources=resolve(sources, data["sources"]),
        rubric=rubric,
    ), []


def load_scenarios(
    data_dir: Path = DATA_DIR, module_keys: set[str] | None = None, sources: dict[str, Any] | None = None
) -> tuple[Scenario, ...]:
    """Every scenario file, checked; ``module_keys`` (the catalogue's) checks ``prepared_by``;
    citations resolve against ``sources`` (default: the catalogue's reference.yaml)."""
    sources = load_sources() if sources is None else sources
    scenarios, errors = [], []
    for path in sorted(data_dir.glob("*.yaml")):
        scenario, problems = _load_file(path, module_keys, sources)
        errors += problems
        if scenario is not None:
            scenarios.append(scenario)
    if errors:
        raise ScenarioError(errors)
    return tuple(scenarios)
