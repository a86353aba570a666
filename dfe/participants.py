"""Participants and outcomes: telling the DfE what changed here, and reading back what it holds.

Telling (a queue, :class:`~dfe.models.DfeReport`):

- withdrawing, deferring or resuming a trainee (:data:`assessments.signals.training_status_changed`)
  queues a ``withdraw`` / ``defer`` / ``resume`` report in the same transaction as the change;
- recording a case-study result passed or not passed (:data:`assessments.signals.
  case_study_result_recorded`) queues an ``outcome`` report (passed / failed, with its date) once
  a ``completed`` declaration stands at the DfE (before that, the declaration's ``has_passed`` carries it);
- an administrator's "Change schedule" on the participant page queues a ``change-schedule`` report.

Only an enrolment tied to a DfE participant (:class:`~dfe.models.DfeParticipant`) is reported. The
job ``dfe-reports`` sends the queue oldest first, one participant's reports in the order they were
made: ``PUT /participants/npq/{id}/withdraw|defer|resume|change-schedule`` and ``POST
/participants/npq/{id}/outcomes``, bodies as the DfE's document says (``ParticipantWithdrawRequest``
and the rest in ``tests/fixtures/dfe_npq_api_v3/swagger.yaml``; guidance pages
``how-to-guides/view-and-update-participant-data.md`` and ``submit-participant-outcomes.md`` under
``app/views/api/guidance/`` of DFE-Digital/npq-registration). A 422 marks the report refused with
the DfE's errors, for a person to read and send again; an unreachable DfE leaves it queued, tried
again after a wait (:data:`RETRY_AFTER_SECONDS`). Each report is claimed by one conditional UPDATE
(its ``send_after`` moved past a lease), so two runners never send it twice; a report tried before
is first checked against the DfE (:func:`_already_there`), since an earlier try may have reached it.

Reading (two sync readers, :mod:`dfe.sync`): ``participants`` (``/participants/npq``) into
DfeParticipant's training status, schedule and cohort, and ``outcomes`` (``/participants/npq/outcomes``,
by ``filter[created_since]``) into :class:`~dfe.models.DfeOutcome`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select, update

from assessments.case_study_rules import CaseStudyResult
from assessments.models import CaseStudy, Enrolment, EnrolmentStatusChange
from assessments.signals import case_study_result_recorded, training_status_changed
from core import jobs
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Invalid, Problem
from dfe import connection, differences, queues, schemas, sync
from dfe.client import DfeClient, DfeError, DfeNotFound, DfeRefused, DfeUnauthorised, DfeUnreachable
from dfe.contract import COURSE, SCHEDULES, Environment, OutcomeState, ReportKind, ReportState, cohort_year_of
from dfe.milestones import RETRACTED, DeclarationType
from dfe.models import DfeApplication, DfeDeclaration, DfeOutcome, DfeParticipant, DfeReport
from dfe.queues import CLAIM_SECONDS, NOT_SENT_YET

log = logging.getLogger(__name__)

JOB_KIND = "dfe-reports"
RETRY_AFTER_SECONDS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)  # after the 1st, 2nd, 3rd, 4th and later failures
CHOOSE_SCHEDULE = (
    "Choose the schedule to move the participant to"  # the title of the error kept while a report waits for its retry
)

# The DfE's request type for each kind of report (the document's ``data.type`` examples).
REQUEST_TYPES = {
    ReportKind.WITHDRAW: "participant-withdraw",
    ReportKind.DEFER: "participant-defer",
    ReportKind.RESUME: "participant-resume",
    ReportKind.CHANGE_SCHEDULE: "participant-change-schedule",
    ReportKind.OUTCOME: "npq-outcome-confirmation",
}
# What each training-status change here is reported as, and the DfE status it leads to.
REPORT_FOR_STATUS = {"withdrawn": ReportKind.WITHDRAW, "deferred": ReportKind.DEFER, "active": ReportKind.RESUME}
STATUS_AFTER = {ReportKind.WITHDRAW: "withdrawn", ReportKind.DEFER: "deferred", ReportKind.RESUME: "active"}
OUTCOME_FOR_RESULT = {
    CaseStudyResult.PASSED.value: OutcomeState.PASSED,
    CaseStudyResult.NOT_PASSED.value: OutcomeState.FAILED,
}
KIND_WORDS = {
    ReportKind.WITHDRAW: "Withdrawal",
    ReportKind.DEFER: "Deferral",
    ReportKind.RESUME: "Resumption",
    ReportKind.CHANGE_SCHEDULE: "Change of schedule",
    ReportKind.OUTCOME: "Outcome",
}


def path_for(report: DfeReport) -> tuple[str, str]:
    """The method and path (under /api/v3) a report is sent to."""
    kind = ReportKind(report.kind)
    if kind is ReportKind.OUTCOME:
        return "POST", f"/participants/npq/{report.participant_id}/outcomes"
    return "PUT", f"/participants/npq/{report.participant_id}/{kind.value}"


def body_for(report: DfeReport) -> dict[str, Any]:
    return {"data": {"type": REQUEST_TYPES[ReportKind(report.kind)], "attributes": dict(report.payload)}}


# ---- queuing -----------------------------------------------------------------------------------


def participant_of(enrolment_id: int) -> DfeParticipant | None:
    return db.session.scalars(select(DfeParticipant).where(DfeParticipant.enrolment_id == enrolment_id)).first()


def queue(participant: DfeParticipant, kind: ReportKind, attributes: dict[str, Any], by_id: int | None) -> DfeReport:
    """Add a report to the caller's transaction; the job sends it once that commits."""
    report = DfeReport(
        environment=participant.environment,
        kind=kind.value,
        participant_id=participant.participant_id,
        enrolment_id=participant.enrolment_id,
        payload={"course_identifier": COURSE, **attributes},
        state=ReportState.QUEUED.value,
        errors=[],
        attempts=0,
        created_by_id=by_id,
    )
    db.session.add(report)
    return report


