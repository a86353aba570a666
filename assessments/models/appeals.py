"""The table of appeals (issue 14): a trainee asks for a review of a moderated judgement, and the
reviewer upholds or changes it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.moderation import ModerationItem
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db

APPEAL_REASON_MAX_LENGTH = 2_000  # why the trainee asks for a review; why the reviewer decided


class AppealStatus:
    OPEN = "open"
    UPHELD = "upheld"  # the judgement stands
    CHANGED = "changed"  # a new judgement replaces it


class ModerationAppeal(db.Model):
    """A trainee's request for a review of a moderated judgement, and the reviewer's decision. The
    judgement under appeal is copied here before a change, so every step stays in the history."""

    __tablename__ = "moderation_appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("moderation_item.id", ondelete="CASCADE"), unique=True)
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(APPEAL_REASON_MAX_LENGTH))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default=AppealStatus.OPEN, index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str] = mapped_column(String(APPEAL_REASON_MAX_LENGTH), default="")
    previous_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the judgement appealed against
    new_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    new_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    item: Mapped[ModerationItem] = relationship()
    trainee: Mapped[User | None] = relationship(foreign_keys=[trainee_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
