"""The built-in scenario library, read from ``competencies/data/scenarios`` and fully checked.

Each file is one observed real-world situation with its rubric. A problem raises
:class:`ScenarioError` naming file and path, e.g. ``annual-review.yaml: rubric.criteria[1].weight``.
No Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from marshmallow import ValidationError

from competencies.engine import Rubric, RubricError, rubric_from_dict
from competencies.schemas import ScenarioSchema
from core.documents import read_yaml
from core.problems import Invalid
from core.validation import DocumentError, LocatedError, located

DATA_DIR = Path(__file__).parent / "data" / "scenarios"


class ScenarioError(DocumentError):
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
    sources: tuple[str, ...]
    rubric: Rubric


def _load_file(path: Path, module_keys: set[str] | None) -> tuple[Scenario | None, list[LocatedError]]:
    name = path.name
    try:
        data = ScenarioSchema().load(read_yaml(path))
    except Invalid as error:  # missing, not UTF-8, or not YAML
        return None, list(error.problems)
    except ValidationError as error:
        return None, [LocatedError(f"{name}: {e.path}", e.message) for e in located(error.messages)]
    errors = []
    if data["key"] != path.stem:
        errors.append(LocatedError(f"{name}: key", f"The key must match the file name ‘{path.stem}’"))
    if module_keys is not None:
        errors += [LocatedError(f"{name}: prepared_by[{i}]", f"No curriculum module has the key ‘{key}’")
                   for i, key in enumerate(data["prepared_by"]) if key not in module_keys]
    try:
        rubric = rubric_from_dict(data["rubric"])
    except RubricError as error:
        return None, errors + [LocatedError(f"{name}: rubric.{p}" if p else f"{name}: rubric", m) for p, m in error.errors]
    if errors:
        return None, errors
    return Scenario(
        key=data["key"], title=data["title"], purpose=data["purpose"], setting=data["setting"],
        present=tuple(data["present"]), looks_for=tuple(data["looks_for"]), prepared_by=tuple(data["prepared_by"]),
        sources=tuple(data["sources"]), rubric=rubric,
    ), []


def load_scenarios(data_dir: Path = DATA_DIR, module_keys: set[str] | None = None) -> tuple[Scenario, ...]:
    """Every scenario file, checked; ``module_keys`` (the catalogue's) checks ``prepared_by``."""
    scenarios, errors = [], []
    for path in sorted(data_dir.glob("*.yaml")):
        scenario, problems = _load_file(path, module_keys)
        errors += problems
        if scenario is not None:
            scenarios.append(scenario)
    if errors:
        raise ScenarioError(errors)
    return tuple(scenarios)
