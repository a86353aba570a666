"""What accepting makes here: the plan, checked before anything is sent (the applicant's account,
the cohort linked to a DfE schedule, the enrolment's own checks), and the trainee, enrolment and
participant made from it once the DfE has accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from assessments.models import Cohort, Enrolment
from assessments.services.enrolments import EnrolmentInput, add_checked, enrolment_problems
from core.accounts import invitations, services
from core.accounts.models import NAME_MAX_LENGTH, User, name_is_safe, normalise_email
from core.accounts.roles import Role
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Invalid, Problem
from dfe.applications.pages import cohort_year
from dfe.milestones import TrainingStatus
from dfe.models import DfeApplication, DfeCohortSchedule, DfeParticipant

# The enrolment checks' paths, as the decision form names them.
ENROLMENT_FIELDS = {
    "trainee_id": "cohort_id",
    "became_senco": "cohort_id",
    "school": "cohort_id",
    "mentor_ids": "mentor_id",
}
HEAD_TEACHER_NOW = "yes_"  # headteacher_status values meaning they are (or will be) a head teacher


@dataclass(frozen=True)
class Plan:
    """What accepting will make here, checked before anything is sent."""

    cohort: Cohort
    schedule_identifier: str
    person: User | None  # the existing account, or None for a new one
    given: EnrolmentInput


def _person(application: DfeApplication) -> tuple[User | None, User, list[Problem]]:
    """The account with the applicant's email (or None), the trainee as they will be, and problems."""
    email = normalise_email(application.email)
    name = application.full_name.strip()
    if not email:
        return None, User(id=-1), [Problem("application", "The DfE gave no email address for this applicant")]
    found = db.session.scalars(select(User).where(User.email == email)).first()
    if found is None:
        problems = []
        if not name or len(name) > NAME_MAX_LENGTH or not name_is_safe(name):
            problems.append(Problem("application", "The applicant’s name from the DfE cannot be an account’s name"))
        after = User(id=-1, name=name, email=email, active=True)
        after.set_roles({Role.TRAINEE})
        return None, after, problems
    if not found.active:
        why = "belongs to an erased account" if found.erased else f"is {found.name}’s account, which is deactivated"
        return found, found, [Problem("application", f"The applicant’s email address {why}")]
    after = User(id=found.id, name=found.name, email=found.email, active=True)
    after.set_roles(set(found.roles) | {Role.TRAINEE})
    return found, after, []


def _senco_start(application: DfeApplication, today: date) -> date | None:
    """The SENCO start date the applicant gave, for the tracker; one in the future is not a start yet."""
    text = application.attributes.get("senco_start_date")
    try:
        started = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    return started if started is not None and started <= today else None


def _school(application: DfeApplication) -> str:
    urn = application.attributes.get("school_urn")
    return f"URN {urn}" if urn else (application.attributes.get("employer_name") or "")[:200]


def plan(application: DfeApplication, cohort_id: int | None, mentor_ids: tuple[int, ...], today: date) -> Plan:
    """Check everything this app can before the DfE is told; Invalid with every problem located."""
    problems: list[Problem] = []
    link = db.session.get(DfeCohortSchedule, cohort_id) if cohort_id else None
    if link is None:
        problems.append(Problem("cohort_id", "Choose a cohort linked to a DfE schedule (DfE, Cohorts and schedules)"))
    elif cohort_year(application) is not None and link.cohort_year != cohort_year(application):
        problems.append(
            Problem(
                "cohort_id",
                f"{link.cohort.name} is linked to the DfE’s {link.cohort_year} cohort; "
                f"this application is for {cohort_year(application)}",
            )
        )
    if not mentor_ids:
        problems.append(Problem("mentor_id", "Choose the trainee’s mentor"))
    found, after, person_problems = _person(application)
    problems += person_problems
    given = EnrolmentInput(
        trainee_id=after.id,
        mentor_ids=mentor_ids,
        school=_school(application),
        became_senco=_senco_start(application, today),
        head_teacher=str(application.attributes.get("headteacher_status") or "").startswith(HEAD_TEACHER_NOW),
    )
    if link is not None and mentor_ids and not person_problems:
        mentors = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(mentor_ids)))}
        _, _, found_problems = enrolment_problems(link.cohort, given, today, people={**mentors, after.id: after})
        problems += [Problem(ENROLMENT_FIELDS.get(path, path), message) for path, message in found_problems]
    if problems:
        raise Invalid(problems)
    assert link is not None
    return Plan(link.cohort, link.schedule_identifier, found, given)


def _trainee(application: DfeApplication, chosen: Plan) -> User:
    """The applicant's account: created and invited, or the existing one given the trainee role."""
    person = chosen.person
    if person is None:
        person = services.add_person(application.full_name.strip(), application.email, None, {Role.TRAINEE})
        invitations.invite(person, new_person=True)
        return person
    if Role.TRAINEE not in person.roles:
        person.set_roles(set(person.roles) | {Role.TRAINEE})
        record(Action.PERSON_ROLES_CHANGED, Subject("user", person.id), person, added={Role.TRAINEE}, removed=())
    # An existing account is not invited again: it has a password, or an invitation that stands.
    return person


def enrol(application: DfeApplication, chosen: Plan, actor: User) -> Enrolment:
    trainee = _trainee(application, chosen)
    given = EnrolmentInput(
        trainee_id=trainee.id,
        mentor_ids=chosen.given.mentor_ids,
        school=chosen.given.school,
        became_senco=chosen.given.became_senco,
        head_teacher=chosen.given.head_teacher,
    )
    enrolment = add_checked(chosen.cohort, given)
    db.session.flush()
    env = application.environment
    participant = db.session.scalars(
        select(DfeParticipant).filter_by(environment=env, participant_id=application.participant_id)
    ).first() or DfeParticipant(environment=env, participant_id=application.participant_id)
    participant.application_id = application.id
    participant.enrolment_id = enrolment.id
    participant.schedule_identifier = application.attributes.get("schedule_identifier") or chosen.schedule_identifier
    participant.cohort_year = cohort_year(application)
    participant.training_status = TrainingStatus.ACTIVE.value
    db.session.add(participant)
    application.enrolment_id = enrolment.id
    application.decided_at = utcnow()
    application.decided_by_id = actor.id
    application.errors = []
    return enrolment
