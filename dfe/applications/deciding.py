"""Deciding an application: accept it (and make the applicant a person enrolled on a cohort, with
nothing retyped), reject it, or finish an acceptance the DfE holds but this app did not record.

Accepting sends ``funded_place`` and the schedule of the chosen cohort (``ApplicationAcceptRequest``);
the DfE requires ``funded_place`` (true or false) in a funding-capped cohort (``Applications::Accept``,
``validate_funded_place?``) and refuses ``true`` for an applicant not eligible for funding, so it is
always sent: the administrator's choice when eligible, false otherwise. Rejecting has no request
body in the document: the DfE records "rejected by provider", and the reason is kept here only.

Everything this app can check is checked before anything is sent, so the DfE is not told of a
decision this app cannot then record. If the DfE accepts and saving here still fails, the
application is kept as the DfE answered (accepted, no enrolment) and its page offers "Finish
enrolment", which does the local half again without sending anything.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from assessments.models import Enrolment
from core.accounts.errors import AccountError
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, Problem
from core.unit_of_work import commit, saving
from dfe.applications.pages import eligible, get, needs_enrolment
from dfe.applications.planning import Plan, enrol, plan
from dfe.applications.reading import store_answer
from dfe.applications.telling import DfeFailed, accept_body, hold, let_go, send_decision
from dfe.client import DfeError
from dfe.contract import ApplicationStatus
from dfe.models import REASON_MAX_LENGTH, DfeApplication

CHANGED = "This application has changed since you opened it. Check it and decide again"
# The DfE's error titles name an attribute of the request; the decision form's field for each.
DFE_FIELDS = {"funded_place": "funded_place", "schedule_identifier": "cohort_id"}


def _checked(application_id: str, lock_version: int | None) -> DfeApplication:
    application = get(application_id)
    if application is None:
        raise Invalid("The DfE has no such application here: sync, then try again", "application")
    if lock_version is not None and lock_version != application.lock_version:
        raise Conflict(CHANGED, "application")
    return application


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
    hold(application)
    try:
        answer = send_decision(application, "accept", accept_body(funded, chosen.schedule_identifier))
        return _record_acceptance(application, answer, chosen, actor, funded)
    finally:
        let_go(application_id)


def _record_acceptance(
    application: DfeApplication, answer: dict[str, Any], chosen: Plan, actor: User, funded_place: bool
) -> Enrolment:
    try:
        with saving(CHANGED, "application"):
            store_answer(application, answer)
            application.funded_place = funded_place
            enrolment = enrol(application, chosen, actor)
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
    # A stale version arrives as Conflict, one of the Invalid family.
    except (IntegrityError, AccountError, DfeError, Invalid):
        # Accepted at the DfE, not saved here: keep what the DfE said, so the page offers "Finish enrolment".
        db.session.rollback()
        kept = db.session.get(DfeApplication, application.id)
        if kept is not None:
            try:
                store_answer(kept, answer)
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
    enrolment = enrol(application, chosen, actor)
    record(
        Action.DFE_APPLICATION_ACCEPTED,
        Subject("enrolment", enrolment.id),
        enrolment.trainee_id,
        application=application.id,
        finished=True,
        cohort=chosen.cohort.id,
    )
    commit(CHANGED, "application")
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
    hold(application)
    try:
        answer = send_decision(application, "reject", None)
        try:
            store_answer(application, answer)
        except DfeError:
            application.status = ApplicationStatus.REJECTED.value
        application.rejection_reason = reason
        application.decided_at = utcnow()
        application.decided_by_id = actor.id
        application.errors = []
        record(Action.DFE_APPLICATION_REJECTED, Subject("dfe_application"), None, application=application.id)
        db.session.commit()
    finally:
        let_go(application_id)
    return application
