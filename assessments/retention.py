"""How long the room's records about trainees are kept: the purge functions of the kinds
"observations", "enrolments" and "calibration" (periods and settings: core.privacy.retention).

Observations and enrolments are kept for a period after their **cohort ends**. A cohort has no
end date of its own, so it ends on the last day anything was recorded for it: the latest of its
creation, its enrolments' creation, its observations (observed, submitted, reflected on), its
case-study windows and results, and its moderation and appeal decisions. A cohort where nothing
happened for the whole period is over; one still in use never reaches it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, Select, delete, exists, func, select

from assessments.models import (
    CalibrationAttempt,
    CaseStudy,
    Cohort,
    Enrolment,
    ModerationAppeal,
    ModerationItem,
    ModerationSample,
    NextStep,
    Observation,
    ObservationRequest,
    ObservationRevision,
    SelfAssessment,
    enrolment_mentor,
)
from core.extensions import db
from core.privacy.retention import Counts, register


def _as_moment(value: date | datetime) -> datetime:
    """A date counts to its end (the start of the next day, UTC); a time as it is."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value + timedelta(days=1), time(), tzinfo=UTC)


def latest(moments: Iterable[date | datetime | None]) -> datetime | None:
    """The latest of ``moments`` (dates counting to their end), or None if there are none."""
    known = [_as_moment(moment) for moment in moments if moment is not None]
    return max(known) if known else None


def _last_dates() -> list[Select[Any]]:
    """Per cohort, the latest date of each kind of thing recorded for it: (cohort id, latest)."""
    per_enrolment: list[tuple[Any, ColumnElement[Any]]] = [
        (Enrolment, Enrolment.created_at),
        (Observation, Observation.observed_on),
        (Observation, Observation.submitted_at),
        (Observation, Observation.reflected_at),
        (CaseStudy, CaseStudy.window_closes),
        (CaseStudy, CaseStudy.result_on),
    ]
    queries: list[Select[Any]] = [select(Cohort.id, Cohort.created_at)]
    for model, column in per_enrolment:
        query = select(Enrolment.cohort_id, func.max(column))
        if model is not Enrolment:
            query = query.join(model, model.enrolment_id == Enrolment.id)
        queries.append(query.group_by(Enrolment.cohort_id))
    for column in (ModerationItem.agreed_at, ModerationAppeal.decided_at):
        query = select(ModerationSample.cohort_id, func.max(column)).join(
            ModerationItem, ModerationItem.sample_id == ModerationSample.id
        )
        if column is ModerationAppeal.decided_at:
            query = query.join(ModerationAppeal, ModerationAppeal.item_id == ModerationItem.id)
        queries.append(query.group_by(ModerationSample.cohort_id))
    return queries


def cohorts_ended_by(cutoff: datetime) -> set[int]:
    """The cohorts whose last recorded day is before ``cutoff``."""
    found: dict[int, list[date | datetime | None]] = {}
    for query in _last_dates():
        for cohort_id, moment in db.session.execute(query):
            found.setdefault(cohort_id, []).append(moment)
    ends = {cohort_id: latest(moments) for cohort_id, moments in found.items()}
    return {cohort_id for cohort_id, end in ends.items() if end is not None and end <= cutoff}


def _enrolments_of(cohort_ids: set[int]) -> Select[tuple[int]]:
    return select(Enrolment.id).where(Enrolment.cohort_id.in_(cohort_ids))


_NO_SYNC = {"synchronize_session": False}  # bulk deletes: no loaded object is kept in step


def _deleted(statement: Any) -> int:
    return int(db.session.execute(statement, execution_options=_NO_SYNC).rowcount)


def _purge_observation_records(cohort_ids: set[int], counts: Counts) -> None:
    """Everything recorded about the observations and case studies of these cohorts' enrolments,
    children first, so that each table's count is its own (not hidden in a cascade)."""
    enrolments = _enrolments_of(cohort_ids)
    observations = select(Observation.id).where(Observation.enrolment_id.in_(enrolments))
    items = select(ModerationItem.id).where(ModerationItem.observation_id.in_(observations))
    counts.add("moderation_appeal", _deleted(delete(ModerationAppeal).where(ModerationAppeal.item_id.in_(items))))
    counts.add(
        "moderation_item", _deleted(delete(ModerationItem).where(ModerationItem.observation_id.in_(observations)))
    )
    emptied = ModerationSample.cohort_id.in_(cohort_ids) & ~exists().where(
        ModerationItem.sample_id == ModerationSample.id
    )
    counts.add("moderation_sample", _deleted(delete(ModerationSample).where(emptied)))
    for model in (ObservationRevision, SelfAssessment):
        counts.add(model.__tablename__, _deleted(delete(model).where(model.observation_id.in_(observations))))
    for model in (NextStep, ObservationRequest):
        counts.add(model.__tablename__, _deleted(delete(model).where(model.enrolment_id.in_(enrolments))))
    counts.add("observation", _deleted(delete(Observation).where(Observation.enrolment_id.in_(enrolments))))
    counts.add("case_study", _deleted(delete(CaseStudy).where(CaseStudy.enrolment_id.in_(enrolments))))


def observations(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Observations and all about them (revisions, requests, self-assessments, next steps,
    reflections, moderation, appeals) and case studies, ``period`` after their cohort ended."""
    counts = Counts()
    ended = cohorts_ended_by(now - period)
    if ended:
        _purge_observation_records(ended, counts)
    return counts


def enrolments(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Enrolments (school, SENCO history, mentors) ``period`` after their cohort ended, with
    whatever is still recorded about them: an enrolment never goes without its observations."""
    counts = Counts()
    ended = cohorts_ended_by(now - period)
    if ended:
        _purge_observation_records(ended, counts)
        enrolled = _enrolments_of(ended)
        counts.add(
            "enrolment_mentor", _deleted(delete(enrolment_mentor).where(enrolment_mentor.c.enrolment_id.in_(enrolled)))
        )
        counts.add("enrolment", _deleted(delete(Enrolment).where(Enrolment.cohort_id.in_(ended))))
    return counts


def calibration(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Mentors' calibration attempts, ``period`` after they were made."""
    counts = Counts()
    old = CalibrationAttempt.created_at <= now - period
    counts.add("calibration_attempt", _deleted(delete(CalibrationAttempt).where(old)))
    return counts


def init_app(app: Flask) -> None:
    register(app, "observations", observations)
    register(app, "enrolments", enrolments)
    register(app, "calibration", calibration)
