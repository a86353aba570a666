"""Tables of the link to the DfE: the connection, what was read from the DfE, and what this app
sends it. A row read from the DfE keeps the DfE's own id (a UUID) and, in ``attributes``, the
record as last read; the columns beside it are the few this app lists, filters or joins on."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from assessments.models import Cohort, Enrolment
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from dfe.contract import QUEUED, STANDING_DECLARATION_STATES, UUID_LENGTH, ReportState

BASE_URL_MAX_LENGTH = 200
TOKEN_MAX_LENGTH = 500  # the DfE's tokens are far shorter; a longer paste is a mistake
REASON_MAX_LENGTH = 1_000  # why an application was rejected, why a declaration was voided
CODE_LENGTH = 80  # a DfE code (schedule, reason, state)


class DfeSettings(db.Model):
    """One row: which environment the app talks to and the cohort year it reads."""

    __tablename__ = "dfe_settings"
    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    environment: Mapped[str] = mapped_column(String(20), default="sandbox")  # contract.Environment
    cohort_year: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": lock_version}


class DfeConnection(db.Model):
    """The base URL and token for one environment. The token is kept encrypted (dfe.secrets) and
    never shown again: the page shows only its last four characters."""

    __tablename__ = "dfe_connection"
    environment: Mapped[str] = mapped_column(String(20), primary_key=True)
    base_url: Mapped[str] = mapped_column(String(BASE_URL_MAX_LENGTH))
    token_ciphertext: Mapped[str | None] = mapped_column(Text)
    token_hint: Mapped[str] = mapped_column(String(8), default="")
    token_set_at: Mapped[datetime | None]
    token_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class DfeCohortSchedule(db.Model):
    """Which DfE cohort year and schedule one of this app's cohorts is: an accepted application is
    enrolled in the cohort mapped to its schedule, and a move between cohorts is a change of schedule."""

    __tablename__ = "dfe_cohort_schedule"
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    cohort_year: Mapped[int]
    schedule_identifier: Mapped[str] = mapped_column(String(CODE_LENGTH))
    cohort: Mapped[Cohort] = relationship()


class DfeSync(db.Model):
    """Where the last sync of one kind of record got to, so a sync that stopped half way resumes."""

    __tablename__ = "dfe_sync"
    __table_args__ = (UniqueConstraint("environment", "resource"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(20))
    resource: Mapped[str] = mapped_column(String(40))  # "applications", "declarations", …
    # Records changed since this moment are read next time: the start of the last complete sync.
    updated_since: Mapped[datetime | None]
    started_at: Mapped[datetime | None]  # the sync under way, if any
    next_page: Mapped[int] = mapped_column(default=1)  # where a stopped sync resumes
    finished_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    # A sync reading this kind of record holds it until then (dfe.sync): a second sync at the same
    # time is told to wait, and one that died lets go when the moment passes.
    running_until: Mapped[datetime | None]


class DfeApplication(db.Model):
    """An application to the provider for the NPQ for SENCOs, as the DfE last said, and what this
    provider decided about it."""

    __tablename__ = "dfe_application"
    __table_args__ = (Index("ix_dfe_application_environment_status", "environment", "status"),)
    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)  # the DfE's id
    environment: Mapped[str] = mapped_column(String(20))
    participant_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    status: Mapped[str] = mapped_column(String(20))  # contract.ApplicationStatus, as the DfE says
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the DfE's record as read
    remote_updated_at: Mapped[datetime | None]
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What this provider decided and told the DfE.
    funded_place: Mapped[bool | None]
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # the DfE's last 422, located
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id", ondelete="SET NULL"))
    # The applicant was erased here (dfe.privacy): a sync keeps the DfE's status, never their details.
    erased_at: Mapped[datetime | None]
    # An administrator's decision is on its way to the DfE until then (dfe.applications): another
    # administrator deciding at the same time is told so, and one that died lets go when it passes.
    deciding_until: Mapped[datetime | None]
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    enrolment: Mapped[Enrolment | None] = relationship()
    decided_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class DfeParticipant(db.Model):
    """An accepted application's participant, tied to the enrolment it became here: what the DfE
    holds (training status, schedule) beside what this app last told it."""

    __tablename__ = "dfe_participant"
    __table_args__ = (UniqueConstraint("environment", "participant_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(20))
    participant_id: Mapped[str] = mapped_column(String(UUID_LENGTH))
    application_id: Mapped[str] = mapped_column(String(UUID_LENGTH), default="")
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrolment.id", ondelete="SET NULL"), unique=True, index=True
    )
    schedule_identifier: Mapped[str | None] = mapped_column(String(CODE_LENGTH))
    cohort_year: Mapped[int | None]
    training_status: Mapped[str | None] = mapped_column(String(20))  # as the DfE holds it
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    remote_updated_at: Mapped[datetime | None]
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The trainee was erased here (dfe.privacy): a sync keeps the DfE's status, never their details.
    erased_at: Mapped[datetime | None]
    enrolment: Mapped[Enrolment | None] = relationship()


# A declaration that stands blocks another of its type for the participant: the duplicate is
# refused here, by the database, before anything is sent.
_STANDING = ", ".join(sorted(f"'{state}'" for state in STANDING_DECLARATION_STATES))


class DfeDeclaration(db.Model):
    """A milestone declared (or about to be) for a participant: the DfE's state kept in step."""

    __tablename__ = "dfe_declaration"
    __table_args__ = (
        Index(
            "uq_dfe_declaration_standing",
            "environment",
            "participant_id",
            "declaration_type",
            unique=True,
            sqlite_where=text(f"state IN ({_STANDING})"),
            postgresql_where=text(f"state IN ({_STANDING})"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(20))
    participant_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id", ondelete="SET NULL"), index=True)
    declaration_type: Mapped[str] = mapped_column(String(20))  # dfe.milestones
    declaration_date: Mapped[datetime]
    has_passed: Mapped[bool | None]
    state: Mapped[str] = mapped_column(String(20), default=QUEUED, index=True)
    remote_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH), unique=True)
    statement_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH), index=True)
    clawback_statement_id: Mapped[str | None] = mapped_column(String(UUID_LENGTH))
    why: Mapped[str] = mapped_column(Text, default="")  # the evidence that met the rule, in words
    void_reason: Mapped[str] = mapped_column(Text, default="")
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
    # A sender took this queued declaration and holds it until then (dfe.declarations): a sender
    # that died lets it go when the moment passes, and the next one checks the DfE before sending.
    claimed_until: Mapped[datetime | None]
    remote_updated_at: Mapped[datetime | None]
    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")
    enrolment: Mapped[Enrolment | None] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}


