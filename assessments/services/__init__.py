"""Use cases of the assessments room: cohorts, enrolments, observations and progress.

Each function takes ids and plain values and owns its transaction. Rules live elsewhere: the
SENCO duty in :mod:`assessments.deadlines`, scoring and sign-off in :mod:`competencies.engine`.
One module a subject beside this one (:mod:`.scope`, :mod:`.observations`, :mod:`.feedback`,
:mod:`.requests`, :mod:`.dashboard`); what pages, the CLI and the API call is re-exported here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from assessments import deadlines
from assessments.models import (
    NAME_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
    Cohort,
    Enrolment,
)
from assessments.services.observations import (
    AmendmentInput,
    ObservationInput,
    ObservationView,
    ScenarioProgress,
    amend_observation,
    current_rubric,
    explained,
    get_observation_for_mentor,
    observations_of,
    progress,
    record_observation,
    scenarios_of,
    submit_observation,
)
from assessments.services.scope import (
    enrolment_for_mentor,
    enrolment_for_trainee,
    mentor_enrolments,
    trainee_enrolments,
)
from competencies import engine
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Invalid, too_long
from curriculum.models import ProgrammeVersion, VersionStatus

__all__ = [
    "AmendmentInput", "ObservationInput", "ObservationView", "ScenarioProgress", "amend_observation", "current_rubric",
    "enrolment_for_mentor", "enrolment_for_trainee", "explained", "get_observation_for_mentor", "mentor_enrolments",
    "observations_of", "progress", "record_observation", "scenarios_of", "submit_observation", "trainee_enrolments",
]

DEFAULT_AGGREGATION = engine.AggregationPolicy(engine.AggregationMethod.LATEST, mixed_rubrics=engine.MixedRubrics.LEAVE_OUT)
DEFAULT_SIGN_OFF = {"min_met": 3, "min_observers": 2, "min_settings": 2, "no_dangerous_in_last": 3}


# ---- cohorts and enrolments ----------------------------------------------------------------

def published_versions() -> list[ProgrammeVersion]:
    return list(db.session.scalars(select(ProgrammeVersion).where(ProgrammeVersion.status == VersionStatus.PUBLISHED)
                                   .order_by(ProgrammeVersion.id)))


def list_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.id)))


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def create_cohort(name: str, programme_version_id: int, sign_off: dict[str, int] | None = None) -> Cohort:
    """A cohort on a published programme version; its policies default to the provider's usual ones."""
    name = name.strip()
    problems = []
    if not name:
        problems.append(("name", "Enter a name for the cohort"))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(("name", too_long(NAME_MAX_LENGTH, "Cohort name")))
    version = db.session.get(ProgrammeVersion, programme_version_id)
    if version is None or version.status is not VersionStatus.PUBLISHED:
        problems.append(("programme_version_id", "Choose a published programme version"))
    policy = {**DEFAULT_SIGN_OFF, **(sign_off or {})}
    try:
        engine.SignOffPolicy(**policy)
    except engine.EngineError as error:
        problems += [(f"sign_off.{p.path}", p.message) for p in error.problems]
    if problems:
        raise Invalid(problems)
    cohort = Cohort(name=name, programme_version_id=programme_version_id,
                    aggregation=DEFAULT_AGGREGATION.to_dict(), sign_off_policy=policy)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def people_with(role: Role) -> list[User]:
    return sorted((u for u in db.session.scalars(select(User).where(User.active.is_(True))) if role in u.roles),
                  key=lambda u: u.name)


@dataclass(frozen=True)
class EnrolmentInput:
    trainee_id: int
    mentor_ids: tuple[int, ...]
    school: str = ""
    became_senco: date | None = None
    earlier_senco_months: int = 0
    nasenco_started: date | None = None
    nasenco_completed: date | None = None


def _person_with(person_id: int, role: Role) -> User | None:
    person = db.session.get(User, person_id)
    return person if person is not None and role in person.roles else None


def enrol(cohort_id: int, given: EnrolmentInput, today: date) -> Enrolment:
    """Enrol a trainee on a cohort with their mentors; the SENCO history is checked by the tracker's own rules."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    problems: list[tuple[str, str]] = []
    trainee = _person_with(given.trainee_id, Role.TRAINEE)
    if trainee is None:
        problems.append(("trainee_id", "Choose a trainee"))
    mentors = [_person_with(i, Role.MENTOR) for i in given.mentor_ids]
    if not mentors or None in mentors:
        problems.append(("mentor_ids", "Choose a mentor"))
    if len(given.school) > SCHOOL_MAX_LENGTH:
        problems.append(("school", too_long(SCHOOL_MAX_LENGTH, "School")))
    if given.became_senco is not None:
        try:
            deadlines.check(_history(given), today)
        except deadlines.DeadlineInputError as error:
            problems += [(_HISTORY_FIELDS.get(p.path.split(".")[0], p.path), p.message) for p in error.problems]
    if trainee is not None and db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort_id,
                                                                         Enrolment.trainee_id == trainee.id)):
        problems.append(("trainee_id", f"{trainee.name} is already enrolled on this cohort"))
    if problems:
        raise Invalid(problems)
    enrolment = Enrolment(cohort=cohort, trainee=trainee, mentors=mentors, school=given.school.strip(),
                          became_senco=given.became_senco, earlier_senco_months=given.earlier_senco_months,
                          nasenco_started=given.nasenco_started, nasenco_completed=given.nasenco_completed)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


_HISTORY_FIELDS = {"became_senco": "became_senco", "earlier_months": "earlier_senco_months",
                   "nasenco": "nasenco_started"}


def _history(e: EnrolmentInput | Enrolment, today: date | None = None) -> deadlines.SencoHistory:
    """The tracker's view of an enrolment; the NPQ course counts from the cohort's start, once begun."""
    assert e.became_senco is not None
    nasenco = deadlines.Course(e.nasenco_started, e.nasenco_completed) if e.nasenco_started else None
    npq = None
    if isinstance(e, Enrolment) and today is not None and e.cohort.programme_version.cohort_start <= today:
        npq = deadlines.Course(e.cohort.programme_version.cohort_start)
    return deadlines.SencoHistory(became_senco=e.became_senco, earlier_months=e.earlier_senco_months,
                                  nasenco=nasenco, npq=npq)


@dataclass(frozen=True)
class DutyView:
    duty: deadlines.Duty | None
    reasons: tuple[str, ...]


def senco_duty(enrolment: Enrolment, today: date) -> DutyView:
    """How the trainee stands against the SENCO qualification duty, with its reasons in words."""
    if enrolment.became_senco is None:
        return DutyView(None, ())
    try:
        duty = deadlines.track(_history(enrolment, today), today)
    except deadlines.DeadlineInputError:
        return DutyView(None, ())
    return DutyView(duty, deadlines.render_all(duty.reasons))
