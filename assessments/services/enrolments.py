"""Enrolments: a trainee on a cohort with their mentors, school and SENCO history, and how they
stand against the SENCO qualification duty.

The checks live in one place (:func:`enrolment_problems`) for the form, the CSV import and
``flask enrol``: the history's dates by :mod:`assessments.deadlines`, the way earlier service is
written by :mod:`assessments.enrolment_rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from assessments import deadlines, enrolment_rules
from assessments.models import SCHOOL_MAX_LENGTH, Cohort, Enrolment
from assessments.services.cohorts import get_cohort
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid, too_long
from core.unit_of_work import commit
from curriculum.models import VersionStatus

CHANGED = "Someone changed this enrolment since you opened it. Check it and save again"
MENTORS_MAX = 10  # mentors of one trainee; more is a slip


def people_with(role: Role) -> list[User]:
    return sorted(
        (u for u in db.session.scalars(select(User).where(User.active.is_(True))) if role in u.roles),
        key=lambda u: u.name,
    )


@dataclass(frozen=True)
class EnrolmentInput:
    trainee_id: int
    mentor_ids: tuple[int, ...]
    school: str = ""
    became_senco: date | None = None
    earlier_senco_months: int = 0
    nasenco_started: date | None = None
    nasenco_completed: date | None = None
    earlier_service: tuple[deadlines.ServicePeriod, ...] = field(default=())
    head_teacher: bool = False


def _person_with(person_id: int, role: Role, people: Mapping[int, User] | None = None) -> User | None:
    person = people.get(person_id) if people is not None else db.session.get(User, person_id)
    return person if person is not None and role in person.roles and person.active else None


_HISTORY_FIELDS = {
    "became_senco": "became_senco",
    "earlier_months": "earlier_senco_months",
    "earlier_service": "earlier_service",
    "nasenco": "nasenco_started",
}


def _history_field(path: str) -> str:
    """``nasenco.completed`` → ``nasenco_completed``; ``earlier_service[1].end`` → ``earlier_service``."""
    if path == "nasenco.completed":
        return "nasenco_completed"
    return _HISTORY_FIELDS.get(path.split(".")[0].split("[")[0], path)


def history_problems(given: EnrolmentInput, today: date) -> list[tuple[str, str]]:
    """What is wrong with the SENCO history, each problem on the field it belongs to."""
    problems = [("earlier_service", m) for m in enrolment_rules.period_problems(given.earlier_service, today)]
    if given.became_senco is None:
        if given.earlier_service:
            problems.append(
                ("became_senco", "Enter the date they became SENCO at this school, to check earlier service against it")
            )
        if given.nasenco_completed and not given.nasenco_started:
            problems.append(("nasenco_started", "Enter when the NASENCO course began"))
        return problems
    if given.nasenco_completed and not given.nasenco_started:
        problems.append(("nasenco_started", "Enter when the NASENCO course began"))
    try:
        deadlines.check(_history(given), today)
    except deadlines.DeadlineInputError as error:
        problems += [(_history_field(p.path), p.message) for p in error.problems]
    return problems


def _mentor_problems(
    mentor_ids: tuple[int, ...], people: Mapping[int, User] | None
) -> tuple[list[User], list[tuple[str, str]]]:
    ids = tuple(dict.fromkeys(mentor_ids))
    mentors = [_person_with(i, Role.MENTOR, people) for i in ids]
    if not ids or None in mentors:
        return [], [("mentor_ids", "Choose at least one mentor")]
    if len(ids) > MENTORS_MAX:
        return [], [("mentor_ids", f"Choose at most {MENTORS_MAX} mentors")]
    return [m for m in mentors if m is not None], []


def enrolment_problems(
    cohort: Cohort,
    given: EnrolmentInput,
    today: date,
    enrolment_id: int | None = None,
    enrolled: set[int] | None = None,
    people: Mapping[int, User] | None = None,
) -> tuple[User | None, list[User], list[tuple[str, str]]]:
    """Every problem with an enrolment (new, or ``enrolment_id`` changed), with the people it names.
    ``enrolled``: the cohort's trainee ids, when the caller has read them once for many rows;
    ``people``: the people the rows name by id, when the caller has read them once (the people
    CSV also passes people it is about to create, with provisional ids)."""
    problems: list[tuple[str, str]] = []
    if cohort.programme_version.status is not VersionStatus.PUBLISHED:
        problems.append(("cohort_id", "Trainees can be enrolled only on a published programme version"))
    trainee = _person_with(given.trainee_id, Role.TRAINEE, people)
    if trainee is None:
        problems.append(("trainee_id", "Choose a trainee"))
    mentors, found = _mentor_problems(given.mentor_ids, people)
    problems += found
    if trainee is not None and trainee.id in given.mentor_ids:
        problems.append(("mentor_ids", "A trainee cannot mentor themselves"))
    if len(given.school) > SCHOOL_MAX_LENGTH:
        problems.append(("school", too_long(SCHOOL_MAX_LENGTH, "School")))
    problems += history_problems(given, today)
    if trainee is not None and enrolment_id is None and _enrolled(cohort, trainee.id, enrolled):
        problems.append(("trainee_id", f"{trainee.name} is already enrolled on this cohort"))
    return trainee, mentors, problems


def _enrolled(cohort: Cohort, trainee_id: int, enrolled: set[int] | None) -> bool:
    if enrolled is not None:
        return trainee_id in enrolled
    return (
        db.session.scalar(
            select(Enrolment.id).where(Enrolment.cohort_id == cohort.id, Enrolment.trainee_id == trainee_id)
        )
        is not None
    )


def add_checked(cohort: Cohort, given: EnrolmentInput) -> Enrolment:
    """An enrolment already checked by :func:`enrolment_problems` (in this transaction), added to
    the session without committing: the CSV import adds every row, then commits once."""
    mentors = [m for m in (db.session.get(User, i) for i in dict.fromkeys(given.mentor_ids)) if m is not None]
    enrolment = Enrolment(cohort_id=cohort.id, trainee_id=given.trainee_id)
    db.session.add(enrolment)
    _apply(enrolment, mentors, given)
    return enrolment


def _apply(enrolment: Enrolment, mentors: list[User], given: EnrolmentInput) -> None:
    enrolment.mentors = mentors
    enrolment.school = given.school.strip()
    enrolment.became_senco = given.became_senco
    enrolment.earlier_senco_months = given.earlier_senco_months
    enrolment.earlier_service = enrolment_rules.periods_to_json(given.earlier_service)
    enrolment.head_teacher = given.head_teacher
    enrolment.nasenco_started = given.nasenco_started
    enrolment.nasenco_completed = given.nasenco_completed


def enrol(cohort_id: int, given: EnrolmentInput, today: date) -> Enrolment:
    """Enrol a trainee on a cohort with their mentors; the SENCO history is checked by the tracker's own rules."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    _, _, problems = enrolment_problems(cohort, given, today)
    if problems:
        raise Invalid(problems)
    enrolment = add_checked(cohort, given)
    db.session.commit()
    return enrolment