class DfeReport(db.Model):
    """A change to tell the DfE (withdrawal, deferral, resumption, change of schedule, outcome),
    queued in the transaction that made the change and sent by the job runner."""

    __tablename__ = "dfe_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    environment: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))  # contract.ReportKind
    participant_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id", ondelete="SET NULL"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the request's attributes
    state: Mapped[str] = mapped_column(String(20), default=ReportState.QUEUED.value, index=True)
    errors: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    sent_at: Mapped[datetime | None]
    # Not tried before this moment: the wait after the DfE could not be reached, or the claim of
    # the sender that has it in hand (dfe.participants). None: due now.
    send_after: Mapped[datetime | None]


class DfeOutcome(db.Model):
    """An outcome the DfE holds for a participant (passed, failed, voided), as last read."""

    __tablename__ = "dfe_outcome"
    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)  # the DfE's id
    environment: Mapped[str] = mapped_column(String(20))
    participant_id: Mapped[str] = mapped_column(String(UUID_LENGTH), index=True)
    state: Mapped[str] = mapped_column(String(20))
    completion_date: Mapped[date | None]
    remote_created_at: Mapped[datetime | None]
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)


class DfeStatement(db.Model):
    """A financial statement: its cut-off and payment dates, and whether the DfE has paid it."""

    __tablename__ = "dfe_statement"
    id: Mapped[str] = mapped_column(String(UUID_LENGTH), primary_key=True)  # the DfE's id
    environment: Mapped[str] = mapped_column(String(20))
    month: Mapped[str] = mapped_column(String(20))
    year: Mapped[str] = mapped_column(String(4))
    cohort: Mapped[str] = mapped_column(String(10))
    cut_off_date: Mapped[date | None]
    payment_date: Mapped[date | None]
    paid: Mapped[bool] = mapped_column(default=False)
    remote_updated_at: Mapped[datetime | None]
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
