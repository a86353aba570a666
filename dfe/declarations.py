"""Declarations out: what the app proposes, what a person submits, and sending it to the DfE.

Sources (DFE-Digital/npq-registration, commit 9e9784a): ``public/api/docs/v3/swagger.yaml``
(``POST /participant-declarations``, ``PUT /participant-declarations/{id}/void``,
``GET /statements``) and the guidance page "Submit, view and void declarations"
(``app/views/api/guidance/submit-view-and-void-declarations.md``).

The journey:

1. :func:`proposals` applies the provider's rule (:mod:`dfe.declaration_rules`) to each linked
   participant's evidence (:mod:`dfe.evidence`) inside the DfE's milestone windows.
2. A person ticks the ones to send; :func:`submit` writes each as a ``queued`` row. The partial
   unique index on ``dfe_declaration`` lets one declaration of a type stand per participant, so a
   duplicate is refused here, before anything is sent.
3. The sender (job kind ``dfe-declarations``, started on submit, and by the runner's periodic
   check while anything waits) claims each queued row by one conditional UPDATE, then for each
   participant first reads the DfE's declarations: one the DfE already holds (sent before a crash,
   or by someone else) is **adopted**, never sent twice. Otherwise it is POSTed once. A 422 makes
   the row ``refused`` with the DfE's errors; an unreachable DfE leaves it queued, tried again.
4. The readers ``declarations`` and ``statements`` (``flask dfe sync``, the daily job) keep each
   row's state and statements in step with the DfE.
5. :func:`void` retracts a declaration at the DfE: ``voided``, or ``awaiting_clawback`` if paid.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from assessments.deadlines import format_date
from assessments.models import Enrolment
from assessments.reasons import RuleInputError
from core import clock, jobs
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Invalid, too_long
from dfe import connection, queues, sync
from dfe.client import DfeClient, DfeError, DfeRefused, DfeUnauthorised, DfeUnreachable
from dfe.contract import (
    COURSE,
    QUEUED,
    REFUSED,
    STANDING_DECLARATION_STATES,
    VOIDABLE_DECLARATION_STATES,
    Environment,
)
from dfe.declaration_rules import DeclarationRule, NotYet, Proposal, describe, propose
from dfe.evidence import evidence_for
from dfe.milestones import RETRACTED, DeclarationState, DeclarationType, windows
from dfe.models import REASON_MAX_LENGTH, DfeCohortSchedule, DfeDeclaration, DfeParticipant, DfeStatement
from dfe.queues import CLAIM_SECONDS, NOT_SENT_YET
from dfe.schemas import DECLARATION, STATEMENT, read, read_one

log = logging.getLogger(__name__)

JOB_KIND = "dfe-declarations"
FIELD = "declarations"  # the page's checkboxes: where a problem with a submission is shown
RETRACTED_STATES = frozenset(s.value for s in RETRACTED)


# ---- proposals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedDeclaration:
    """One declaration the rule proposes: ``key`` names it on the page and in :func:`submit`."""

    key: str
    participant_id: str
    enrolment_id: int
    declaration_type: DeclarationType
    declaration_date: date
    has_passed: bool | None
    why: str


@dataclass
class ParticipantProposals:
    """A linked participant's page row: what may be declared now, and why the rest may not."""

    participant_id: str
    enrolment_id: int
    trainee: str
    cohort: str
    proposed: list[ProposedDeclaration] = field(default_factory=list)
    not_yet: list[str] = field(default_factory=list)
    problem: str = ""  # why nothing could be judged (no schedule, a date the rule refuses)


def proposal_key(participant_id: str, kind: DeclarationType, day: date) -> str:
    """The declaration's name on the page: a stale page's key no longer matches a changed proposal."""
    return f"{participant_id}:{kind.value}:{day.isoformat()}"


def _linked(env: Environment) -> list[DfeParticipant]:
    return list(
        db.session.scalars(
            select(DfeParticipant)
            .where(DfeParticipant.environment == env.value, DfeParticipant.enrolment_id.is_not(None))
            .options(
                selectinload(DfeParticipant.enrolment).selectinload(Enrolment.trainee),
                selectinload(DfeParticipant.enrolment).selectinload(Enrolment.cohort),
            )
            .order_by(DfeParticipant.id)
        )
    )


