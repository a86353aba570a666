"""The audit log is append only: the app may add events, never change or delete them.

Every session refuses, at flush, a changed or deleted AuditEvent, and refuses an ORM
``update(AuditEvent)`` or ``delete(AuditEvent)`` statement, except inside :func:`purging`, which
only the retention purge enters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from core.audit.models import AuditEvent

_PURGING = "audit_purging"  # in Session.info while the retention purge runs


class AppendOnly(Exception):
    """Raised on an attempt to change or delete an audit event."""


@contextmanager
def purging(session: Session) -> Iterator[None]:
    session.info[_PURGING] = True
    try:
        yield
    finally:
        session.info.pop(_PURGING, None)


def _is_audit_event(instance: object) -> bool:
    return isinstance(instance, AuditEvent)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: Any, _instances: Any) -> None:
    for instance in session.deleted:
        if _is_audit_event(instance):
            raise AppendOnly("Audit events cannot be deleted")
    for instance in session.dirty:
        if _is_audit_event(instance) and session.is_modified(instance, include_collections=False):
            raise AppendOnly("Audit events cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.session.info.get(_PURGING):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is AuditEvent:
        raise AppendOnly("Audit events cannot be changed or deleted")