def _on_training_status_changed(_sender: object, enrolment: Enrolment, change: EnrolmentStatusChange) -> None:
    participant = participant_of(enrolment.id)
    kind = REPORT_FOR_STATUS.get(change.to_status)
    if participant is None or kind is None:
        return  # not a DfE participant: nothing to tell
    attributes = {} if kind is ReportKind.RESUME else {"reason": change.reason}
    queue(participant, kind, attributes, change.changed_by_id)


def _completed_at_the_dfe(participant: DfeParticipant) -> bool:
    """Whether the DfE holds a standing ``completed`` declaration for the participant."""
    found = db.session.scalar(
        select(DfeDeclaration.id)
        .where(
            DfeDeclaration.environment == participant.environment,
            DfeDeclaration.participant_id == participant.participant_id,
            DfeDeclaration.declaration_type == DeclarationType.COMPLETED.value,
            DfeDeclaration.remote_id.is_not(None),
            DfeDeclaration.state.not_in([s.value for s in RETRACTED]),
        )
        .limit(1)
    )
    return found is not None


def _on_case_study_result(_sender: object, enrolment: Enrolment, case_study: CaseStudy) -> None:
    participant = participant_of(enrolment.id)
    state = OUTCOME_FOR_RESULT.get(case_study.result or "")
    if participant is None or state is None or case_study.result_on is None:
        return
    # The first outcome rides on the completed declaration (its has_passed); the DfE refuses an
    # outcome with no completed declaration (guidance "view-and-update-participant-data", "Submit an
    # NPQ outcome"). Only a result changed after that declaration is sent as an outcome of its own.
    if not _completed_at_the_dfe(participant):
        return
    attributes = {"state": state.value, "completion_date": case_study.result_on.isoformat()}
    queue(participant, ReportKind.OUTCOME, attributes, case_study.updated_by_id)


def change_schedule(
    participant: DfeParticipant, schedule: str | None, cohort_year: int | None, actor: User
) -> DfeReport:
    """Queue a change of schedule (and, optionally, of cohort: the DfE allows that only until a
    ``started`` declaration is submitted, and says so with a 422 if not)."""
    problems = []
    if schedule not in SCHEDULES:
        problems.append(Problem("schedule_identifier", CHOOSE_SCHEDULE))
    if cohort_year is not None and cohort_year not in connection.COHORT_YEARS:
        years = connection.COHORT_YEARS
        problems.append(Problem("cohort", f"Enter a cohort year from {years[0]} to {years[-1]}, or leave it empty"))
    if problems:
        raise Invalid(problems)
    attributes: dict[str, Any] = {"schedule_identifier": schedule}
    if cohort_year is not None:
        attributes["cohort"] = str(cohort_year)
    report = queue(participant, ReportKind.CHANGE_SCHEDULE, attributes, actor.id)
    record(
        Action.DFE_SCHEDULE_CHANGE_QUEUED,
        Subject("dfe_participant", participant.id),
        participant.enrolment.trainee_id if participant.enrolment else None,
        schedule=schedule,
        cohort=cohort_year,
    )
    return report


