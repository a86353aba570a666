"""Tables for cohorts and who is on them: a cohort's programme version and assessment policy, each
enrolment (trainee, mentors, what the SENCO duty needs to know, training status), the history of
training-status changes, and the DfE case study that alone awards the NPQ."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models.limits import NAME_MAX_LENGTH, SCHOOL_MAX_LENGTH
from assessments.training_status import NOTE_MAX_LENGTH as STATUS_NOTE_MAX_LENGTH
from assessments.training_status import REASON_MAX_LENGTH as STATUS_REASON_MAX_LENGTH
from assessments.training_status import STATUS_MAX_LENGTH, TrainingStatus, may_start_observation
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from curriculum.models import ProgrammeVersion

enrolment_mentor = Table(
    "enrolment_mentor",
    db.metadata,
    Column("enrolment_id", ForeignKey("enrolment.id", ondelete="CASCADE"), primary_key=True),
    Column("mentor_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    # The mentor's dashboard and the grid's mentor filter look enrolments up by mentor.
    Index("ix_enrolment_mentor_mentor_id", "mentor_id"),
)


class Cohort(db.Model):
    """Trainees taking one published programme version together, under one assessment policy."""

    __tablename__ = "cohort"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    programme_version_id: Mapped[int] = mapped_column(ForeignKey("programme_version.id"))
    aggregation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # AggregationPolicy.to_dict()
    sign_off_policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # SignOffPolicy fields
    # The rubric version each scenario is scored by in this cohort: {scenario key: rubric_version id}.
    # Set at creation to the current published versions; changed only by an explicit move.
    rubric_pins: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    # Each move to another rubric version, as data: scenario, from, to, who, when (shown on the page).
    rubric_moves: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking for the settings page: a save based on an older value is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    programme_version: Mapped[ProgrammeVersion] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="cohort", order_by="Enrolment.id")

    __mapper_args__ = {"version_id_col": lock_version}


class Enrolment(db.Model):
    """One trainee on one cohort, with their mentors and what the SENCO duty needs to know."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("cohort_id", "trainee_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), index=True
    )  # the grid, the register
    trainee_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    school: Mapped[str] = mapped_column(String(SCHOOL_MAX_LENGTH), default="")
    became_senco: Mapped[date | None]
    earlier_senco_months: Mapped[int] = mapped_column(default=0)  # a stated total, when dates are not known
    # Earlier SENCO service, here or elsewhere, as [{"start": iso, "end": iso}] (enrolment_rules).
    earlier_service: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    head_teacher: Mapped[bool] = mapped_column(default=False, server_default=false())  # the head teacher acts as SENCO
    nasenco_started: Mapped[date | None]
    nasenco_completed: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Optimistic locking: a change based on an older value is refused (the page's "changed since you
    # opened it", the API's ETag / If-Match).
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Where the trainee's training stands (assessments.training_status), as the DfE is told it:
    # reminders and mentors' to-do items leave out anyone not active; the history is in
    # enrolment_status_change, the latest reason and time here for the lists.
    training_status: Mapped[str] = mapped_column(
        String(STATUS_MAX_LENGTH), default=TrainingStatus.ACTIVE.value, server_default="active", index=True
    )
    status_reason: Mapped[str | None] = mapped_column(String(STATUS_REASON_MAX_LENGTH))  # a DfE reason code
    status_changed_at: Mapped[datetime | None]
    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    trainee: Mapped[User] = relationship()
    mentors: Mapped[list[User]] = relationship(secondary=enrolment_mentor, order_by="User.name")
    case_study: Mapped[CaseStudy | None] = relationship(
        back_populates="enrolment", uselist=False, cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def status(self) -> TrainingStatus:
        return TrainingStatus(self.training_status)

    @property
    def is_active(self) -> bool:
        return self.training_status == TrainingStatus.ACTIVE.value

    @property
    def may_be_observed(self) -> bool:
        """Whether a mentor may start a new observation (assessments.training_status's rule)."""
        return may_start_observation(self.status)


class EnrolmentStatusChange(db.Model):
    """One change of a trainee's training status: from what to what, the DfE's reason code, who
    and when, and an optional note. Never changed once written; the DfE report is made from it."""

    __tablename__ = "enrolment_status_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(STATUS_MAX_LENGTH))
    to_status: Mapped[str] = mapped_column(String(STATUS_MAX_LENGTH))
    reason: Mapped[str | None] = mapped_column(String(STATUS_REASON_MAX_LENGTH))  # None when resuming
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    note: Mapped[str] = mapped_column(String(STATUS_NOTE_MAX_LENGTH), default="", server_default="")
    enrolment: Mapped[Enrolment] = relationship()
    changed_by: Mapped[User | None] = relationship()


class CaseStudy(db.Model):
    """The DfE's written case-study assessment of one enrolment, which alone awards the NPQ: its
    submission window, when the trainee submitted, and the result with its date. One record an
    enrolment (a re-sit replaces the dates and the result). The rules live in
    :mod:`assessments.case_study_rules`."""

    __tablename__ = "case_study"
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), unique=True)
    window_opens: Mapped[date | None]
    window_closes: Mapped[date | None]
    submitted_on: Mapped[date | None]
    result: Mapped[str | None] = mapped_column(
        String(20), index=True
    )  # case_study_rules.CaseStudyResult; the register filters on it
    result_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The provider and the trainee both edit this record: a save based on an older version is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    enrolment: Mapped[Enrolment] = relationship(back_populates="case_study")

    __mapper_args__ = {"version_id_col": lock_version}
