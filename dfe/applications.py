"""Applications in: read the provider's NPQ for SENCOs applications from the DfE, accept or reject
them, and make an accepted one a person enrolled on a cohort, with nothing retyped.

The DfE's guidance: ``app/views/api/guidance/how-to-guides/view-accept-or-reject-applications.md``
in DFE-Digital/npq-registration (commit 9e9784a8). Accepting sends ``funded_place`` and the
schedule of the chosen cohort (``ApplicationAcceptRequest``); the DfE requires ``funded_place``
(true or false) in a funding-capped cohort (``Applications::Accept``, ``validate_funded_place?``)
and refuses ``true`` for an applicant not eligible for funding, so it is always sent: the
administrator's choice when eligible, false otherwise. Rejecting has no request body in the
document: the DfE records "rejected by provider", and the reason is kept here only.

Everything this app can check is checked before anything is sent, so the DfE is not told of a
decision this app cannot then record. If the DfE accepts and saving here still fails, the
application is kept as the DfE answered (accepted, no enrolment) and its page offers "Finish
enrolment", which does the local half again without sending anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from assessments.models import Cohort, Enrolment
from assessments.services.enrolments import EnrolmentInput, add_checked, enrolment_problems
from core.accounts import invitations, services
from core.accounts.errors import AccountError
from core.accounts.models import NAME_MAX_LENGTH, User, name_is_safe, normalise_email
from core.accounts.roles import Role
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.paging import PAGE_SIZE, Page, clamp
from core.problems import Conflict, Invalid, Problem
from dfe import connection, schemas, sync
from dfe.client import DfeClient, DfeError, DfeRefused, DfeUnreachable
from dfe.contract import COURSE, ApplicationStatus, Environment, cohort_year_of
from dfe.milestones import TrainingStatus
from dfe.models import REASON_MAX_LENGTH, DfeApplication, DfeCohortSchedule, DfeParticipant, DfeSettings

RESOURCE = "applications"
PATH = "/npq-applications"
CHANGED = "This application has changed since you opened it. Check it and decide again"
ACCEPT_TYPE = "npq-application-accept"  # the document's example of ApplicationAcceptRequest.data.type
# The DfE's error titles name an attribute of the request; the decision form's field for each.
DFE_FIELDS = {"funded_place": "funded_place", "schedule_identifier": "cohort_id"}
# The enrolment checks' paths, as the decision form names them.
ENROLMENT_FIELDS = {
    "trainee_id": "cohort_id",
    "became_senco": "cohort_id",
    "school": "cohort_id",
    "mentor_ids": "mentor_id",
}
HEAD_TEACHER_NOW = "yes_"  # headteacher_status values meaning they are (or will be) a head teacher
# A decision holds its application this long: longer than the request and the read-back after it.
DECIDING_SECONDS = 5 * 60
DECIDING = "Another administrator is deciding this application. Open it again in a minute to see what they decided"


class DfeFailed(Exception):
    """The DfE did not do what was asked; nothing was saved here but, for a refusal, its errors."""

    def __init__(self, message: str, problems: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


# ---- reading -----------------------------------------------------------------------------------


def _read(client: DfeClient, env: Environment) -> sync.SyncResult:
    """Every application changed since the last sync, oldest change first (so a resumed sync
    reads on from where it stopped), for the chosen cohort year when one is set."""
    params: dict[str, Any] = {"sort": "updated_at"}
    chosen = db.session.get(DfeSettings, 1)
    if chosen is not None and chosen.cohort_year:
        params["filter[cohort]"] = str(chosen.cohort_year)
    return sync.paged(client, env, RESOURCE, PATH, upsert, params)


def upsert(record_: dict[str, Any], env: Environment) -> bool | str:
    """Keep one application as the DfE sent it: True when new or changed, or why it is not kept."""
    data = schemas.read(schemas.APPLICATION, record_)
    attributes = schemas.APPLICATION.dump(data)["attributes"]
    course = attributes["course_identifier"]
    if course != COURSE:
        return f"1 for {course[:80]}"
    row = db.session.get(DfeApplication, data["id"])
    if row is not None and row.erased_at is not None:
        before = (row.status, row.remote_updated_at)
        _store(row, env, attributes, data["attributes"].get("updated_at"))
        return before != (row.status, row.remote_updated_at)
    if row is not None and row.attributes == attributes and row.environment == env.value:
        return False
    if row is None:
        row = DfeApplication(id=data["id"], environment=env.value)
        db.session.add(row)
    _store(row, env, attributes, data["attributes"].get("updated_at"))
    return True


def _store(row: DfeApplication, env: Environment, attributes: dict[str, Any], updated_at: Any) -> None:
    row.environment = env.value
    row.attributes = attributes
    row.participant_id = attributes["participant_id"]
    row.status = attributes.get("status") or ApplicationStatus.PENDING.value
    row.full_name = attributes.get("full_name") or ""
    row.email = attributes.get("email") or ""
    row.remote_updated_at = updated_at
    row.synced_at = utcnow()
    if attributes.get("funded_place") is not None:
        row.funded_place = attributes["funded_place"]
    if row.erased_at is not None:  # erased here: what names the person is never written again
        row.full_name, row.email, row.attributes = "", "", {}


def _stored_answer(row: DfeApplication, answer: dict[str, Any]) -> None:
    data = schemas.read_one(schemas.APPLICATION, answer)
    _store(
        row,
        Environment(row.environment),
        schemas.APPLICATION.dump(data)["attributes"],
        data["attributes"].get("updated_at"),
    )


def init_app() -> None:
    sync.register(RESOURCE, _read)


# ---- listing -----------------------------------------------------------------------------------


def listing(status: str | None, number: int, env: Environment | None = None) -> Page[DfeApplication]:
    """One page of the environment's applications (one status, or all), latest change first."""
    env = env or connection.environment()
    query = select(DfeApplication).where(DfeApplication.environment == env.value)
    if status:
        query = query.where(DfeApplication.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = clamp(number, total)
    rows = db.session.scalars(
        query.order_by(DfeApplication.remote_updated_at.desc(), DfeApplication.id)
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return Page(tuple(rows), number, PAGE_SIZE, total)


def get(application_id: str) -> DfeApplication | None:
    return db.session.get(DfeApplication, application_id) if len(application_id) <= 36 else None


def eligible(application: DfeApplication) -> bool:
    return application.attributes.get("eligible_for_funding") is True


def cohort_year(application: DfeApplication) -> int | None:
    return cohort_year_of(application.attributes.get("cohort"))


def linked_cohorts() -> list[DfeCohortSchedule]:
    """The cohorts an application may join: those linked to a DfE cohort year and schedule."""
    return sorted(connection.schedules().values(), key=lambda row: (row.cohort_year, row.cohort.name))


def default_cohort(application: DfeApplication) -> Cohort | None:
    """The cohort linked to the application's year and schedule (or, before the DfE gives it a
    schedule, the first cohort linked to its year)."""
    year = cohort_year(application)
    schedule = application.attributes.get("schedule_identifier")
    if schedule:
        return connection.cohort_for(year, schedule)
    for row in linked_cohorts():
        if row.cohort_year == year:
            return row.cohort
    return None


def needs_enrolment(application: DfeApplication) -> bool:
    """Accepted at the DfE but not enrolled here (saving failed after the DfE accepted)."""
    return application.status == ApplicationStatus.ACCEPTED.value and application.enrolment_id is None


# What the DfE's codes mean, in the pages' words (the codes: swagger.yaml, Application attributes).
HEAD_TEACHER_WORDS = {
    "no": "No",
    "yes_when_course_starts": "Yes, from when the course starts",
    "yes_in_first_two_years": "Yes, in their first two years",
    "yes_over_two_years": "Yes, for over two years",
    "yes_in_first_five_years": "Yes, in their first five years",
    "yes_over_five_years": "Yes, for over five years",
}
INELIGIBLE_WORDS = {"previously-funded": "funded before", "establishment-ineligible": "their school is not eligible"}
STATUS_WORDS = {"pending": "Waiting for a decision", "accepted": "Accepted", "rejected": "Rejected"}


def _yes_no(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not known")


def _day(text: Any) -> str:
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return "Not given"
    return f"{day.day} {day:%B %Y}"


def funding(application: DfeApplication) -> str:
    a = application.attributes
    if a.get("eligible_for_funding") is True:
        return "Eligible"
    reason = INELIGIBLE_WORDS.get(str(a.get("ineligible_for_funding_reason")), "")
    return f"Not eligible ({reason})" if reason else "Not eligible"


def summary(application: DfeApplication) -> dict[str, str]:
    """What matters for a decision, each in words: the list's columns and the page's rows."""
    a = application.attributes
    return {
        "Name": application.full_name,
        "Email": application.email,
        "School URN": a.get("school_urn") or "Not given",
        "TRN validated": _yes_no(a.get("teacher_reference_number_validated")),
        "Funding": funding(application),
        "Works as SENCO": _yes_no(a.get("works_as_senco")),
        "SENCO since": _day(a.get("senco_start_date")),
        "Head teacher": HEAD_TEACHER_WORDS.get(str(a.get("headteacher_status")), "Not known"),
        "DfE cohort": str(a.get("cohort") or "Not given"),
        "Status": STATUS_WORDS.get(application.status, application.status),
    }


# ---- deciding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What accepting will make here, checked before anything is sent."""

    cohort: Cohort
    schedule_identifier: str
    person: User | None  # the existing account, or None for a new one
    given: EnrolmentInput


def _checked(application_id: str, lock_version: int | None) -> DfeApplication:
    application = get(application_id)
    if application is None:
        raise Invalid("The DfE has no such application here: sync, then try again", "application")
    if lock_version is not None and lock_version != application.lock_version:
        raise Conflict(CHANGED, "application")
    return application


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


def _hold(application: DfeApplication) -> None:
    """Mark the pending application as being decided, committed before the DfE is called: one
    conditional UPDATE, so of two administrators deciding at once only one sends; Conflict for the other."""
    now = utcnow()
    held = db.session.execute(
        update(DfeApplication)
        .where(
            DfeApplication.id == application.id,
            DfeApplication.status == ApplicationStatus.PENDING.value,
            or_(DfeApplication.deciding_until.is_(None), DfeApplication.deciding_until < now),
        )
        .values(deciding_until=now + timedelta(seconds=DECIDING_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if held.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(DECIDING, "application")


def _let_go(application_id: str) -> None:
    db.session.rollback()
    db.session.execute(
        update(DfeApplication)
        .where(DfeApplication.id == application_id)
        .values(deciding_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _send(application: DfeApplication, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
    """One decision sent; on a refusal the DfE's errors are kept on the application (and committed)."""
    env = Environment(application.environment)
    try:
        with connection.client(env) as client:
            return client.send("POST", f"{PATH}/{application.id}/{path}", body)
    except DfeRefused as error:
        db.session.rollback()
        application.errors = error.problems or [{"title": "", "detail": str(error)}]
        db.session.commit()
        raise DfeFailed("The DfE refused this: " + _words(error.problems), error.problems) from error
    except DfeUnreachable as error:
        # The request may have reached the DfE and only its answer been lost: ask before saying so.
        db.session.rollback()
        done = _done_at_the_dfe(env, application.id, path)
        if done is None:
            raise DfeFailed(f"{error}. Nothing was changed: try again later") from error
        return done
    except DfeError as error:
        db.session.rollback()
        raise DfeFailed(f"{error}. Nothing was changed: try again later") from error


# What each decision leaves the application as, at the DfE.
DECIDED_STATUS = {"accept": ApplicationStatus.ACCEPTED.value, "reject": ApplicationStatus.REJECTED.value}


def _done_at_the_dfe(env: Environment, application_id: str, path: str) -> dict[str, Any] | None:
    """The application as the DfE now holds it, if it holds the decision (``path``) as made; None
    if it does not. DfeFailed when the DfE cannot be asked either: then nobody knows yet."""
    try:
        with connection.client(env) as client:
            answer = client.get(f"{PATH}/{application_id}")
        status = schemas.read_one(schemas.APPLICATION, answer)["attributes"].get("status")
    except DfeError as error:
        raise DfeFailed(
            f"{error}, so this app cannot tell whether the DfE recorded your decision. "
            "Sync the applications in a few minutes, then check this application before deciding again"
        ) from error
    return answer if status == DECIDED_STATUS[path] else None


def _words(problems: list[dict[str, str]]) -> str:
    return "; ".join(p.get("detail") or p.get("title") or "" for p in problems) or "no reason given"


def accept(
    application_id: str,
    lock_version: int | None,
    funded_place: bool | None,
    cohort_id: int | None,
    mentor_ids: tuple[int, ...],
    actor: User,
    today: date,
) -> Enrolment:
    """Accept at the DfE, then, in one transaction, the trainee, their invitation, their enrolment
    and the participant. Invalid / Conflict before anything is sent; DfeFailed if the DfE did not accept."""
    application = _checked(application_id, lock_version)
    if application.status != ApplicationStatus.PENDING.value:
        raise Invalid(f"This application is already {application.status} at the DfE", "application")
    problems = []
    if eligible(application) and funded_place is None:
        problems.append(Problem("funded_place", "Choose whether this is a funded place"))
    try:
        chosen = plan(application, cohort_id, mentor_ids, today)
    except Invalid as error:
        problems += error.problems
    if problems:
        raise Invalid(problems)
    funded = bool(funded_place) if eligible(application) else False  # always sent: see the module's docstring
    _hold(application)
    try:
        answer = _send(application, "accept", accept_body(funded, chosen.schedule_identifier))
        return _record_acceptance(application, answer, chosen, actor, funded)
    finally:
        _let_go(application_id)


def accept_body(funded_place: bool, schedule_identifier: str) -> dict[str, Any]:
    """The document's ApplicationAcceptRequest."""
    return {
        "data": {
            "type": ACCEPT_TYPE,
            "attributes": {"funded_place": funded_place, "schedule_identifier": schedule_identifier},
        }
    }


def _record_acceptance(
    application: DfeApplication, answer: dict[str, Any], chosen: Plan, actor: User, funded_place: bool
) -> Enrolment:
    try:
        _stored_answer(application, answer)
        application.funded_place = funded_place
        enrolment = _enrol(application, chosen, actor)
        record(
            Action.DFE_APPLICATION_ACCEPTED,
            Subject("enrolment", enrolment.id),
            enrolment.trainee_id,
            application=application.id,
            funded_place=funded_place,
            cohort=chosen.cohort.id,
        )
        db.session.commit()
        return enrolment
    except (IntegrityError, StaleDataError, AccountError, DfeError, Invalid):
        # Accepted at the DfE, not saved here: keep what the DfE said, so the page offers "Finish enrolment".
        db.session.rollback()
        kept = db.session.get(DfeApplication, application.id)
        if kept is not None:
            try:
                _stored_answer(kept, answer)
            except DfeError:
                kept.status = ApplicationStatus.ACCEPTED.value
            kept.funded_place = funded_place
            db.session.commit()
        raise DfeFailed(
            "The DfE accepted the application but saving it here failed: use Finish enrolment on its page"
        ) from None


def finish(
    application_id: str,
    lock_version: int | None,
    cohort_id: int | None,
    mentor_ids: tuple[int, ...],
    actor: User,
    today: date,
) -> Enrolment:
    """The local half of an acceptance the DfE already holds: nothing is sent."""
    application = _checked(application_id, lock_version)
    if not needs_enrolment(application):
        raise Invalid(
            "Only an application accepted at the DfE and not yet enrolled here can be finished", "application"
        )
    chosen = plan(application, cohort_id, mentor_ids, today)
    enrolment = _enrol(application, chosen, actor)
    record(
        Action.DFE_APPLICATION_ACCEPTED,
        Subject("enrolment", enrolment.id),
        enrolment.trainee_id,
        application=application.id,
        finished=True,
        cohort=chosen.cohort.id,
    )
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED, "application") from None
    return enrolment


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


def _enrol(application: DfeApplication, chosen: Plan, actor: User) -> Enrolment:
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


def reject(application_id: str, lock_version: int | None, reason: str, actor: User) -> DfeApplication:
    """Reject at the DfE; the reason is kept here (the DfE's request carries none)."""
    application = _checked(application_id, lock_version)
    reason = reason.strip()
    if application.status != ApplicationStatus.PENDING.value:
        raise Invalid(f"This application is already {application.status} at the DfE", "application")
    if not reason:
        raise Invalid("Enter why you are rejecting this application", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer", "reason")
    _hold(application)
    try:
        answer = _send(application, "reject", None)
        try:
            _stored_answer(application, answer)
        except DfeError:
            application.status = ApplicationStatus.REJECTED.value
        application.rejection_reason = reason
        application.decided_at = utcnow()
        application.decided_by_id = actor.id
        application.errors = []
        record(Action.DFE_APPLICATION_REJECTED, Subject("dfe_application"), None, application=application.id)
        db.session.commit()
    finally:
        _let_go(application_id)
    return application
