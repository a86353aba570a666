"""Tables for calibration (issue 14): written accounts of practice with their agreed marks, and each
mentor's attempt at marking one before they observe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.limits import KEY_MAX_LENGTH
from competencies.models import RubricVersion
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db

EXEMPLAR_TITLE_MAX_LENGTH = 200
EXEMPLAR_ACCOUNT_MAX_LENGTH = 20_000  # a written account of practice: a few pages


class CalibrationExemplar(db.Model):
    """A written account of practice in a scenario with its agreed marks, which mentors score
    before they observe. Published exemplars are not changed (attempts are compared with them)."""

    __tablename__ = "calibration_exemplar"
    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_version.id"))
    title: Mapped[str] = mapped_column(String(EXEMPLAR_TITLE_MAX_LENGTH))
    account: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the agreed marks, engine evidence format
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    rubric_version: Mapped[RubricVersion] = relationship()


class CalibrationAttempt(db.Model):
    """A mentor's own marks for an exemplar: one attempt each, compared with the agreed marks."""

    __tablename__ = "calibration_attempt"
    __table_args__ = (UniqueConstraint("exemplar_id", "mentor_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(ForeignKey("calibration_exemplar.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    exemplar: Mapped[CalibrationExemplar] = relationship()
    mentor: Mapped[User] = relationship()
