"""Writing to the audit log, reading it back a page at a time, and its retention purge.

:func:`record` is the one way in. An administrative change records its event in the same
transaction as the change (the caller commits both, or neither); a read (a page, a download)
calls :func:`record_read`, which commits one INSERT on its own, so a GET never holds the write
lock for longer than that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import Select, delete, func, inspect, select
from sqlalchemy.orm import selectinload

from core.accounts.models import User
from core.audit import guard
from core.audit.actions import Action
from core.audit.models import SUBJECT_TYPE_MAX_LENGTH, AuditEvent
from core.clock import utcnow
from core.extensions import db
from core.layout import UK
from core.paging import PAGE_SIZE, Page, clamp
from core.problems import Invalid

# Details are ids, flags and names of fields or roles: never free text (a comment, a mark, a name,
# a password). A string must look like an identifier, so a sentence cannot slip in.
_DETAIL_WORD = re.compile(r"[a-z0-9_.:-]{1,60}")
DETAILS_MAX_ITEMS = 20


class Subject(NamedTuple):
    """What an event is about: a table's name and a row's id (None for a whole list or the settings)."""

    type: str
    id: int | None = None


def _check_detail(key: str, value: Any) -> None:
    if not _DETAIL_WORD.fullmatch(key):
        raise ValueError(f"audit detail name {key!r} is not an identifier")
    items = value if isinstance(value, list | tuple | set | frozenset) else [value]
    if len(items) > DETAILS_MAX_ITEMS:
        raise ValueError(f"audit detail {key!r} holds more than {DETAILS_MAX_ITEMS} items")
    for item in items:
        if item is None or isinstance(item, bool | int):
            continue
        if not (isinstance(item, str) and _DETAIL_WORD.fullmatch(item)):
            raise ValueError(f"audit detail {key!r} may hold ids and field names only")


def _plain(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(str(getattr(v, "value", v)) for v in value)
    if isinstance(value, list | tuple):
        return [getattr(v, "value", v) for v in value]
    return getattr(value, "value", value)


def _actor_id() -> int | None:
    """Who is acting: the API token's person, the signed-in person, or nobody (the CLI, a job)."""
    if not has_request_context():
        return None
    api_user = g.get("api_user")
    if api_user is not None:
        return int(api_user.id)
    return int(current_user.id) if current_user.is_authenticated else None


def _person_id(person: User | int | None) -> int | None:
    return person.id if isinstance(person, User) else person


def record(action: Action, subject: Subject, person: User | int | None = None, **details: Any) -> AuditEvent:
    """Add an event to the session, in the caller's transaction; the caller commits it with its change."""
    if len(subject.type) > SUBJECT_TYPE_MAX_LENGTH:
        raise ValueError(f"audit subject type {subject.type!r} is too long")
    plain = {key: _plain(value) for key, value in details.items()}
    for key, value in plain.items():
        _check_detail(key, value)
    event = AuditEvent(
        at=utcnow(),
        actor_id=_actor_id(),
        action=action,
        subject_type=subject.type,
        subject_id=subject.id,
        person_id=_person_id(person),
        details=plain,
    )
    db.session.add(event)
    return event


def changed_fields(row: object) -> list[str]:
    """The names of the columns of ``row`` changed in this session and not yet saved: what a
    settings event lists (the names only, never the values)."""
    state = inspect(row)
    return sorted(attr.key for attr in state.attrs if attr.history.has_changes())


def record_read(action: Action, subject: Subject, person: User | int | None = None, **details: Any) -> None:
    """Record a read (a page seen, a file downloaded) and commit it at once: one short INSERT.
    What the request loaded stays loaded (a read changed none of it), so the page or the API
    answer made after this costs no queries again."""
    record(action, subject, person, **details)
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def purge_audit_events(older_than: datetime) -> int:
    """Delete events from before ``older_than``: the only way events ever leave the log (the
    retention purge calls it, in its own transaction). The purge itself is recorded, so a gap in
    the log can be told from tampering."""
    with guard.purging(db.session):
        removed = int(db.session.execute(delete(AuditEvent).where(AuditEvent.at < older_than)).rowcount or 0)
    if removed:
        record(Action.AUDIT_PURGED, Subject("audit_event"), removed=removed, before=older_than.date().isoformat())
    return removed


# ---- reading the log ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    action: Action | None = None
    person_id: int | None = None
    date_from: date | None = None  # UK dates, each day whole
    date_to: date | None = None


def _uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UK)


def _filtered(query: Select[Any], filters: AuditFilters) -> Select[Any]:
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action)
    if filters.person_id is not None:
        query = query.where(AuditEvent.person_id == filters.person_id)
    if filters.date_from is not None:
        query = query.where(AuditEvent.at >= _uk_midnight(filters.date_from))
    if filters.date_to is not None:
        query = query.where(AuditEvent.at < _uk_midnight(filters.date_to + timedelta(days=1)))
    return query


def events_page(filters: AuditFilters, number: int, size: int = PAGE_SIZE) -> Page[AuditEvent]:
    """One page of the events that pass ``filters``, newest first."""
    total = db.session.scalar(_filtered(select(func.count()).select_from(AuditEvent), filters)) or 0
    number = clamp(number, total, size)
    rows = db.session.scalars(
        _filtered(select(AuditEvent), filters)
        .options(selectinload(AuditEvent.actor), selectinload(AuditEvent.person))  # two queries, not two a row
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((number - 1) * size)
        .limit(size)
    )
    return Page(tuple(rows), number, size, total)


def person_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def parse_filters(
    actor_email: str | None,
    action: str | None,
    person_email: str | None,
    date_from: date | None,
    date_to: date | None,
) -> AuditFilters:
    """The page's filters as ids; Invalid, naming each field, for an unknown person or
    dates the wrong way round. Blank means any."""
    problems: list[tuple[str, str]] = []
    people: dict[str, int | None] = {}
    for field, email in (("actor", actor_email), ("person", person_email)):
        people[field] = None
        if email and email.strip():
            found = person_by_email(email)
            if found is None:
                problems.append((field, "No one has this email address. Check it, or leave it blank for anyone"))
            else:
                people[field] = found.id
    if date_from and date_to and date_to < date_from:
        problems.append(("date_to", "The ‘to’ date must be the same as or after the ‘from’ date"))
    if problems:
        raise Invalid(problems)
    chosen = Action(action) if action in {a.value for a in Action} else None
    return AuditFilters(people["actor"], chosen, people["person"], date_from, date_to)
