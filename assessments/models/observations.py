"""Tables for observations and what hangs on one: its corrections (each with before and after),
the trainee's self-assessment and the mentor's next step.

An observation keeps the engine's evidence and ``Result.to_dict()`` as JSON, with the id of the
rubric version that scored it, so a past outcome can always be explained by its own rubric.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.cohorts import Enrolment
from assessments.models.limits import KEY_MAX_LENGTH, SETTING_MAX_LENGTH
from competencies.models import RubricVersion
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db


class ObservationStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Observation(db.Model):
    """One observation of a trainee in a scenario: draft until submitted, then never changed."""

    __tablename__ = "observation"
    # Progress, the grid and the register read an enrolment's submitted observations.
    __table_args__ = (Index("ix_observation_enrolment_id_status", "enrolment_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    scenario_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_version.id"))
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    observed_on: Mapped[date]
    setting: Mapped[str] = mapped_column(String(SETTING_MAX_LENGTH))
    present: Mapped[list[str]] = mapped_column(JSON, default=list)  # roles, never children's names
    present_notes: Mapped[str] = mapped_column(Text, default="", server_default="")
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the engine's evidence format
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # engine Result.to_dict()
    status: Mapped[str] = mapped_column(String(20), default=ObservationStatus.DRAFT)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # Optimistic locking: a save based on an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    reflection: Mapped[str] = mapped_column(Text, default="", server_default="")  # the trainee's, after submission
    reflected_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment] = relationship()
    observer: Mapped[User | None] = relationship()
    rubric_version: Mapped[RubricVersion] = relationship()
    revisions: Mapped[list[ObservationRevision]] = relationship(
        back_populates="observation", order_by="ObservationRevision.number"
    )
    self_assessment: Mapped[SelfAssessment | None] = relationship(back_populates="observation")

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def submitted(self) -> bool:
        return self.status == ObservationStatus.SUBMITTED

    @property
    def corrected(self) -> bool:
        return bool(self.revisions)


class ObservationRevision(db.Model):
    """One correction of a submitted observation: who, when, why, and what it was before and after.

    ``before`` and ``after`` are snapshots (date, setting, who was present, the evidence and the
    engine's result), so the history can be read, and diffed in words, without the live record."""

    __tablename__ = "observation_revision"
    __table_args__ = (UniqueConstraint("observation_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1 for the first correction
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, Any]] = mapped_column(JSON)
    after: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    observation: Mapped[Observation] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()


class SelfAssessment(db.Model):
    """The trainee's own levels on an observation's criteria, made while the mentor's record is a
    draft (before the trainee can see the mentor's marks). ``ratings`` maps a criterion key to a level."""

    __tablename__ = "self_assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), unique=True)
    ratings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    observation: Mapped[Observation] = relationship(back_populates="self_assessment")


class NextStepStatus:
    OPEN = "open"
    DONE = "done"


class NextStep(db.Model):
    """What the mentor wants the trainee to work on next, tied to one criterion of a scenario.

    Set on one observation (at most one each); the next observation of the scenario shows it at
    the top, and the mentor marks it done, or not yet (it stays open, with the date it was seen)."""

    __tablename__ = "next_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), unique=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    scenario_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    criterion_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=NextStepStatus.OPEN)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_on: Mapped[date | None]  # when a mentor last marked it done or not yet
    observation: Mapped[Observation] = relationship()
    set_by: Mapped[User | None] = relationship()
