"""Tables for cohorts, enrolments and observations.

An observation keeps the engine's evidence and ``Result.to_dict()`` as JSON, with the id of the
rubric version that scored it, so a past outcome can always be explained by its own rubric.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.models import RubricVersion
from core.accounts.models import User, utcnow
from core.extensions import db
from curriculum.models import ProgrammeVersion

NAME_MAX_LENGTH = 200
SETTING_MAX_LENGTH = 200   # the engine's IDENTITY_MAX: a setting is counted by its exact text
SCHOOL_MAX_LENGTH = 200
KEY_MAX_LENGTH = 80


class ObservationStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"


enrolment_mentor = Table(
    "enrolment_mentor", db.metadata,
    Column("enrolment_id", ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True),
    Column("mentor_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    """Trainees taking one published programme version together, under one assessment policy."""

    __tablename__ = "cohort"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    programme_version_id: Mapped[int] = mapped_column(ForeignKey("programme_version.id"))
    aggregation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)     # AggregationPolicy.to_dict()
    sign_off_policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # SignOffPolicy fields
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    programme_version: Mapped[ProgrammeVersion] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort", order_by="Enrolment.id")


class Enrolment(db.Model):
    """One trainee on one cohort, with their mentors and what the SENCO duty needs to know."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("cohort_id", "trainee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    school: Mapped[str] = mapped_column(String(SCHOOL_MAX_LENGTH), default="")
    became_senco: Mapped[date | None]
    earlier_senco_months: Mapped[int] = mapped_column(default=0)
    nasenco_started: Mapped[date | None]
    nasenco_completed: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking (the API's ETag / If-Match): a change based on an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    trainee: Mapped[User] = relationship()
    mentors: Mapped[list[User]] = relationship(secondary=enrolment_mentor, order_by="User.name")

    __mapper_args__ = {"version_id_col": lock_version}


class Observation(db.Model):
    """One observation of a trainee in a scenario: draft until submitted, then never changed."""

    __tablename__ = "observation"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    scenario_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_version.id"))
    observer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    observed_on: Mapped[date]
    setting: Mapped[str] = mapped_column(String(SETTING_MAX_LENGTH))
    present: Mapped[list[str]] = mapped_column(JSON, default=list)      # roles, never children's names
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the engine's evidence format
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)    # engine Result.to_dict()
    status: Mapped[str] = mapped_column(String(20), default=ObservationStatus.DRAFT)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    # Optimistic locking: a save based on an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    enrolment: Mapped[Enrolment] = relationship()
    observer: Mapped[User | None] = relationship()
    rubric_version: Mapped[RubricVersion] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def submitted(self) -> bool:
        return self.status == ObservationStatus.SUBMITTED
