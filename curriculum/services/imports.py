"""Programme documents in and out: the programme JSON plug-in of :mod:`core.importing`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core import importing
from core.extensions import db
from curriculum import exchange
from curriculum.drafts import ProgrammeDraft
from curriculum.models import CatalogueArea, NpqArea, Programme, ProgrammeVersion, SurveyOutcome
from curriculum.services.programmes import version_row


def export_version(version: ProgrammeVersion) -> dict[str, Any]:
    return exchange.dump_version(version)


def known_keys() -> exchange.KnownKeys:
    """The catalogue's reference keys, read once per import (not once per key)."""
    return exchange.KnownKeys(
        areas=frozenset(db.session.scalars(select(CatalogueArea.key))),
        npq_areas=frozenset(db.session.scalars(select(NpqArea.key))),
        survey_outcomes=frozenset(db.session.scalars(select(SurveyOutcome.key))),
    )


def _check(document: dict[str, Any]) -> ProgrammeDraft:
    return exchange.check(document, known_keys())


def _preview(draft: ProgrammeDraft) -> list[tuple[str, str]]:
    details = draft.details
    modules = len(draft.modules)
    outcomes = sum(len(m.outcomes) for m in draft.modules)
    return [
        ("Programme name", details.name),
        ("Provider", details.provider),
        ("Cohort start", f"{details.cohort_start.day} {details.cohort_start:%B %Y}"),
        ("Length", f"{details.length_weeks} weeks"),
        ("Modules", f"{modules:,} {'module' if modules == 1 else 'modules'}, {draft.hours:,} hours in all"),
        ("Learning outcomes", f"{outcomes:,}"),
    ]


def _add(draft: ProgrammeDraft, author_id: int | None) -> Programme:
    programme = Programme(created_by_id=author_id, versions=[version_row(draft.details, draft.modules)])
    db.session.add(programme)
    return programme


PROGRAMME_JSON = importing.Format[ProgrammeDraft](kind="programme", check=_check, preview=_preview, add=_add)


def check_document(raw: bytes | str | dict[str, Any]) -> ProgrammeDraft:
    """Validate a programme document completely; Invalid listing every problem."""
    return importing.check(PROGRAMME_JSON, raw)


def import_programme(
    author_id: int | None, raw: bytes | str | dict[str, Any], dry_run: bool = False
) -> importing.Result[ProgrammeDraft]:
    """A new programme whose draft is the document: all of it, or nothing (or only its preview)."""
    return importing.import_document(PROGRAMME_JSON, raw, author_id, dry_run)