def _existing(env: Environment, participant_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each participant's declarations as the rule reads them: type → the DfE's state. A queued
    one stands like a submitted one; a refused one was never made, so it does not count."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    rows = db.session.execute(
        select(DfeDeclaration.participant_id, DfeDeclaration.declaration_type, DfeDeclaration.state)
        .where(DfeDeclaration.environment == env.value, DfeDeclaration.participant_id.in_(list(participant_ids)))
        .order_by(DfeDeclaration.id)
    )
    known = {s.value for s in DeclarationState}
    for participant_id, kind, state in rows:
        state = DeclarationState.SUBMITTED.value if state == QUEUED else state
        if state not in known:
            continue
        if found[participant_id].get(kind) not in (None, *RETRACTED_STATES):
            continue  # a standing declaration outweighs a retracted one of the same type
        found[participant_id][kind] = state
    return found


def _schedule_of(participant: DfeParticipant, mapped: dict[int, DfeCohortSchedule]) -> tuple[str, int] | None:
    """The DfE's own schedule for the participant, else the one their cohort is mapped to."""
    if participant.schedule_identifier and participant.cohort_year:
        return participant.schedule_identifier, participant.cohort_year
    assert participant.enrolment is not None
    row = mapped.get(participant.enrolment.cohort_id)
    return (row.schedule_identifier, row.cohort_year) if row else None


def proposals(env: Environment | None = None, today: date | None = None) -> list[ParticipantProposals]:
    """For every participant linked to an enrolment, what the rule proposes now, and why not the rest."""
    env = env or connection.environment()
    today = today or clock.today()
    participants = _linked(env)
    enrolments = [p.enrolment for p in participants if p.enrolment is not None]
    evidence = evidence_for(enrolments)
    existing = _existing(env, [p.participant_id for p in participants])
    mapped = connection.schedules()
    rule = DeclarationRule()
    shown = []
    for participant in participants:
        enrolment = participant.enrolment
        assert enrolment is not None
        row = ParticipantProposals(
            participant.participant_id, enrolment.id, enrolment.trainee.name, enrolment.cohort.name
        )
        shown.append(row)
        schedule = _schedule_of(participant, mapped)
        if schedule is None:
            row.problem = "No DfE schedule: link this trainee's cohort to a schedule on Cohorts and schedules"
            continue
        try:
            outcomes = propose(
                evidence[enrolment.id], windows(*schedule), existing[participant.participant_id], rule, today
            )
        except RuleInputError as error:
            row.problem = "; ".join(p.message for p in error.problems)
            continue
        for outcome in outcomes:
            if isinstance(outcome, Proposal):
                row.proposed.append(
                    ProposedDeclaration(
                        proposal_key(participant.participant_id, outcome.declaration_type, outcome.declaration_date),
                        participant.participant_id,
                        enrolment.id,
                        outcome.declaration_type,
                        outcome.declaration_date,
                        outcome.has_passed,
                        describe(outcome.reason),
                    )
                )
            elif isinstance(outcome, NotYet) and outcome.reason.code != "already_declared":
                row.not_yet.append(describe(outcome.reason))  # a declared one is listed with the declarations
    return shown


# ---- submitting ----------------------------------------------------------------------------


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _standing(env: Environment, participant_id: str, kind: str) -> DfeDeclaration | None:
    return db.session.scalar(
        select(DfeDeclaration).where(
            DfeDeclaration.environment == env.value,
            DfeDeclaration.participant_id == participant_id,
            DfeDeclaration.declaration_type == kind,
            DfeDeclaration.state.in_(STANDING_DECLARATION_STATES),
        )
    )


def _already(kind: str, trainee: str) -> str:
    return f"{DeclarationType(kind).label} for {trainee} is already declared: it was not sent again"


