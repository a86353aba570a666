"""Who may see which enrolment and observation: the one home of the rule, for pages and the API.

Designers and administrators see every cohort and enrolment; a mentor sees only the trainees they
mentor; a trainee sees only their own training (through the API, only submitted observations).
Anything else is "not found" (``None``; a 404 on the page), whether or not it exists, so a reader
cannot learn which ids are taken. Every other service asks here first.

A draft belongs to the mentor who started it: only they change or submit it, and the trainee's
other mentors read it only where the provider allows (``CO_MENTORS_READ_DRAFTS``, off by default).
A mentor's access follows current mentorship: once removed from an enrolment they no longer see
its moderation either.
"""

from __future__ import annotations

from typing import TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import selectinload

from assessments.models import Cohort, Enrolment, Observation, ObservationStatus, enrolment_mentor
from core.accounts.models import User
from core.accounts.roles import STAFF, Role
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


def may_manage_cohort(cohort: Cohort, person: User | None) -> bool:
    """Whether ``person`` may enrol trainees on ``cohort`` (a page, the people CSV). Designers and
    administrators manage every cohort; ``None`` is the command line, an operator on the server."""
    return person is None or person.has_role(*STAFF)


def may_change_enrolment(person: User | None) -> bool:
    """Whether ``person`` may change an enrolment: its mentors, school and history, and its training
    status (withdraw, defer, resume). The people who manage cohorts; ``None`` is the command line."""
    return person is None or person.has_role(*STAFF)


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


def mentors_now(enrolment_id: int, person_id: int) -> bool:
    """Whether ``person_id`` mentors the enrolment today: a mentor removed from it has no access left."""
    return enrolment_for_mentor(enrolment_id, person_id) is not None


def observer_still_mentors(observation: Observation, person_id: int) -> bool:
    """Whether ``person_id`` made the observation and mentors its trainee today: the mentor's side
    of its moderation (both sets of marks, the agreed judgement) ends with their mentorship."""
    return observation.observer_id == person_id and mentors_now(observation.enrolment_id, person_id)


def currently_mentored_by(mentor_id: int) -> ColumnElement[bool]:
    """Observations (in a query joined to them) of trainees ``mentor_id`` mentors today."""
    return Observation.enrolment_id.in_(
        select(enrolment_mentor.c.enrolment_id).where(enrolment_mentor.c.mentor_id == mentor_id)
    )


# ---- drafts: the mentor who started one owns it ---------------------------------------------


def co_mentors_read_drafts() -> bool:
    """The provider's choice (config ``CO_MENTORS_READ_DRAFTS``, off unless set): whether a trainee's
    other mentors may read a draft. Nobody but its own mentor ever changes or submits one."""
    return bool(current_app.config.get("CO_MENTORS_READ_DRAFTS", False))


def owns_draft(observation: Observation, person_id: int) -> bool:
    """Whether ``person_id`` started this draft, so may change or submit it. Anyone else changing it
    would put their name on another mentor's marks and count as a second observer for sign-off."""
    return not observation.submitted and observation.observer_id == person_id


def drafts_read_by(person_id: int) -> ColumnElement[bool]:
    """The observations whose drafts ``person_id`` (a mentor of the trainee) may read: submitted
    ones, and drafts of their own (every draft where the provider lets co-mentors read them)."""
    if co_mentors_read_drafts():
        return true()
    return or_(Observation.status == ObservationStatus.SUBMITTED, Observation.observer_id == person_id)


def _sees_drafts(enrolment: Enrolment, person_id: int) -> bool:
    # Drafts are a mentor's working notes: the trainee sees an observation once it is submitted.
    return mentors(enrolment, person_id)


def _reads_draft(observation: Observation, enrolment: Enrolment, person_id: int) -> bool:
    return _sees_drafts(enrolment, person_id) and (observation.observer_id == person_id or co_mentors_read_drafts())


def _observations_query(enrolment: Enrolment, person_id: int) -> Select[tuple[Observation]]:
    query = select(Observation).options(*_OBSERVATION_LOADS).where(Observation.enrolment_id == enrolment.id)
    if not _sees_drafts(enrolment, person_id):
        query = query.where(Observation.status == ObservationStatus.SUBMITTED)
    else:
        query = query.where(drafts_read_by(person_id))
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
    """The observation if ``person_id`` mentors its trainee (a draft: if it is theirs, or co-mentors
    may read drafts), or is its trainee and it is submitted."""
    found = db.session.get(Observation, observation_id)
    if found is None:
        return None
    enrolment = enrolment_for(found.enrolment_id, person_id)
    if enrolment is None or not _reads_observations(enrolment, person_id):
        return None
    if not found.submitted and not _reads_draft(found, enrolment, person_id):
        return None
    return found


def mentor_observation(observation_id: int, mentor_id: int) -> Observation | None:
    """The observation for one of its trainee's current mentors, on the mentor's pages: a submitted
    one, or a draft they may read (see :func:`owns_draft` for who may change it)."""
    found = db.session.get(Observation, observation_id)
    if found is None:
        return None
    enrolment = enrolment_for_mentor(found.enrolment_id, mentor_id)
    if enrolment is None or (not found.submitted and not _reads_draft(found, enrolment, mentor_id)):
        return None
    return found


def submitted_only(enrolment: Enrolment, person_id: int) -> bool:
    """Whether the reader sees only submitted observations: everyone but the trainee's mentors."""
    return not _sees_drafts(enrolment, person_id)
