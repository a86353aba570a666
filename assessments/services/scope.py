"""Who may see which enrolment and observation: the one home of the rule, for pages and the API.

Designers and administrators see every cohort and enrolment; a mentor sees only the trainees they
mentor; a trainee sees only their own training (through the API, only submitted observations).
Anything else is "not found" (``None``; a 404 on the page), whether or not it exists, so a reader
cannot learn which ids are taken. Every other service asks here first.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import selectinload

from assessments.models import Cohort, Enrolment, Observation, ObservationStatus, enrolment_mentor
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db


def _mentored_by(mentor_id: int) -> ColumnElement[bool]:
    return Enrolment.id.in_(select(enrolment_mentor.c.enrolment_id).where(enrolment_mentor.c.mentor_id == mentor_id))


def _trainee_is(trainee_id: int) -> ColumnElement[bool]:
    return Enrolment.trainee_id == trainee_id


def mentor_enrolments(mentor_id: int) -> list[Enrolment]:
    # The people and the cohort of every row in one query each, not one a row (a query-count test holds it).
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(_mentored_by(mentor_id))
            .order_by(Enrolment.id)
            .options(selectinload(Enrolment.trainee), selectinload(Enrolment.cohort))
        )
    )


def enrolment_for_mentor(enrolment_id: int, mentor_id: int) -> Enrolment | None:
    """The enrolment, only if ``mentor_id`` mentors it: another mentor's trainee is not found."""
    return db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id, _mentored_by(mentor_id)))


def trainee_enrolments(trainee_id: int) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(_trainee_is(trainee_id)).order_by(Enrolment.id)))


def enrolment_for_trainee(enrolment_id: int, trainee_id: int) -> Enrolment | None:
    """The enrolment, only if it is ``trainee_id``'s own."""
    return db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id, _trainee_is(trainee_id)))


# ---- any reader, by their roles (the API) -------------------------------------------------

T = TypeVar("T")
STAFF = (Role.DESIGNER, Role.ADMIN)


def page_of(query: Select[tuple[T]], offset: int, limit: int) -> tuple[list[T], int]:
    """One page of ``query`` and the number of rows in all pages: two queries whatever the data.

    An offset past the end answers an empty page without asking the database for it, so a huge
    page number cannot reach SQL as a number it cannot hold.
    """
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if offset >= total:
        return [], total
    return list(db.session.scalars(query.offset(offset).limit(limit))), total


def _person(person_id: int) -> User | None:
    return db.session.get(User, person_id)


def cohorts(offset: int, limit: int) -> tuple[list[Cohort], int]:
    return page_of(select(Cohort).options(selectinload(Cohort.programme_version)).order_by(Cohort.id), offset, limit)


# What a page of enrolments or observations shows, loaded with the page: a bounded number of
# queries however long the page (no query per row).
_ENROLMENT_LOADS = (selectinload(Enrolment.trainee), selectinload(Enrolment.mentors))
_OBSERVATION_LOADS = (selectinload(Observation.observer), selectinload(Observation.rubric_version))


def cohort_enrolments(cohort_id: int, offset: int, limit: int) -> tuple[list[Enrolment], int]:
    query = select(Enrolment).options(*_ENROLMENT_LOADS).where(Enrolment.cohort_id == cohort_id).order_by(Enrolment.id)
    return page_of(query, offset, limit)


def _visible_enrolments(person: User) -> Select[tuple[Enrolment]]:
    query = select(Enrolment)
    if person.has_role(*STAFF):
        return query
    conditions = []
    if person.has_role(Role.MENTOR):
        conditions.append(_mentored_by(person.id))
    if person.has_role(Role.TRAINEE):
        conditions.append(_trainee_is(person.id))
    if not conditions:
        return query.where(Enrolment.id.is_(None))
    return query.where(or_(*conditions))


def enrolment_for(enrolment_id: int, person_id: int) -> Enrolment | None:
    """The enrolment if ``person_id`` may read it: staff, one of its mentors, or its trainee."""
    person = _person(person_id)
    if person is None:
        return None
    return db.session.scalar(_visible_enrolments(person).where(Enrolment.id == enrolment_id))


def enrolments_for(person_id: int, offset: int, limit: int) -> tuple[list[Enrolment], int]:
    """Every enrolment ``person_id`` may read: all for staff, their trainees for a mentor, their own for a trainee."""
    person = _person(person_id)
    if person is None:
        return [], 0
    return page_of(_visible_enrolments(person).options(*_ENROLMENT_LOADS).order_by(Enrolment.id), offset, limit)


def mentors(enrolment: Enrolment, person_id: int) -> bool:
    return any(m.id == person_id for m in enrolment.mentors)


def _sees_drafts(enrolment: Enrolment, person_id: int) -> bool:
    # Drafts are a mentor's working notes: the trainee sees an observation once it is submitted.
    return mentors(enrolment, person_id)


def _observations_query(enrolment: Enrolment, person_id: int) -> Select[tuple[Observation]]:
    query = select(Observation).options(*_OBSERVATION_LOADS).where(Observation.enrolment_id == enrolment.id)
    if not _sees_drafts(enrolment, person_id):
        query = query.where(Observation.status == ObservationStatus.SUBMITTED)
    return query.order_by(Observation.observed_on, Observation.id)


def _reads_observations(enrolment: Enrolment, person_id: int) -> bool:
    # Notes about a lesson are for the people in the observation, not for the whole provider.
    return mentors(enrolment, person_id) or enrolment.trainee_id == person_id


def observations_for(
    enrolment_id: int, person_id: int, offset: int, limit: int
) -> tuple[list[Observation], int] | None:
    """A page of an enrolment's observations for one of its mentors or its trainee; ``None`` for anyone else."""
    enrolment = enrolment_for(enrolment_id, person_id)
    if enrolment is None or not _reads_observations(enrolment, person_id):
        return None
    return page_of(_observations_query(enrolment, person_id), offset, limit)


def observation_for(observation_id: int, person_id: int) -> Observation | None:
    """The observation if ``person_id`` mentors its trainee, or is its trainee and it is submitted."""
    found = db.session.get(Observation, observation_id)
    if found is None:
        return None
    enrolment = enrolment_for(found.enrolment_id, person_id)
    if enrolment is None or not _reads_observations(enrolment, person_id):
        return None
    if not found.submitted and not _sees_drafts(enrolment, person_id):
        return None
    return found


def submitted_only(enrolment: Enrolment, person_id: int) -> bool:
    """Whether the reader sees only submitted observations: everyone but the trainee's mentors."""
    return not _sees_drafts(enrolment, person_id)