def submit(keys: Sequence[str], actor: User, env: Environment | None = None, today: date | None = None) -> int:
    """Queue the proposed declarations named by ``keys`` and start the sender; how many were queued.

    All or nothing: a key that names no current proposal (the evidence changed, or it is already
    declared) refuses the whole submission, saying which and why."""
    env = env or connection.environment()
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise Invalid("Choose at least one declaration to submit", FIELD)
    rows = proposals(env, today)
    current = {p.key: (p, row.trainee) for row in rows for p in row.proposed}
    names = {row.participant_id: row.trainee for row in rows}
    problems = []
    for key in wanted:
        if key in current:
            continue
        participant_id, _, rest = key.partition(":")
        kind = rest.partition(":")[0]
        trainee = names.get(participant_id, "this trainee")
        if kind in {t.value for t in DeclarationType} and _standing(env, participant_id, kind):
            problems.append((FIELD, _already(kind, trainee)))
        else:
            problems.append((FIELD, f"A declaration for {trainee} is no longer proposed: the evidence has changed"))
    if problems:
        raise Invalid(problems)
    for key in wanted:
        proposal, _ = current[key]
        db.session.add(
            DfeDeclaration(
                environment=env.value,
                participant_id=proposal.participant_id,
                enrolment_id=proposal.enrolment_id,
                declaration_type=proposal.declaration_type.value,
                declaration_date=_midnight(proposal.declaration_date),
                has_passed=proposal.has_passed,
                state=QUEUED,
                why=proposal.why,
                created_by_id=actor.id,
                errors=[],
            )
        )
    record(
        Action.DFE_DECLARATIONS_SUBMITTED, Subject("dfe_declaration"), None, count=len(wanted), environment=env.value
    )
    try:
        db.session.commit()
    except IntegrityError:  # another person submitted the same one a moment ago
        db.session.rollback()
        raise Invalid(
            "One of these declarations was submitted by someone else a moment ago: nothing was sent again", FIELD
        ) from None
    request_sending(actor.id)
    return len(wanted)


def request_sending(owner_id: int | None = None) -> int | None:
    """Queue a sender unless one is already waiting; the new job's id, if one was queued."""
    waiting = select(func.count()).select_from(DfeDeclaration).where(DfeDeclaration.state == QUEUED)
    return queues.start_sender(JOB_KIND, owner_id, waiting)


def sending_job() -> jobs.Job | None:
    """The sender queued or running now, whoever started it (for the page's progress)."""
    return db.session.scalar(
        select(jobs.Job)
        .where(
            jobs.Job.kind == JOB_KIND, jobs.Job.status.in_([jobs.JobStatus.QUEUED.value, jobs.JobStatus.RUNNING.value])
        )
        .order_by(jobs.Job.id.desc())
        .limit(1)
    )


# ---- sending -------------------------------------------------------------------------------


@dataclass
class Sent:
    sent: int = 0
    adopted: int = 0  # already at the DfE: recorded, not sent again
    refused: int = 0
    waiting: int = 0  # left queued: the DfE could not be reached
    stopped: str = ""

    def summary(self) -> str:
        words = (
            f"Sent {self.sent}, already at the DfE {self.adopted}, refused {self.refused}, still queued {self.waiting}."
        )
        return words + (f" Stopped: {self.stopped}" if self.stopped else "")


def _claimable(now: datetime) -> Any:
    return (DfeDeclaration.state == QUEUED) & or_(
        DfeDeclaration.claimed_until.is_(None), DfeDeclaration.claimed_until <= now
    )


def _claim(declaration_id: int, now: datetime) -> bool:
    """Take one queued declaration for this sender: one conditional UPDATE, so of two senders only one wins."""
    with db.engine.begin() as link:
        claimed = link.execute(
            update(DfeDeclaration)
            .where(DfeDeclaration.id == declaration_id, _claimable(now))
            .values(
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                attempts=DfeDeclaration.attempts + 1,
                lock_version=DfeDeclaration.lock_version + 1,
            )
        )
    return claimed.rowcount == 1


def _settle(declaration_id: int, **values: Any) -> None:
    """Write what became of a claimed declaration, if it is still queued."""
    with db.engine.begin() as link:
        link.execute(
            update(DfeDeclaration)
            .where(DfeDeclaration.id == declaration_id, DfeDeclaration.state == QUEUED)
            .values(claimed_until=None, lock_version=DfeDeclaration.lock_version + 1, **values)
        )


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _remote_values(resource: dict[str, Any]) -> dict[str, Any]:
    """The columns a declaration read from the DfE sets here."""
    attributes = resource["attributes"]
    has_passed = attributes.get("has_passed")
    values: dict[str, Any] = {
        "remote_id": resource["id"],
        "state": attributes["state"],
        "statement_id": attributes.get("statement_id"),
        "clawback_statement_id": attributes.get("clawback_statement_id"),
        "remote_updated_at": attributes.get("updated_at"),
    }
    if isinstance(has_passed, bool) or has_passed is None:
        values["has_passed"] = has_passed
    if (declared := _parse_time(attributes.get("declaration_date"))) is not None:
        values["declaration_date"] = declared
    return values


