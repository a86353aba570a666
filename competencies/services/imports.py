"""Rubric files in: the rubric JSON plug-in of :mod:`core.importing` (the engine's format)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from competencies import engine, rules
from competencies.models import Rubric, RubricVersion
from core import importing
from core.extensions import db
from core.keys import unique_key
from core.problems import Invalid, Problem, document_order, named_places, problems_of

PLACE_NAMES = {"criteria": "criterion", "levels": "level"}


def _check(document: dict[str, Any]) -> engine.Rubric:
    """Every problem at once: the engine's (structure, numbers) and the room's (keys, text lengths)."""
    problems = [Problem(*p) for p in rules.text_problems(document)]
    checked = None
    try:
        checked = engine.rubric_from_dict(document)
    except engine.RubricError as error:
        # Where the room's rule already spoke (a text too long for its column), one message is enough.
        said = {p.path for p in problems}
        problems += [p for p in problems_of(error) if p.path not in said]
    if problems or checked is None:
        problems.sort(key=lambda p: document_order(p.path))
        raise Invalid(named_places(problems, document, PLACE_NAMES))
    return checked


def _preview(rubric: engine.Rubric) -> list[tuple[str, str]]:
    count = len(rubric.criteria)
    return [
        ("Title", rubric.title),
        ("Key", rubric.key),
        ("Scoring", rubric.model.value),
        ("Criteria", f"{count:,} {'criterion' if count == 1 else 'criteria'}"),
    ]


def _key_taken(key: str) -> bool:
    return db.session.scalar(select(Rubric.id).where(Rubric.key == key)) is not None


def _add(rubric: engine.Rubric, _owner_id: int | None) -> Rubric:
    definition = engine.canonical_form(rubric)  # stored without a version: the row numbers it
    definition["key"] = key = unique_key(rubric.key, _key_taken)  # a key already in use gets "-2", "-3"…
    row = Rubric(key=key, title=rubric.title, module_keys=[], versions=[RubricVersion(number=1, definition=definition)])
    db.session.add(row)
    return row


RUBRIC_JSON = importing.Format[engine.Rubric](kind="rubric", check=_check, preview=_preview, add=_add)


def import_rubric(
    owner_id: int | None, raw: bytes | str | dict[str, Any], dry_run: bool = False
) -> importing.Result[engine.Rubric]:
    """A new draft rubric from a file in the engine's format: all of it, or nothing (or only its preview)."""
    return importing.import_document(RUBRIC_JSON, raw, owner_id, dry_run)
