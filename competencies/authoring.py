"""Course designers writing their own rubrics: drafts, criteria, publishing, import and export.

A rubric's draft is its newest version while unpublished. Publishing checks the whole rubric
with the engine and freezes the version; editing afterwards starts a new draft.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from competencies import engine, rubric_imports
from competencies.models import Rubric, RubricVersion, Scenario
from core.accounts.models import utcnow
from core.extensions import db
from core.keys import slug, unique_key


class AuthoringError(Exception):
    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems  # (path or form field, message)


@dataclass(frozen=True)
class Settings:
    title: str
    model: engine.RubricModel
    threshold: float
    fault_limit: int
    module_keys: tuple[str, ...] = ()
    scenario_key: str | None = None


@dataclass(frozen=True)
class CriterionInput:
    title: str
    weight: float = 1.0
    critical_level: int | None = None
    levels: tuple[tuple[str, str], ...] = ()  # (label, descriptor), lowest first; values 1, 2, 3…


def rubrics_for_scenario(key: str) -> list[Rubric]:
    return list(db.session.scalars(select(Rubric).where(Rubric.scenario_key == key).order_by(Rubric.title)))


def list_rubrics() -> list[Rubric]:
    return list(db.session.scalars(select(Rubric).order_by(Rubric.title)))


def get_rubric(rubric_id: int) -> Rubric | None:
    return db.session.get(Rubric, rubric_id)


def _unique_key(title: str) -> str:
    return unique_key(slug(title, "rubric"),
                      lambda key: db.session.scalar(select(Rubric.id).where(Rubric.key == key)) is not None)


def _check_settings(settings: Settings) -> None:
    if not settings.title.strip():
        raise AuthoringError([("title", "Enter a title for the rubric")])
    if settings.scenario_key and db.session.get(Scenario, settings.scenario_key) is None:
        raise AuthoringError([("scenario_key", "Choose a scenario from the list")])


def create_rubric(settings: Settings) -> Rubric:
    _check_settings(settings)
    key = _unique_key(settings.title)
    definition = {"key": key, "title": settings.title.strip(), "model": settings.model.value,
                  "threshold": settings.threshold, "fault_limit": settings.fault_limit, "criteria": []}
    rubric = Rubric(key=key, title=settings.title.strip(), module_keys=list(settings.module_keys),
                    scenario_key=settings.scenario_key, versions=[RubricVersion(number=1, definition=definition)])
    db.session.add(rubric)
    db.session.commit()
    return rubric


def _draft(rubric: Rubric) -> RubricVersion:
    if rubric.draft is None:
        raise AuthoringError([("", "Published versions never change. Start a new draft to edit.")])
    return rubric.draft


def _save(version: RubricVersion, definition: dict[str, Any]) -> None:
    version.definition = definition  # a new dict, so the JSON column sees the change
    db.session.commit()


def update_settings(rubric: Rubric, settings: Settings) -> None:
    draft = _draft(rubric)
    _check_settings(settings)
    rubric.title = settings.title.strip()
    rubric.module_keys = list(settings.module_keys)
    rubric.scenario_key = settings.scenario_key
    _save(draft, {**draft.definition, "title": rubric.title, "model": settings.model.value,
                  "threshold": settings.threshold, "fault_limit": settings.fault_limit})


def _criterion_dict(definition: dict[str, Any], data: CriterionInput, keep_key: str | None = None) -> dict[str, Any]:
    """The criterion in the engine's format. Only analytic criteria carry their own levels:
    entrustment uses the 5-point scale and faults need none."""
    taken = {c["key"] for c in definition["criteria"]} - {keep_key}
    key = keep_key or unique_key(slug(data.title, "criterion"), taken.__contains__)
    criterion: dict[str, Any] = {"key": key, "title": data.title.strip(), "weight": data.weight,
                                 "critical_level": data.critical_level}
    if definition["model"] == engine.RubricModel.ANALYTIC.value:
        criterion["levels"] = [{"value": i, "label": label, "descriptor": text}
                               for i, (label, text) in enumerate(data.levels, start=1)]
    return criterion


def problems_of(definition: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        engine.rubric_from_dict(definition)
    except engine.RubricError as error:
        return error.errors
    return []


def _check_criterion(definition: dict[str, Any], criterion: dict[str, Any]) -> None:
    """Check one criterion as the engine would, blaming the form's fields."""
    trial = {**definition, "criteria": [criterion]}
    problems = [(path.removeprefix("criteria[0]."), message)
                for path, message in problems_of(trial) if path.startswith("criteria[0].")]
    if problems:
        raise AuthoringError([("levels" if p.startswith("levels") else p, m) for p, m in problems])


def add_criterion(rubric: Rubric, data: CriterionInput) -> None:
    draft = _draft(rubric)
    definition = draft.definition
    criterion = _criterion_dict(definition, data)
    _check_criterion(definition, criterion)
    _save(draft, {**definition, "criteria": [*definition["criteria"], criterion]})


def update_criterion(rubric: Rubric, index: int, data: CriterionInput) -> None:
    draft = _draft(rubric)
    definition = draft.definition
    criteria = list(definition["criteria"])
    if not 0 <= index < len(criteria):
        raise AuthoringError([("", "There is no such criterion")])
    criteria[index] = _criterion_dict(definition, data, keep_key=criteria[index]["key"])
    _check_criterion(definition, criteria[index])
    _save(draft, {**definition, "criteria": criteria})


def remove_criterion(rubric: Rubric, index: int) -> None:
    draft = _draft(rubric)
    criteria = list(draft.definition["criteria"])
    if 0 <= index < len(criteria):
        del criteria[index]
    _save(draft, {**draft.definition, "criteria": criteria})


def publish(rubric: Rubric) -> RubricVersion:
    """Freeze the draft once the engine finds nothing wrong with it."""
    draft = _draft(rubric)
    problems = problems_of(draft.definition)
    if problems:
        raise AuthoringError(problems)
    draft.published_at = utcnow()
    db.session.commit()
    return draft


def start_draft(rubric: Rubric) -> RubricVersion:
    if rubric.draft is not None:
        return rubric.draft
    draft = RubricVersion(number=rubric.latest.number + 1, definition=dict(rubric.latest.definition))
    rubric.versions.append(draft)
    db.session.commit()
    return draft


def import_rubric(raw: bytes | str | dict[str, Any]) -> Rubric:
    """A new rubric, as a draft, from JSON in the engine's format; all or nothing."""
    created: Rubric = rubric_imports.import_rubric(None, raw).created
    return created