def request_body(row: DfeDeclaration) -> dict[str, Any]:
    """The request the document asks for (ParticipantDeclarationRequest): has_passed for completed only."""
    declared = row.declaration_date
    declared = declared.astimezone(UTC) if declared.tzinfo else declared.replace(tzinfo=UTC)
    attributes: dict[str, Any] = {
        "participant_id": row.participant_id,
        "declaration_type": row.declaration_type,
        "declaration_date": declared.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "course_identifier": COURSE,
    }
    if row.declaration_type == DeclarationType.COMPLETED.value:
        attributes["has_passed"] = bool(row.has_passed)
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def _at_the_dfe(client: DfeClient, participant_id: str) -> dict[str, dict[str, Any]]:
    """The participant's standing npq-senco declarations at the DfE, by type."""
    found: dict[str, dict[str, Any]] = {}
    for _, records in client.pages("/participant-declarations", {"filter[participant_id]": participant_id}):
        for item in records:
            resource = read(DECLARATION, item)
            attributes = resource["attributes"]
            if attributes["course_identifier"] == COURSE and attributes["state"] not in RETRACTED_STATES:
                found[attributes["declaration_type"]] = resource
    return found


def _waiting_words(error: DfeError) -> list[dict[str, str]]:
    return [{"title": NOT_SENT_YET, "detail": f"{error}. It will be tried again."}]


def _send_participant(client: DfeClient, rows: list[DfeDeclaration], result: Sent) -> None:
    """Send one participant's claimed declarations, after reading what the DfE already holds.
    Raises DfeUnreachable / DfeUnauthorised to stop the run (the rows stay queued)."""
    held = _at_the_dfe(client, rows[0].participant_id)
    for row in rows:
        if (resource := held.get(row.declaration_type)) is not None:
            _settle(row.id, errors=[], sent_at=utcnow(), **_remote_values(resource))
            result.adopted += 1
            continue
        try:
            answer = client.send("POST", "/participant-declarations", request_body(row))
        except DfeRefused as error:
            problems = error.problems or [{"title": "", "detail": str(error)}]
            _settle(row.id, state=REFUSED, errors=problems)
            result.refused += 1
            continue
        except (DfeUnreachable, DfeUnauthorised):
            raise
        except DfeError as error:  # an answer not in the API's shape: it may have been made; the next run checks
            _settle(row.id, errors=_waiting_words(error))
            result.waiting += 1
            continue
        _settle(row.id, errors=[], sent_at=utcnow(), **_remote_values(read_one(DECLARATION, answer)))
        result.sent += 1


def _held_rows(ids: list[int]) -> list[DfeDeclaration]:
    """The rows claimed, loaded and let go of the session: no transaction stays open while the DfE is called."""
    rows = list(
        db.session.scalars(select(DfeDeclaration).where(DfeDeclaration.id.in_(ids)).order_by(DfeDeclaration.id))
    )
    for row in rows:
        db.session.expunge(row)
    db.session.rollback()
    return rows


def send_queued(work: jobs.Work | None = None) -> Sent:
    """Send every queued declaration that no other sender holds; what was done. Each participant's
    declarations are claimed just before they are sent (with the clock as it is then), so however
    slow the DfE is, no claim runs out while its row waits its turn."""
    result = Sent()
    waiting = db.session.execute(
        select(DfeDeclaration.id, DfeDeclaration.environment, DfeDeclaration.participant_id)
        .where(_claimable(utcnow()))
        .order_by(DfeDeclaration.id)
    ).all()
    db.session.rollback()  # no transaction stays open while the DfE is called
    by_env: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for declaration_id, env_value, participant_id in waiting:
        by_env[env_value][participant_id].append(declaration_id)
    total, done = len(waiting), 0
    if work is not None:
        work.progress(0, total)
    for env_value, participants in by_env.items():
        env = Environment(env_value)
        try:
            client = connection.client(env)
        except connection.NotConnected as error:
            for ids in participants.values():
                for declaration_id in ids:
                    if _claim(declaration_id, utcnow()):
                        _settle(declaration_id, errors=[{"title": NOT_SENT_YET, "detail": str(error)}])
                        result.waiting += 1
            continue
        with client:
            for ids in participants.values():
                if result.stopped:  # the DfE stopped answering: the rest wait for the next run, unclaimed
                    result.waiting += len(ids)
                    continue
                claimed = [i for i in ids if _claim(i, utcnow())]
                if not claimed:  # another sender has them
                    continue
                group = _held_rows(claimed)
                try:
                    _send_participant(client, group, result)
                except (DfeUnreachable, DfeUnauthorised) as error:
                    result.stopped = str(error)
                    for row in group:  # those not settled before the DfE stopped answering stay queued
                        _settle(row.id, errors=_waiting_words(error))
                    result.waiting += len(group)
                    continue
                done += len(group)
                if work is not None:
                    work.progress(done, total)
    return result


