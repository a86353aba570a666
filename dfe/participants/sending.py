"""Sending the queued reports: the job ``dfe-reports`` sends them oldest first, one participant's
reports in the order they were made: ``PUT /participants/npq/{id}/withdraw|defer|resume|change-schedule``
and ``POST /participants/npq/{id}/outcomes``, bodies as the DfE's document says
(``ParticipantWithdrawRequest`` and the rest in ``tests/fixtures/dfe_npq_api_v3/swagger.yaml``).

A 422 marks the report refused with the DfE's errors, for a person to read and send again; an
unreachable DfE leaves it queued, tried again after a wait (:data:`RETRY_AFTER_SECONDS`). Each
report is claimed by one conditional UPDATE (its ``send_after`` moved past a lease), so two
runners never send it twice; a report tried before is first checked against the DfE
(:func:`_already_there`), since an earlier try may have reached it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import or_, select, update

from core import jobs
from core.clock import utcnow
from core.extensions import db
from dfe import connection, queues, schemas
from dfe.client import DfeClient, DfeError, DfeNotFound, DfeRefused, DfeUnauthorised, DfeUnreachable
from dfe.contract import Environment, ReportKind, ReportState
from dfe.models import DfeReport
from dfe.participants.reading import senco_enrolment, upsert_outcome, upsert_participant
from dfe.queues import CLAIM_SECONDS, NOT_SENT_YET

log = logging.getLogger(__name__)

JOB_KIND = "dfe-reports"
RETRY_AFTER_SECONDS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)  # after the 1st, 2nd, 3rd, 4th and later failures


# The DfE's request type for each kind of report (the document's ``data.type`` examples).
REQUEST_TYPES = {
    ReportKind.WITHDRAW: "participant-withdraw",
    ReportKind.DEFER: "participant-defer",
    ReportKind.RESUME: "participant-resume",
    ReportKind.CHANGE_SCHEDULE: "participant-change-schedule",
    ReportKind.OUTCOME: "npq-outcome-confirmation",
}
# The DfE training status each report of a change of status leads to.
STATUS_AFTER = {ReportKind.WITHDRAW: "withdrawn", ReportKind.DEFER: "deferred", ReportKind.RESUME: "active"}


def path_for(report: DfeReport) -> tuple[str, str]:
    """The method and path (under /api/v3) a report is sent to."""
    kind = ReportKind(report.kind)
    if kind is ReportKind.OUTCOME:
        return "POST", f"/participants/npq/{report.participant_id}/outcomes"
    return "PUT", f"/participants/npq/{report.participant_id}/{kind.value}"


def body_for(report: DfeReport) -> dict[str, Any]:
    return {"data": {"type": REQUEST_TYPES[ReportKind(report.kind)], "attributes": dict(report.payload)}}


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


def claim(report_id: int, now: datetime) -> bool:
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
    enrolment = senco_enrolment(found)
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
                if not claim(report_id, clock()):
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


def init_app(app: Flask) -> None:
    jobs.register_kind(app, JOB_KIND, _sender_job)
    jobs.register_daily(app, JOB_KIND)  # what waits for a retry goes at least once a day
    jobs.register_periodic(app, start_if_due)  # and, where a runner is alive, within a minute or so
