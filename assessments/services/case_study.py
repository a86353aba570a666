"""The case-study assessment of an enrolment: recorded by designers and administrators (every
date and the result) and by the trainee (only the date they submitted, until a result is in).
The rules are in :mod:`assessments.case_study_rules`."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments.case_study_rules import JUDGED, CaseStudyDates, CaseStudyResult, problems
from assessments.models import CaseStudy, Enrolment
from assessments.signals import case_study_result_recorded
from core.extensions import db
from core.problems import Conflict, Invalid
from core.unit_of_work import saving

CHANGED = "Someone changed this case-study assessment since you opened it. Check it and save again"
NO_RECORD_YET = 0  # the version a form opened before any record was made carries
RESULT_RECORDED = "Your result is recorded, so the date of submission can no longer be changed here. Ask your provider"


def dates_of(found: CaseStudy | None) -> CaseStudyDates:
    if found is None:
        return CaseStudyDates()
    return CaseStudyDates(
        found.window_opens,
        found.window_closes,
        found.submitted_on,
        CaseStudyResult(found.result) if found.result else None,
        found.result_on,
    )


def _enrolment(enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise Invalid("Choose an enrolment", "enrolment_id")
    return enrolment


def version_of(found: CaseStudy | None) -> int:
    """The version a form carries, so a save based on what another person has since changed is refused."""
    return found.lock_version if found is not None else NO_RECORD_YET


def _save(enrolment: Enrolment, given: CaseStudyDates, by_id: int, lock_version: int | None) -> CaseStudy:
    if lock_version is not None and lock_version != version_of(enrolment.case_study):
        raise Conflict(CHANGED)
    record = enrolment.case_study or CaseStudy(enrolment=enrolment)
    before = (record.result, record.result_on)
    record.window_opens, record.window_closes = given.window_opens, given.window_closes
    record.submitted_on = given.submitted_on
    record.result = given.result.value if given.result else None
    record.result_on = given.result_on
    record.updated_by_id = by_id
    db.session.add(record)
    judged = given.result in JUDGED and before != (record.result, record.result_on)
    try:
        with saving(CHANGED):  # a stale version: saved by someone else between our read and write
            if judged:  # the DfE room queues the outcome in this transaction
                db.session.flush()
                case_study_result_recorded.send(enrolment, enrolment=enrolment, case_study=record)
            db.session.commit()
    except IntegrityError:  # the enrolment's first record, made by someone else meanwhile: the same conflict
        raise Conflict(CHANGED) from None
    return record


def record(
    enrolment_id: int, given: CaseStudyDates, by_id: int, today: date, lock_version: int | None = None
) -> CaseStudy:
    """A designer or administrator records the window, the submission and the result. ``lock_version``
    is the version the form was opened on (:func:`version_of`); None skips the check (the CLI, tests)."""
    enrolment = _enrolment(enrolment_id)
    found = problems(given, today)
    if found:
        raise Invalid(found)
    return _save(enrolment, given, by_id, lock_version)


def trainee_enrolment(enrolment_id: int, trainee_id: int) -> Enrolment | None:
    """The enrolment if it is the trainee's own; another trainee's is not found."""
    return db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id, Enrolment.trainee_id == trainee_id))


def record_submission(
    enrolment_id: int, trainee_id: int, submitted_on: date | None, today: date, lock_version: int | None = None
) -> CaseStudy:
    """The trainee records (or clears) the date they submitted; the window and the result are the
    provider's, and once a result is in, the date is the provider's to change too."""
    enrolment = trainee_enrolment(enrolment_id, trainee_id)
    if enrolment is None:
        raise Invalid("Choose one of your enrolments", "enrolment_id")
    current = dates_of(enrolment.case_study)
    if current.result is not None:
        raise Invalid(RESULT_RECORDED, "submitted_on")
    given = CaseStudyDates(current.window_opens, current.window_closes, submitted_on, None, None)
    found = problems(given, today)
    if found:
        raise Invalid(found)
    return _save(enrolment, given, trainee_id, lock_version)