def _sending_job(work: jobs.Work) -> str:
    done = send_queued(work)
    work.output.write_text(done.summary() + "\n")
    return "dfe-declarations.txt"


def start_if_queued() -> int | None:
    """The runner's periodic check: start a sender if a declaration is waiting to go."""
    waiting = db.session.scalar(select(DfeDeclaration.id).where(_claimable(utcnow())).limit(1))
    db.session.rollback()
    return request_sending() if waiting is not None else None


# ---- voiding -------------------------------------------------------------------------------


def void(declaration_id: int, reason: str, actor: User) -> DfeDeclaration:
    """Retract a declaration at the DfE: ``voided``, or ``awaiting_clawback`` when it was paid."""
    row = db.session.get(DfeDeclaration, declaration_id)
    if row is None:
        raise Invalid("There is no declaration with this id", "declaration_id")
    path = f"void_{row.id}_reason"
    reason = reason.strip()
    if not reason:
        raise Invalid("Enter why the declaration is being voided", path)
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(too_long(REASON_MAX_LENGTH, "The reason"), path)
    if row.state not in VOIDABLE_DECLARATION_STATES or not row.remote_id:
        raise Invalid(f"A declaration that is {row.state.replace('_', ' ')} cannot be voided", path)
    remote_id = row.remote_id
    db.session.rollback()  # nothing held open while the DfE is called
    try:
        with connection.client(Environment(row.environment)) as client:
            answer = client.send("PUT", f"/participant-declarations/{remote_id}/void")
    except connection.NotConnected as error:
        raise Invalid(str(error), path) from None
    except DfeRefused as error:
        said = "; ".join(p["detail"] or p["title"] for p in error.problems) or str(error)
        raise Invalid(f"The DfE refused to void it: {said}", path) from None
    except DfeUnreachable as error:
        # The DfE may have voided it and only its answer been lost: ask before saying it did not.
        answer = _voided_at_the_dfe(Environment(row.environment), remote_id, error, path)
    except DfeError as error:
        raise Invalid(f"{error}: nothing was voided. Try again later", path) from None
    row = db.session.get(DfeDeclaration, declaration_id)
    assert row is not None
    for name, value in _remote_values(read_one(DECLARATION, answer)).items():
        setattr(row, name, value)
    row.void_reason = reason
    record(Action.DFE_DECLARATION_VOIDED, Subject("dfe_declaration", row.id), None, state=row.state)
    db.session.commit()
    return row


def _voided_at_the_dfe(env: Environment, remote_id: str, error: DfeError, path: str) -> dict[str, Any]:
    """The declaration as the DfE holds it, if it is voided (or awaiting clawback) there; else
    Invalid saying nothing was voided, or that nobody can tell yet."""
    try:
        with connection.client(env) as client:
            answer = client.get(f"/participant-declarations/{remote_id}")
        state = read_one(DECLARATION, answer)["attributes"]["state"]
    except DfeError as again:
        raise Invalid(
            f"{again}, so this app cannot tell whether the DfE voided it. Sync in a few minutes, then check it",
            path,
        ) from None
    if state not in RETRACTED_STATES:
        raise Invalid(f"{error}: nothing was voided. Try again later", path) from None
    return answer


# ---- reading from the DfE ------------------------------------------------------------------


