"""Changing an enrolment after it was made: the school, the mentors, the SENCO history.

Guarded by the enrolment's ``lock_version`` (its ETag in the API), so two people correcting the
same record cannot overwrite each other silently. The trainee and the cohort never change: a
trainee on another cohort is a new enrolment.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from assessments import deadlines
from assessments.models import SCHOOL_MAX_LENGTH, Enrolment
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid, too_long

CHANGED_SINCE = "Someone changed this enrolment since you read it. Read it again, then make your change"
# The tracker's field names (assessments.deadlines) → the enrolment's, so a problem names what was sent.
_HISTORY_FIELDS = {"became_senco": "became_senco", "earlier_months": "earlier_senco_months",
                   "nasenco": "nasenco_started"}


@dataclass(frozen=True)
class EnrolmentDetails:
    """Everything about an enrolment that may change, as it should be after the change."""

    mentor_ids: tuple[int, ...]
    school: str = ""
    became_senco: date | None = None
    earlier_senco_months: int = 0
    nasenco_started: date | None = None
    nasenco_completed: date | None = None


def details_of(enrolment: Enrolment) -> EnrolmentDetails:
    return EnrolmentDetails(tuple(m.id for m in enrolment.mentors), enrolment.school, enrolment.became_senco,
                            enrolment.earlier_senco_months, enrolment.nasenco_started, enrolment.nasenco_completed)


def _history_problems(given: EnrolmentDetails, today: date) -> list[tuple[str, str]]:
    if given.nasenco_completed is not None and given.nasenco_started is None:
        return [("nasenco_started", "Enter when the NASENCO course started, or leave its completion date out")]
    if given.became_senco is None:
        return []
    nasenco = deadlines.Course(given.nasenco_started, given.nasenco_completed) if given.nasenco_started else None
    history = deadlines.SencoHistory(became_senco=given.became_senco, earlier_months=given.earlier_senco_months,
                                     nasenco=nasenco)
    try:
        deadlines.check(history, today)
    except deadlines.DeadlineInputError as error:
        found = []
        for p in error.problems:
            head, _, rest = p.path.partition(".")
            path = "nasenco_completed" if head == "nasenco" and rest == "completed" else _HISTORY_FIELDS.get(head, p.path)
            found.append((path, p.message))
        return found
    return []


def _mentors(mentor_ids: tuple[int, ...]) -> tuple[list[User], list[tuple[str, str]]]:
    found = [db.session.get(User, i) for i in dict.fromkeys(mentor_ids)]
    people = [p for p in found if p is not None and Role.MENTOR in p.roles and p.active]
    if not mentor_ids:
        return people, [("mentor_ids", "Choose at least one mentor")]
    problems = [(f"mentor_ids[{n}]", "Choose a person who has the mentor role")
                for n, p in enumerate(found) if p is None or Role.MENTOR not in p.roles or not p.active]
    return people, problems


def change_enrolment(enrolment_id: int, lock_version: int, given: EnrolmentDetails, today: date) -> Enrolment:
    """Change an enrolment's details if nobody changed it since ``lock_version``; every problem at once."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise Invalid("Choose an enrolment", "enrolment_id")
    if enrolment.lock_version != lock_version:
        raise Conflict(CHANGED_SINCE, "lock_version")
    mentors, problems = _mentors(given.mentor_ids)
    if len(given.school) > SCHOOL_MAX_LENGTH:
        problems.append(("school", too_long(SCHOOL_MAX_LENGTH, "School")))
    problems += _history_problems(given, today)
    if problems:
        raise Invalid(problems)
    enrolment.mentors = mentors
    enrolment.school = given.school.strip()
    enrolment.became_senco = given.became_senco
    enrolment.earlier_senco_months = given.earlier_senco_months
    enrolment.nasenco_started = given.nasenco_started
    enrolment.nasenco_completed = given.nasenco_completed
    flag_modified(enrolment, "school")  # a change of mentors alone must raise the lock too
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED_SINCE, "lock_version") from None
    return enrolment
