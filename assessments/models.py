"""Tables for cohorts, enrolments and observations.

An observation keeps the engine's evidence and ``Result.to_dict()`` as JSON, with the id of the
rubric version that scored it, so a past outcome can always be explained by its own rubric.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, column, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.training_status import NOTE_MAX_LENGTH as STATUS_NOTE_MAX_LENGTH
from assessments.training_status import REASON_MAX_LENGTH as STATUS_REASON_MAX_LENGTH
from assessments.training_status import STATUS_MAX_LENGTH, TrainingStatus, may_start_observation
from competencies.models import RubricVersion
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from curriculum.models import ProgrammeVersion

NAME_MAX_LENGTH = 200
SETTING_MAX_LENGTH = 200  # the engine's IDENTITY_MAX: a setting is counted by its exact text
SCHOOL_MAX_LENGTH = 200
KEY_MAX_LENGTH = 80
# Free text written by people: one home for each limit (forms, services and the API read these).
PRESENT_NOTES_MAX_LENGTH = 500  # who was present, by role: never children's names
REASON_MAX_LENGTH = 1_000  # why a submitted observation was corrected, why a request was declined
NOTE_MAX_LENGTH = 500  # a trainee's note on a request
REFLECTION_MAX_LENGTH = 3_000  # a trainee's reflection on an observation (about 500 words)
NEXT_STEP_MAX_LENGTH = 500


class ObservationStatus:
    DRAFT = "draft"
    SUBMITTED = "submitted"


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


class RequestStatus:
    OPEN = "open"  # asked, not yet answered
    ACCEPTED = "accepted"  # the mentor will observe on ``planned_on``
    DECLINED = "declined"
    DONE = "done"  # an observation of the scenario was submitted
    OPEN_STATES = (OPEN, ACCEPTED)


_OPEN_REQUEST = column("status").in_(RequestStatus.OPEN_STATES)


class ObservationRequest(db.Model):
    """A trainee asks one of their mentors to observe them in a scenario."""

    __tablename__ = "observation_request"
    # One open request per trainee, mentor and scenario, held by the database too: two posts of the
    # same form at once cannot both pass the service's check.
    __table_args__ = (
        Index(
            "uq_observation_request_open",
            "enrolment_id",
            "mentor_id",
            "scenario_key",
            unique=True,
            sqlite_where=_OPEN_REQUEST,
            postgresql_where=_OPEN_REQUEST,
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    scenario_key: Mapped[str] = mapped_column(String(KEY_MAX_LENGTH))
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    status: Mapped[str] = mapped_column(String(20), default=RequestStatus.OPEN, index=True)
    planned_on: Mapped[date | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observation.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment] = relationship()
    mentor: Mapped[User] = relationship()
    observation: Mapped[Observation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in RequestStatus.OPEN_STATES


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


# ---- moderation (issue 14) -----------------------------------------------------------------

AGREED_REASON_MAX_LENGTH = 2_000  # the reason for an agreed judgement
SEED_MAX_LENGTH = 64  # sampling.SEED_MAX_LENGTH
GAP_MAX = 20  # levels apart before adjudication: no rubric scale is longer


class SampleMethod:
    CHOSEN = "chosen"
    RANDOM = "random"


class ModerationSample(db.Model):
    """Submitted observations of a cohort drawn for second marking. A random draw records its seed
    and the candidates it drew from, so it can be drawn again and checked."""

    __tablename__ = "moderation_sample"
    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    method: Mapped[str] = mapped_column(String(20))
    percent: Mapped[int | None]
    seed: Mapped[str | None] = mapped_column(String(SEED_MAX_LENGTH))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # sampling.Candidate fields
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cohort: Mapped[Cohort] = relationship()
    drawn_by: Mapped[User | None] = relationship()
    items: Mapped[list[ModerationItem]] = relationship(back_populates="sample", order_by="ModerationItem.id")


class ModerationItem(db.Model):
    """One sampled observation: the moderator's blind marks, then the agreed judgement. An
    observation is sampled at most once. The mentor's marks stay on the observation itself."""

    __tablename__ = "moderation_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("moderation_sample.id", ondelete="CASCADE"), index=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), unique=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    moderator_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    moderator_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # engine Result.to_dict()
    marked_at: Mapped[datetime | None]
    agreed_evidence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    agreed_result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    agreed_reason: Mapped[str] = mapped_column(String(AGREED_REASON_MAX_LENGTH), default="")
    agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    agreed_at: Mapped[datetime | None]
    # The markers differed by more than the cohort's gap: a third marker decides, not the two of them.
    adjudicate: Mapped[bool] = mapped_column(default=False, server_default=false())
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    sample: Mapped[ModerationSample] = relationship(back_populates="items")
    observation: Mapped[Observation] = relationship()
    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id])
    agreed_by: Mapped[User | None] = relationship(foreign_keys=[agreed_by_id])

    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def marked(self) -> bool:
        return self.moderator_result is not None

    @property
    def agreed(self) -> bool:
        return self.agreed_result is not None


class ModerationPolicy(db.Model):
    """A cohort's moderation settings: mentors whose quadratic-weighted kappa on levels falls
    below ``minimum_kappa`` (given enough pairs) are flagged for calibration."""

    __tablename__ = "moderation_policy"
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    minimum_kappa: Mapped[str] = mapped_column(String(20), default="0.6")  # a decimal, read as an exact Fraction
    min_pairs: Mapped[int] = mapped_column(default=10)
    # Trainees do not see the outcome of a sampled observation until it is moderated (marked, and
    # agreed where the marks differ), so nobody reads a judgement that changes the next day.
    hold_results: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The sampling plan: the share of each mentor's submitted observations to sample, higher for
    # mentors flagged for calibration; a mentor sampled less is shown as short.
    sample_rate: Mapped[int] = mapped_column(default=10, server_default="10")
    raised_rate: Mapped[int] = mapped_column(default=25, server_default="25")
    # Levels further apart than this on any criterion send the observation to a third marker.
    adjudication_gap: Mapped[int] = mapped_column(default=1, server_default="1")
    # A new mentor's first ``new_mentor_first`` observations are sampled at ``new_mentor_rate``.
    new_mentor_rate: Mapped[int] = mapped_column(default=50, server_default="50")
    new_mentor_first: Mapped[int] = mapped_column(default=0, server_default="0")
    # The interim share: by ``interim_on`` this percentage of each mentor's planned sample is due;
    # the rest by the end (the final share).
    interim_share: Mapped[int] = mapped_column(default=50, server_default="50")
    interim_on: Mapped[date | None]
    # Two people saving the settings from pages opened at once: the later, staler save is refused.
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}


# ---- appeals and calibration (issue 14, the rest) ------------------------------------------

APPEAL_REASON_MAX_LENGTH = 2_000  # why the trainee asks for a review; why the reviewer decided
EXEMPLAR_TITLE_MAX_LENGTH = 200
EXEMPLAR_ACCOUNT_MAX_LENGTH = 20_000  # a written account of practice: a few pages


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
