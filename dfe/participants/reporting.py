"""Queuing a report of what changed here, to be sent to the DfE (:class:`~dfe.models.DfeReport`).

- withdrawing, deferring or resuming a trainee (:data:`assessments.signals.training_status_changed`)
  queues a ``withdraw`` / ``defer`` / ``resume`` report in the same transaction as the change;
- recording a case-study result passed or not passed (:data:`assessments.signals.
  case_study_result_recorded`) queues an ``outcome`` report (passed / failed, with its date) once
  a ``completed`` declaration stands at the DfE (before that, the declaration's ``has_passed`` carries it);
- an administrator's "Change schedule" on the participant page queues a ``change-schedule`` report;
- a report the DfE refused is queued again by "Send again".

Only an enrolment tied to a DfE participant (:class:`~dfe.models.DfeParticipant`) is reported.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from assessments.case_study_rules import CaseStudyResult
from assessments.models import CaseStudy, Enrolment, EnrolmentStatusChange
from assessments.signals import case_study_result_recorded, training_status_changed
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.extensions import db
from core.problems import Invalid, Problem
from dfe import connection
from dfe.contract import COURSE, SCHEDULES, OutcomeState, ReportKind, ReportState
from dfe.milestones import RETRACTED, DeclarationType
from dfe.models import DfeDeclaration, DfeParticipant, DfeReport

CHOOSE_SCHEDULE = (
    "Choose the schedule to move the participant to"  # the title of the error kept while a report waits for its retry
)

# What each training-status change here is reported as.
REPORT_FOR_STATUS = {"withdrawn": ReportKind.WITHDRAW, "deferred": ReportKind.DEFER, "active": ReportKind.RESUME}


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


def init_app() -> None:
    for signal, receiver in (
        (training_status_changed, _on_training_status_changed),
        (case_study_result_recorded, _on_case_study_result),
    ):
        signal.connect(receiver)  # blinker keeps one connection per receiver, however many apps