def get_enrolment(enrolment_id: int) -> Enrolment | None:
    return db.session.get(Enrolment, enrolment_id)


def input_of(enrolment: Enrolment) -> EnrolmentInput:
    """The enrolment as it stands, as the input that would make it: a partial change (the API's
    PATCH) replaces only the fields sent, then goes through :func:`update_enrolment` like the page."""
    return EnrolmentInput(
        enrolment.trainee_id,
        tuple(m.id for m in enrolment.mentors),
        enrolment.school,
        enrolment.became_senco,
        enrolment.earlier_senco_months,
        enrolment.nasenco_started,
        enrolment.nasenco_completed,
        periods_of(enrolment),
        enrolment.head_teacher,
    )


def update_enrolment(enrolment_id: int, given: EnrolmentInput, lock_version: int, today: date) -> Enrolment:
    """Change an enrolment's mentors, school and history; the trainee stays. Conflict if someone
    saved it since ``lock_version`` was read."""
    enrolment = get_enrolment(enrolment_id)
    if enrolment is None:
        raise Invalid("Choose an enrolment", "enrolment_id")
    if lock_version != enrolment.lock_version:
        raise Conflict(CHANGED)
    given = EnrolmentInput(
        enrolment.trainee_id,
        given.mentor_ids,
        given.school,
        given.became_senco,
        given.earlier_senco_months,
        given.nasenco_started,
        given.nasenco_completed,
        given.earlier_service,
        given.head_teacher,
    )
    _, mentors, problems = enrolment_problems(enrolment.cohort, given, today, enrolment_id)
    if problems:
        raise Invalid(problems)
    _apply(enrolment, mentors, given)
    # The mentors live in another table; bump the version so that a change of mentors alone
    # still tells a second editor the enrolment changed.
    flag_modified(enrolment, "school")
    commit(CHANGED)
    return enrolment


def periods_of(enrolment: Enrolment) -> tuple[deadlines.ServicePeriod, ...]:
    return enrolment_rules.periods_from_json(enrolment.earlier_service or [])


def _history(e: EnrolmentInput | Enrolment, today: date | None = None) -> deadlines.SencoHistory:
    """The tracker's view of an enrolment; the NPQ course counts from the cohort's start, once begun."""
    assert e.became_senco is not None
    nasenco = deadlines.Course(e.nasenco_started, e.nasenco_completed) if e.nasenco_started else None
    npq = None
    if isinstance(e, Enrolment) and today is not None and e.cohort.programme_version.cohort_start <= today:
        npq = deadlines.Course(e.cohort.programme_version.cohort_start)
    periods = periods_of(e) if isinstance(e, Enrolment) else e.earlier_service
    return deadlines.SencoHistory(
        became_senco=e.became_senco,
        earlier_service=periods,
        earlier_months=e.earlier_senco_months,
        head_teacher=e.head_teacher,
        nasenco=nasenco,
        npq=npq,
    )


@dataclass(frozen=True)
class DutyView:
    duty: deadlines.Duty | None
    reasons: tuple[str, ...]

    @property
    def status_name(self) -> str:
        return deadlines.STATUS_NAMES[self.duty.status] if self.duty else "Not known"


def senco_duty(enrolment: Enrolment, today: date) -> DutyView:
    """How the trainee stands against the SENCO qualification duty, with its reasons in words."""
    if enrolment.became_senco is None:
        return DutyView(None, ())
    try:
        duty = deadlines.track(_history(enrolment, today), today)
    except deadlines.DeadlineInputError:
        return DutyView(None, ())
    return DutyView(duty, deadlines.render_all(duty.reasons))
