"""Who may see which enrolment: a mentor their own trainees, a trainee their own training.

Every other service asks here first, so another person's record is simply not found (a 404 on
the page, whether or not it exists)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.models import Enrolment, enrolment_mentor
from core.extensions import db


def mentor_enrolments(mentor_id: int) -> list[Enrolment]:
    # The people and the cohort of every row in one query each, not one a row (a query-count test holds it).
    return list(db.session.scalars(select(Enrolment).join(enrolment_mentor)
                                   .where(enrolment_mentor.c.mentor_id == mentor_id).order_by(Enrolment.id)
                                   .options(selectinload(Enrolment.trainee), selectinload(Enrolment.cohort))))


def enrolment_for_mentor(enrolment_id: int, mentor_id: int) -> Enrolment | None:
    """The enrolment, only if ``mentor_id`` mentors it: another mentor's trainee is not found."""
    return db.session.scalar(select(Enrolment).join(enrolment_mentor).where(
        Enrolment.id == enrolment_id, enrolment_mentor.c.mentor_id == mentor_id))


def trainee_enrolments(trainee_id: int) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(Enrolment.trainee_id == trainee_id).order_by(Enrolment.id)))


def enrolment_for_trainee(enrolment_id: int, trainee_id: int) -> Enrolment | None:
    """The enrolment, only if it is ``trainee_id``'s own."""
    found = db.session.get(Enrolment, enrolment_id)
    return found if found is not None and found.trainee_id == trainee_id else None
