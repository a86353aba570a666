"""The audit log's one table. Rows are only ever added (see :mod:`core.audit.guard`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import User
from core.audit.actions import ACTION_MAX_LENGTH, Action
from core.clock import utcnow
from core.extensions import db

SUBJECT_TYPE_MAX_LENGTH = 40


class AuditEvent(db.Model):
    """Who did what to which record, when. ``details`` holds ids and field names only.

    The people are kept by id; if a person row is ever deleted the reference is cleared rather
    than the event (the log outlives the people in it until its own retention period ends).
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[Action] = mapped_column(
        Enum(Action, native_enum=False, length=ACTION_MAX_LENGTH, values_callable=lambda a: [x.value for x in a])
    )
    subject_type: Mapped[str] = mapped_column(String(SUBJECT_TYPE_MAX_LENGTH))
    subject_id: Mapped[int | None]
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    person: Mapped[User | None] = relationship(foreign_keys=[person_id])
