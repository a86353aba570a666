"""One way in for every import: read → parse → check every problem → preview → save all or nothing.

A room plugs in a :class:`Format` per kind of file (programme JSON, rubric JSON, enrolment CSV;
CASE later). Its ``check`` turns a parsed document into the room's draft data or raises
:class:`~core.problems.Invalid` listing every problem — before any transaction, and linear in the
document. The web stages a checked file (:func:`stage`) for an hour, shows its preview, and saves
it when its owner confirms (:func:`confirm`); the API and the CLI call :func:`import_document`,
with ``dry_run`` for the same preview and no save.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.documents import ensure_object, parse_object, read_text
from core.extensions import db
from core.problems import Invalid

Draft = TypeVar("Draft")
STAGED_LIFETIME = timedelta(hours=1)
STAGED_GONE = "This import has expired or was already used. Choose the file again."


@dataclass(frozen=True)
class Format(Generic[Draft]):
    """A kind of file a room imports."""

    kind: str  # names staged rows, e.g. "programme"
    check: Callable[[dict[str, Any]], Draft]  # draft data, or Invalid listing every problem; writes nothing
    preview: Callable[[Draft], list[tuple[str, str]]]  # what will be created, as (label, value) rows
    add: Callable[[Draft, int | None], Any]  # adds the rows to the session (no commit); returns the new object
    # Turns the file's bytes or text into the document ``check`` reads: a JSON object by default;
    # a CSV format reads its rows (see assessments.services.enrolment_imports).
    parse: Callable[[bytes | str], dict[str, Any]] = parse_object


@dataclass(frozen=True)
class Result(Generic[Draft]):
    draft: Draft
    preview: list[tuple[str, str]]
    created: Any = None  # the new object, unless a dry run


class StagedImport(db.Model):
    """A checked file waiting for its owner to confirm it, for :data:`STAGED_LIFETIME`."""

    __tablename__ = "staged_import"
    id: Mapped[str] = mapped_column(String(43), primary_key=True)  # unguessable, from secrets.token_urlsafe
    kind: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    document: Mapped[str] = mapped_column(Text)  # the file's text, checked again on confirm
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def check(fmt: Format[Draft], raw: bytes | str | dict[str, Any]) -> Draft:
    """Read, parse and check a file (or an already-parsed object); Invalid listing every problem."""
    document = ensure_object(raw) if isinstance(raw, dict) else fmt.parse(raw)
    return fmt.check(document)


def import_document(
    fmt: Format[Draft], raw: bytes | str | dict[str, Any], owner_id: int | None, dry_run: bool = False
) -> Result[Draft]:
    """Check, then (unless ``dry_run``) save in one transaction: all of it, or nothing."""
    draft = check(fmt, raw)
    preview = fmt.preview(draft)
    if dry_run:
        return Result(draft, preview)
    try:
        created = fmt.add(draft, owner_id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return Result(draft, preview, created)


def stage(fmt: Format[Draft], raw: bytes | str, owner_id: int) -> tuple[str, Result[Draft]]:
    """Check a file and keep it for its owner to confirm; returns its id and preview."""
    draft = check(fmt, raw)
    result = Result(draft, fmt.preview(draft))
    staged_id = secrets.token_urlsafe(32)
    db.session.execute(delete(StagedImport).where(StagedImport.created_at < utcnow() - STAGED_LIFETIME))
    db.session.add(StagedImport(id=staged_id, kind=fmt.kind, owner_id=owner_id, document=read_text(raw)))
    db.session.commit()
    return staged_id, result


def _staged(fmt: Format[Any], staged_id: str, owner_id: int) -> StagedImport:
    row = db.session.scalar(
        select(StagedImport).where(
            StagedImport.id == staged_id,
            StagedImport.kind == fmt.kind,
            StagedImport.owner_id == owner_id,
            StagedImport.created_at >= utcnow() - STAGED_LIFETIME,
        )
    )
    if row is None:
        raise Invalid(STAGED_GONE)
    return row


def staged_preview(fmt: Format[Draft], staged_id: str, owner_id: int) -> Result[Draft]:
    """The preview of a staged file (checked again: the catalogue may have changed)."""
    draft = check(fmt, _staged(fmt, staged_id, owner_id).document)
    return Result(draft, fmt.preview(draft))


def confirm(fmt: Format[Draft], staged_id: str, owner_id: int) -> Result[Draft]:
    """Save a staged file and forget it, in one transaction; Invalid if it expired or no longer passes."""
    row = _staged(fmt, staged_id, owner_id)
    draft = check(fmt, row.document)
    try:
        created = fmt.add(draft, owner_id)
        db.session.delete(row)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return Result(draft, fmt.preview(draft), created)