def send_again(report: DfeReport) -> None:
    """Queue a refused report again (after someone put right what the DfE said)."""
    if report.state != ReportState.REFUSED.value:
        raise Invalid("Only a report the DfE refused can be sent again", "report")
    report.state, report.send_after, report.errors = ReportState.QUEUED.value, None, []
    record(Action.DFE_REPORT_SENT_AGAIN, Subject("dfe_report", report.id), None, kind=report.kind)


# ---- sending -----------------------------------------------------------------------------------


@dataclass
class Sent:
    """What one run did."""

    sent: int = 0
    refused: int = 0
    waiting: int = 0  # not sent: the DfE could not be reached; tried again later

    def summary(self) -> str:
        return f"Sent {self.sent}, refused {self.refused}, waiting to try again {self.waiting}."


def retry_after(attempts: int) -> timedelta:
    return timedelta(seconds=RETRY_AFTER_SECONDS[min(max(attempts, 1), len(RETRY_AFTER_SECONDS)) - 1])


def _due(env: Environment, now: datetime) -> list[int]:
    """Queued reports whose time has come, oldest first; a report waits while an older one of the
    same participant is still queued (a resume must not overtake its deferral)."""
    rows = db.session.execute(
        select(DfeReport.id, DfeReport.participant_id, DfeReport.send_after)
        .where(DfeReport.environment == env.value, DfeReport.state == ReportState.QUEUED.value)
        .order_by(DfeReport.id)
    ).all()
    db.session.rollback()  # no transaction stays open while the DfE is called
    due, waiting = [], set()
    for report_id, participant_id, send_after in rows:
        if participant_id in waiting:
            continue
        waiting.add(participant_id)
        if send_after is None or send_after <= now:
            due.append(report_id)
    return due


def _claim(report_id: int, now: datetime) -> bool:
    """Take the report for this run: one conditional UPDATE, so of two runners only one wins."""
    with db.engine.begin() as conn:
        claimed = conn.execute(
            update(DfeReport)
            .where(
                DfeReport.id == report_id,
                DfeReport.state == ReportState.QUEUED.value,
                or_(DfeReport.send_after.is_(None), DfeReport.send_after <= now),
            )
            .values(send_after=now + timedelta(seconds=CLAIM_SECONDS), attempts=DfeReport.attempts + 1)
        )
    return claimed.rowcount == 1


def _already_there(client: DfeClient, report: DfeReport) -> bool:
    """Whether the DfE already holds what the report says (an earlier try reached it unanswered)."""
    kind = ReportKind(report.kind)
    if kind is ReportKind.OUTCOME:
        answer = client.get(f"/participants/npq/{report.participant_id}/outcomes")
        return any(
            isinstance(o, dict)
            and (o.get("attributes") or {}).get("state") == report.payload.get("state")
            and str((o.get("attributes") or {}).get("completion_date", ""))[:10]
            == report.payload.get("completion_date")
            for o in answer.get("data") or []
        )
    found = schemas.read_one(schemas.PARTICIPANT, client.get(f"/participants/npq/{report.participant_id}"))
    enrolment = _senco_enrolment(found)
    if enrolment is None:
        return False
    if kind is ReportKind.CHANGE_SCHEDULE:
        cohort = report.payload.get("cohort")
        return enrolment.get("schedule_identifier") == report.payload.get("schedule_identifier") and (
            cohort is None or enrolment.get("cohort") == cohort
        )
    return enrolment.get("training_status") == STATUS_AFTER[kind]


def _send_one(client: DfeClient, report_id: int, now: datetime, result: Sent) -> bool:
    """Send one claimed report; False when the run should stop (the DfE is not answering)."""
    report = db.session.get(DfeReport, report_id)
    if report is None:
        return True
    try:
        if report.attempts > 1 and _already_there(client, report):
            answer = None
        else:
            method, path = path_for(report)
            answer = client.send(method, path, body_for(report))
    except DfeRefused as error:
        report.state, report.send_after = ReportState.REFUSED.value, None
        report.errors = error.problems or [{"title": "", "detail": str(error)}]
        result.refused += 1
    except DfeNotFound:
        report.state, report.send_after = ReportState.REFUSED.value, None
        report.errors = [{"title": "participant_id", "detail": "The DfE has no such participant for this provider"}]
        result.refused += 1
    except DfeError as error:  # unreachable, the token refused, an answer not in the API's shape
        report.send_after = now + retry_after(report.attempts)
        report.errors = [{"title": NOT_SENT_YET, "detail": f"{error}. The app will try again."}]
        result.waiting += 1
        db.session.commit()
        return not isinstance(error, DfeUnreachable | DfeUnauthorised)
    else:
        report.state, report.sent_at, report.send_after, report.errors = ReportState.SENT.value, utcnow(), None, []
        result.sent += 1
        if answer is not None:
            _keep_answer(report, answer)
    db.session.commit()
    return True


