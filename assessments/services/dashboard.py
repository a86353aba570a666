"""The mentor's dashboard: their trainees (a page at a time) with progress and what sign-off
still needs, open requests, drafts not submitted, open next steps and SENCO deadlines close.

What it loads is bounded by the page size, not by how many trainees or observations exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from assessments import deadlines
from assessments.models import (
    Cohort,
    Enrolment,
    NextStep,
    Observation,
    ObservationRequest,
    ObservationStatus,
    enrolment_mentor,
)
from assessments.services import DutyView, senco_duty
from assessments.services.feedback import open_next_steps
from assessments.services.observations import ScenarioProgress, progress_of
from assessments.services.requests import open_requests_for_mentor
from competencies import services as competency_services
from core.extensions import db
from curriculum.models import ProgrammeVersion

PAGE_SIZE = 10
CLOSE_STATUSES = (deadlines.Status.DUE_SOON, deadlines.Status.OVERDUE)


@dataclass(frozen=True)
class TraineeRow:
    enrolment: Enrolment
    progress: tuple[ScenarioProgress, ...]
    duty: DutyView

    @property
    def due(self) -> list[tuple[str, str]]:
        """(scenario title, what is missing) for each scenario not yet evidenced."""
        return [
            (p.scenario.title, " ".join(p.missing))
            for p in self.progress
            if p.sign_off is not None and not p.sign_off.evidenced and p.missing
        ]


@dataclass(frozen=True)
class Dashboard:
    trainees: tuple[TraineeRow, ...]
    page: int
    pages: int
    total: int
    requests: tuple[ObservationRequest, ...]
    drafts: tuple[Observation, ...]
    next_steps: tuple[NextStep, ...]
    deadlines_close: tuple[tuple[Enrolment, DutyView], ...]
    titles: dict[str, str]  # scenario titles by key


def mentor_dashboard(mentor_id: int, page: int, today: date) -> Dashboard:
    """Everything a mentor acts on, with their trainees a page at a time (page 1 first)."""
    mine = select(enrolment_mentor.c.enrolment_id).where(enrolment_mentor.c.mentor_id == mentor_id)
    total = db_count(mine)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    eager = (
        selectinload(Enrolment.trainee),
        selectinload(Enrolment.mentors),
        selectinload(Enrolment.cohort).selectinload(Cohort.programme_version).selectinload(ProgrammeVersion.modules),
    )
    shown = list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.id.in_(mine))
            .options(*eager)
            .order_by(Enrolment.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    found = progress_of(shown, reader_id=mentor_id)
    rows = tuple(TraineeRow(e, tuple(found[e.id]), senco_duty(e, today)) for e in shown)
    drafts = tuple(
        db.session.scalars(
            select(Observation)
            .where(
                Observation.observer_id == mentor_id,
                Observation.status == ObservationStatus.DRAFT,
                Observation.enrolment_id.in_(mine),
            )
            .options(selectinload(Observation.enrolment).selectinload(Enrolment.trainee))
            .order_by(Observation.observed_on, Observation.id)
        )
    )
    every = list(
        db.session.scalars(
            select(Enrolment).where(Enrolment.id.in_(mine)).options(*eager[:1], eager[2]).order_by(Enrolment.id)
        )
    )
    # To-do items (deadlines close, next steps to review, requests to answer) are for trainees in
    # training only: a withdrawn or deferred trainee stays in the list of trainees, with their status.
    training = [e for e in every if e.is_active]
    close = tuple(
        (e, duty)
        for e in training
        if (duty := senco_duty(e, today)).duty is not None and duty.duty.status in CLOSE_STATUSES
    )
    return Dashboard(
        rows,
        page,
        pages,
        total,
        tuple(r for r in open_requests_for_mentor(mentor_id) if r.enrolment.is_active),
        drafts,
        tuple(open_next_steps([e.id for e in training])),
        close,
        {sc.key: sc.title for sc in competency_services.list_scenarios(rubrics=False)},
    )


def db_count(ids: Select[tuple[int]]) -> int:
    return db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
