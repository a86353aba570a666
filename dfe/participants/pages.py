"""The participants page: each linked trainee, what this app holds beside what the DfE holds,
what differs (:mod:`dfe.differences`), and the reports still waiting or refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from assessments.models import Enrolment
from core.accounts.models import User
from core.extensions import db
from dfe import connection, differences
from dfe.contract import Environment, ReportState
from dfe.models import DfeDeclaration, DfeOutcome, DfeParticipant, DfeReport


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