def _keep_answer(report: DfeReport, answer: dict[str, Any]) -> None:
    """What the DfE answered is what it now holds: kept at once, so the page agrees before a sync."""
    env = Environment(report.environment)
    try:
        if ReportKind(report.kind) is ReportKind.OUTCOME:
            upsert_outcome(answer.get("data"), env)
        else:
            upsert_participant(answer.get("data"), env)
    except DfeError as error:  # sent and accepted; the next sync reads it properly
        log.warning("dfe: the answer to report %s was not kept: %s", report.id, error)


def send_due(now: datetime | None = None) -> Sent:
    """Send every report due at ``now`` (default: the clock) to the chosen environment. Each
    report is claimed at the moment it is reached (``now`` moved on by the time the run has
    taken), so a slow run never claims with a lease that has already run out."""
    result = Sent()
    env = connection.environment()
    started = utcnow()
    moment = now or started

    def clock() -> datetime:
        return moment + (utcnow() - started)

    due = _due(env, moment)
    if not due:
        return result
    with connection.client(env) as client:
        while due:  # again after each pass: a participant's next report is due once the one before is sent
            claimed = False
            for report_id in due:
                if not _claim(report_id, clock()):
                    continue
                claimed = True
                if not _send_one(client, report_id, clock(), result):
                    return result
            if not claimed:  # another runner has them
                return result
            due = _due(env, moment)
    return result


def _sender_job(work: jobs.Work) -> str:
    try:
        done = send_due()
    except connection.NotConnected as error:
        work.output.write_text(f"{error}\n")
        return "dfe-reports.txt"
    work.output.write_text(done.summary() + "\n")
    return "dfe-reports.txt"


def request_sending(app: Flask | None = None) -> int | None:
    """Queue a sending job unless one is already waiting; the new job's id, if one was queued."""
    return queues.start_sender(JOB_KIND, app=app)


def start_if_due() -> int | None:
    """The runner's periodic check: start a sending run when a queued report's time has come."""
    now = utcnow()
    due = db.session.scalar(
        select(DfeReport.id)
        .where(
            DfeReport.state == ReportState.QUEUED.value,
            or_(DfeReport.send_after.is_(None), DfeReport.send_after <= now),
        )
        .limit(1)
    )
    db.session.rollback()
    return request_sending() if due is not None else None


# ---- reading -----------------------------------------------------------------------------------


def _senco_enrolment(found: dict[str, Any]) -> dict[str, Any] | None:
    for enrolment in found["attributes"].get("npq_enrolments") or []:
        if enrolment.get("course_identifier") == COURSE:
            return enrolment  # type: ignore[no-any-return]
    return None


def upsert_participant(raw: Any, env: Environment) -> bool | str:
    """Keep one participant as the DfE holds it; True when new or changed here."""
    found = schemas.read(schemas.PARTICIPANT, raw)
    enrolment = _senco_enrolment(found)
    if enrolment is None:
        return f"participant {found['id']} has no NPQ for SENCOs enrolment"
    row = db.session.scalars(
        select(DfeParticipant).filter_by(environment=env.value, participant_id=found["id"])
    ).first()
    if row is None:
        row = DfeParticipant(environment=env.value, participant_id=found["id"], attributes={})
        db.session.add(row)
    application_id = enrolment.get("npq_application_id") or ""
    before = (row.training_status, row.schedule_identifier, row.cohort_year, row.attributes)
    row.training_status = enrolment.get("training_status")
    row.schedule_identifier = enrolment.get("schedule_identifier")
    row.cohort_year = cohort_year_of(enrolment.get("cohort"))
    row.attributes = {} if row.erased_at is not None else raw["attributes"]  # erased here: never written again
    row.remote_updated_at = found["attributes"].get("updated_at")
    row.synced_at = utcnow()
    if not row.application_id and application_id:
        row.application_id = application_id
    if row.enrolment_id is None and row.application_id:  # tie it to the enrolment its application became
        application = db.session.get(DfeApplication, row.application_id)
        if (
            application is not None
            and application.enrolment_id is not None
            and participant_of(application.enrolment_id) is None
        ):
            row.enrolment_id = application.enrolment_id
    return before != (row.training_status, row.schedule_identifier, row.cohort_year, row.attributes)


