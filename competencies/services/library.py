"""The built-in scenario library in the database: loading the shipped files, and reading scenarios."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from competencies import engine
from competencies.models import Rubric, RubricVersion, Scenario
from competencies.scenarios import load_scenarios
from core.clock import utcnow
from core.extensions import db
from curriculum.services import catalogue as catalogue_service


def _save_rubric(definition: dict, title: str) -> Rubric:  # type: ignore[type-arg]
    """Store ``definition`` as the rubric's newest version; a version in use is never changed."""
    rubric = db.session.scalar(select(Rubric).where(Rubric.key == definition["key"]))
    if rubric is None:
        rubric = Rubric(key=definition["key"], title=title, versions=[])
        db.session.add(rubric)
    rubric.title = title
    latest = rubric.versions[-1] if rubric.versions else None
    if latest is not None and latest.definition == definition:
        return rubric
    if latest is not None and not latest.in_use:
        latest.definition = definition
        latest.published_at = latest.published_at or utcnow()
    else:
        rubric.versions.append(
            RubricVersion(number=(latest.number + 1) if latest else 1, definition=definition, published_at=utcnow())
        )
    return rubric


def load_library(data_dir: Path | None = None) -> str:
    """Bring the scenario library in the database in line with the shipped files (or those in
    ``data_dir``). Idempotent."""
    module_keys = {m.key for m in catalogue_service.shipped_catalogue().modules}
    scenarios = (
        load_scenarios(data_dir, module_keys=module_keys) if data_dir else load_scenarios(module_keys=module_keys)
    )
    for position, s in enumerate(scenarios, start=1):
        rubric = _save_rubric(engine.canonical_form(s.rubric), s.rubric.title)
        db.session.flush()
        db.session.merge(
            Scenario(
                key=s.key,
                title=s.title,
                purpose=s.purpose,
                setting=s.setting,
                present=list(s.present),
                looks_for=list(s.looks_for),
                module_keys=list(s.prepared_by),
                observers=list(s.observers),
                sources=list(s.sources),
                position=position,
                rubric_id=rubric.id,
            )
        )
    for row in db.session.scalars(select(Scenario).where(Scenario.key.not_in([s.key for s in scenarios]))):
        db.session.delete(row)
    db.session.commit()
    return f"{len(scenarios)} scenarios with their rubrics up to date"


def list_scenarios(rubrics: bool = True) -> list[Scenario]:
    """The library in its order. ``rubrics=False`` leaves each scenario's rubric and its versions
    (every definition, the bulk of the library) unloaded until asked for: for pages that show titles,
    or that fetch the versions they need with :func:`rubric_versions`."""
    query = select(Scenario).order_by(Scenario.position)
    if not rubrics:
        query = query.options(lazyload(Scenario.rubric))
    return list(db.session.scalars(query))


def rubric_versions(ids: Sequence[int]) -> dict[int, RubricVersion]:
    """Rubric versions by id, in one query (those that do not exist are left out)."""
    if not ids:
        return {}
    return {v.id: v for v in db.session.scalars(select(RubricVersion).where(RubricVersion.id.in_(set(ids))))}


def get_scenario(key: str) -> Scenario | None:
    return db.session.get(Scenario, key)