def _upsert_declaration(record_: dict[str, Any], env: Environment) -> bool | str:
    resource = read(DECLARATION, record_)
    attributes = resource["attributes"]
    if attributes["course_identifier"] != COURSE:
        return f"{resource['id']} is for {attributes['course_identifier']}"
    values = _remote_values(resource)
    row = db.session.scalar(select(DfeDeclaration).where(DfeDeclaration.remote_id == resource["id"]))
    if row is None:  # ours, sent before a crash and not yet recorded: adopt it
        row = db.session.scalar(
            select(DfeDeclaration).where(
                DfeDeclaration.environment == env.value,
                DfeDeclaration.participant_id == attributes["participant_id"],
                DfeDeclaration.declaration_type == attributes["declaration_type"],
                DfeDeclaration.state == QUEUED,
                DfeDeclaration.remote_id.is_(None),
            )
        )
        if row is not None and attributes["state"] in RETRACTED_STATES:
            row = None  # a retracted one at the DfE is not the one waiting here
    if row is None:
        participant = db.session.scalar(
            select(DfeParticipant).filter_by(environment=env.value, participant_id=attributes["participant_id"])
        )
        row = DfeDeclaration(
            environment=env.value,
            participant_id=attributes["participant_id"],
            enrolment_id=participant.enrolment_id if participant else None,
            declaration_type=attributes["declaration_type"],
            why="Read from the DfE: not submitted through this app",
            errors=[],
        )
        try:
            with db.session.begin_nested():
                for name, value in values.items():
                    setattr(row, name, value)
                db.session.add(row)
        except IntegrityError:
            return f"{resource['id']}: another {attributes['declaration_type']} declaration stands here"
        return True
    changed = any(getattr(row, name) != value for name, value in values.items() if name != "remote_updated_at")
    for name, value in values.items():
        setattr(row, name, value)
    if row.sent_at is None:
        row.sent_at = utcnow()
    return changed


def read_declarations(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(client, env, "declarations", "/participant-declarations", _upsert_declaration)


def _upsert_statement(record_: dict[str, Any], env: Environment) -> bool | str:
    resource = read(STATEMENT, record_)
    attributes = resource["attributes"]
    row = db.session.get(DfeStatement, resource["id"])
    values = {
        "environment": env.value,
        "month": attributes.get("month") or "",
        "year": attributes.get("year") or "",
        "cohort": attributes.get("cohort") or "",
        "cut_off_date": attributes.get("cut_off_date"),
        "payment_date": attributes.get("payment_date"),
        "paid": bool(attributes.get("paid")),
    }
    if row is None:
        db.session.add(DfeStatement(id=resource["id"], remote_updated_at=attributes.get("updated_at"), **values))
        return True
    changed = any(getattr(row, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(row, name, value)
    row.remote_updated_at, row.synced_at = attributes.get("updated_at"), utcnow()
    return changed


def read_statements(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(client, env, "statements", "/statements", _upsert_statement)


@dataclass(frozen=True)
class StatementRow:
    statement: DfeStatement
    counts: dict[tuple[str, str], int]  # (declaration type, state) → how many on it

    @property
    def title(self) -> str:
        return f"{self.statement.month} {self.statement.year}"


def statements(env: Environment | None = None) -> list[StatementRow]:
    """Each statement, newest payment first, with its declarations counted by type and state."""
    env = env or connection.environment()
    counts: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for statement_id, kind, state, number in db.session.execute(
        select(DfeDeclaration.statement_id, DfeDeclaration.declaration_type, DfeDeclaration.state, func.count())
        .where(DfeDeclaration.environment == env.value, DfeDeclaration.statement_id.is_not(None))
        .group_by(DfeDeclaration.statement_id, DfeDeclaration.declaration_type, DfeDeclaration.state)
    ):
        counts[str(statement_id)][(kind, state)] = number
    rows = db.session.scalars(
        select(DfeStatement)
        .where(DfeStatement.environment == env.value)
        .order_by(DfeStatement.payment_date.desc(), DfeStatement.id)
    )
    return [StatementRow(s, counts.get(s.id, {})) for s in rows]


def declarations(env: Environment | None = None) -> list[DfeDeclaration]:
    """Every declaration of the environment, newest first, with its trainee loaded."""
    env = env or connection.environment()
    return list(
        db.session.scalars(
            select(DfeDeclaration)
            .where(DfeDeclaration.environment == env.value)
            .options(selectinload(DfeDeclaration.enrolment).selectinload(Enrolment.trainee))
            .order_by(DfeDeclaration.id.desc())
        )
    )


def claimed_now(row: DfeDeclaration) -> bool:
    """Whether a sender holds this queued declaration at this moment (shown as "Sending")."""
    until = row.claimed_until
    if until is None:
        return False
    until = until if until.tzinfo else until.replace(tzinfo=UTC)
    return until > utcnow()


def in_words(day: datetime | date | None) -> str:
    if day is None:
        return ""
    return format_date((day.date() if isinstance(day, datetime) else day).isoformat())


def init_app(app: Flask) -> None:
    jobs.register_kind(app, JOB_KIND, _sending_job)
    jobs.register_daily(app, JOB_KIND)  # whatever waits is tried at least once a day
    jobs.register_periodic(app, start_if_queued)  # and within a minute where a runner is alive
    sync.register("declarations", read_declarations)
    sync.register("statements", read_statements)