def _completion_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def upsert_outcome(raw: Any, env: Environment) -> bool | str:
    found = schemas.read(schemas.OUTCOME, raw)
    attributes = found["attributes"]
    if attributes.get("course_identifier") not in (None, COURSE):
        return f"outcome {found['id']} is for another course"
    row = db.session.get(DfeOutcome, found["id"])
    new = row is None
    if row is None:
        row = DfeOutcome(id=found["id"], environment=env.value)
        db.session.add(row)
    before = (row.state, row.completion_date)
    row.participant_id = attributes["participant_id"]
    row.state = attributes["state"]
    row.completion_date = _completion_date(attributes["completion_date"])
    row.remote_created_at = attributes.get("created_at")
    row.synced_at = utcnow()
    return new or before != (row.state, row.completion_date)


def _read_participants(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(client, env, "participants", "/participants/npq", upsert_participant)


def _read_outcomes(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(
        client, env, "outcomes", "/participants/npq/outcomes", upsert_outcome, since_param="filter[created_since]"
    )


def init_app(app: Flask) -> None:
    for signal, receiver in (
        (training_status_changed, _on_training_status_changed),
        (case_study_result_recorded, _on_case_study_result),
    ):
        signal.connect(receiver)  # blinker keeps one connection per receiver, however many apps
    jobs.register_kind(app, JOB_KIND, _sender_job)
    jobs.register_daily(app, JOB_KIND)  # what waits for a retry goes at least once a day
    jobs.register_periodic(app, start_if_due)  # and, where a runner is alive, within a minute or so
    sync.register("participants", _read_participants)
    sync.register("outcomes", _read_outcomes)


# ---- the page: here beside the DfE ---------------------------------------------------------------


@dataclass
class Standing:
    """One linked trainee: what this app holds beside what the DfE holds, and what differs."""

    participant: DfeParticipant
    enrolment: Enrolment
    here: differences.Here
    latest_outcome: DfeOutcome | None
    declarations: int  # declarations the DfE holds for the participant
    what_differs: list[str]
    reports: list[DfeReport]  # queued or refused, oldest first


def _latest_outcomes(env: Environment) -> dict[str, DfeOutcome]:
    latest: dict[str, DfeOutcome] = {}
    for row in db.session.scalars(
        select(DfeOutcome)
        .where(DfeOutcome.environment == env.value)
        .order_by(DfeOutcome.remote_created_at, DfeOutcome.synced_at)
    ):
        latest[row.participant_id] = row  # the newest wins
    return latest


def standings(env: Environment, participant_id: int | None = None) -> list[Standing]:
    """Every participant tied to an enrolment here (or the one asked for), by trainee name."""
    query = (
        select(DfeParticipant)
        .join(Enrolment, Enrolment.id == DfeParticipant.enrolment_id)
        .join(User, User.id == Enrolment.trainee_id)
        .where(DfeParticipant.environment == env.value)
        .order_by(User.name, DfeParticipant.id)
    )
    if participant_id is not None:
        query = query.where(DfeParticipant.id == participant_id)
    participants = list(db.session.scalars(query))
    ids = [p.participant_id for p in participants]
    outcomes = _latest_outcomes(env)
    counts = dict(
        db.session.execute(
            select(DfeDeclaration.participant_id, func.count())
            .where(
                DfeDeclaration.environment == env.value,
                DfeDeclaration.participant_id.in_(ids),
                DfeDeclaration.remote_id.is_not(None),
            )
            .group_by(DfeDeclaration.participant_id)
        ).all()
    )
    reports: dict[str, list[DfeReport]] = {}
    for report in db.session.scalars(
        select(DfeReport)
        .where(
            DfeReport.environment == env.value,
            DfeReport.participant_id.in_(ids),
            DfeReport.state.in_([ReportState.QUEUED.value, ReportState.REFUSED.value]),
        )
        .order_by(DfeReport.id)
    ):
        reports.setdefault(report.participant_id, []).append(report)
    mapped = connection.schedules()
    found = []
    for participant in participants:
        enrolment = participant.enrolment
        assert enrolment is not None  # the join
        cohort_schedule = mapped.get(enrolment.cohort_id)
        here = differences.Here(
            enrolment.training_status,
            enrolment.case_study.result if enrolment.case_study else None,
            cohort_schedule.schedule_identifier if cohort_schedule else None,
        )
        outcome = outcomes.get(participant.participant_id)
        at_dfe = differences.AtDfe(
            participant.training_status, participant.schedule_identifier, outcome.state if outcome else None
        )
        found.append(
            Standing(
                participant,
                enrolment,
                here,
                outcome,
                int(counts.get(participant.participant_id, 0)),
                differences.differences(here, at_dfe),
                reports.get(participant.participant_id, []),
            )
        )
    return found
