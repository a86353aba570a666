"""Requests: a trainee asks one of their mentors to observe a scenario; the mentor accepts with a
date or declines with a reason. An accepted (or unanswered) request closes itself when an
observation of that scenario is submitted (see :func:`assessments.services.observations.recording._lock`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from assessments import messages
from assessments.models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Enrolment,
    ObservationRequest,
    RequestStatus,
    enrolment_mentor,
)
from assessments.services.observations import scenarios_of
from assessments.services.scope import enrolment_for_mentor, enrolment_for_trainee
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, too_long
from core.unit_of_work import saving

ASKED_ALREADY = "You have already asked this mentor to observe this scenario"


def ask(enrolment_id: int, trainee_id: int, mentor_id: int, scenario_key: str, note: str = "") -> ObservationRequest:
    """The trainee asks ``mentor_id`` (one of their mentors) to observe them in ``scenario_key``."""
    enrolment = enrolment_for_trainee(enrolment_id, trainee_id)
    if enrolment is None:
        raise Invalid("Choose your programme", "enrolment_id")
    problems = []
    if mentor_id not in {m.id for m in enrolment.mentors}:
        problems.append(("mentor_id", "Choose one of your mentors"))
    if scenario_key not in {s.key for s in scenarios_of(enrolment)}:
        problems.append(("scenario_key", "Choose a scenario of your programme"))
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        problems.append(("note", too_long(NOTE_MAX_LENGTH, "Note")))
    if not problems and db.session.scalar(
        select(ObservationRequest.id).where(
            ObservationRequest.enrolment_id == enrolment.id,
            ObservationRequest.mentor_id == mentor_id,
            ObservationRequest.scenario_key == scenario_key,
            ObservationRequest.status.in_(RequestStatus.OPEN_STATES),
        )
    ):
        problems.append(("scenario_key", ASKED_ALREADY))
    if problems:
        raise Invalid(problems)
    request = ObservationRequest(enrolment_id=enrolment.id, mentor_id=mentor_id, scenario_key=scenario_key, note=note)
    db.session.add(request)
    # The same request posted twice at once: the first one stands, the second is told as if it came after.
    with saving(None, unique={"uq_observation_request_open": ("scenario_key", ASKED_ALREADY)}):
        messages.tell_observation_requested(request, trainee_id)  # flushes: the race is caught here too
        db.session.commit()
    return request


def request_for_mentor(request_id: int, mentor_id: int) -> ObservationRequest | None:
    """A request addressed to ``mentor_id``; anyone else's is not found."""
    found = db.session.get(ObservationRequest, request_id)
    # A mentor removed from the enrolment no longer answers its requests.
    if found is None or found.mentor_id != mentor_id or enrolment_for_mentor(found.enrolment_id, mentor_id) is None:
        return None
    return found


ANSWERED_ALREADY = "This request has already been answered"


def _open_request(request_id: int, mentor_id: int) -> ObservationRequest:
    found = request_for_mentor(request_id, mentor_id)
    if found is None:
        raise Invalid("Choose one of the requests made to you", "request_id")
    if found.status != RequestStatus.OPEN:
        raise Conflict(ANSWERED_ALREADY)
    return found


def _answer(found: ObservationRequest, **answer: Any) -> ObservationRequest:
    """Record one answer, only while the request is still open: a single conditional UPDATE, so of
    two answers at once (accept in one tab, decline in another) exactly one wins, on SQLite and
    PostgreSQL alike; the others are told it was already answered and change nothing."""
    changed = db.session.execute(
        update(ObservationRequest)
        .where(ObservationRequest.id == found.id, ObservationRequest.status == RequestStatus.OPEN)
        .values(answered_at=utcnow(), **answer)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        raise Conflict(ANSWERED_ALREADY)
    messages.tell_request_answered(found, answer["status"], answer.get("planned_on"), found.mentor_id)
    db.session.commit()
    db.session.refresh(found)
    return found


def accept(request_id: int, mentor_id: int, planned_on: date, today: date) -> ObservationRequest:
    """The mentor will observe on ``planned_on`` (today or later)."""
    found = _open_request(request_id, mentor_id)
    if planned_on < today:
        raise Invalid("The date you plan to observe must be today or later", "planned_on")
    return _answer(found, status=RequestStatus.ACCEPTED, planned_on=planned_on)


def decline(request_id: int, mentor_id: int, reason: str) -> ObservationRequest:
    """The mentor declines, saying why: the trainee reads the reason."""
    found = _open_request(request_id, mentor_id)
    reason = reason.strip()
    if not reason:
        raise Invalid("Enter why you are declining, so your trainee knows what to do next", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(too_long(REASON_MAX_LENGTH, "Reason"), "reason")
    return _answer(found, status=RequestStatus.DECLINED, decline_reason=reason)


def open_requests_for_mentor(mentor_id: int) -> list[ObservationRequest]:
    """Requests made to the mentor, not yet closed (unanswered first), with their trainees: two queries."""
    return list(
        db.session.scalars(
            select(ObservationRequest)
            .join(
                enrolment_mentor,
                (enrolment_mentor.c.enrolment_id == ObservationRequest.enrolment_id)
                & (enrolment_mentor.c.mentor_id == mentor_id),
            )
            .where(ObservationRequest.mentor_id == mentor_id, ObservationRequest.status.in_(RequestStatus.OPEN_STATES))
            .options(selectinload(ObservationRequest.enrolment).selectinload(Enrolment.trainee))
            .order_by(ObservationRequest.status.desc(), ObservationRequest.created_at, ObservationRequest.id)
        )
    )


def requests_of_trainee(trainee_id: int) -> list[ObservationRequest]:
    """Every request the trainee made, newest first, with the mentor's answer."""
    return list(
        db.session.scalars(
            select(ObservationRequest)
            .join(Enrolment)
            .where(Enrolment.trainee_id == trainee_id)
            .options(selectinload(ObservationRequest.mentor))
            .order_by(ObservationRequest.created_at.desc(), ObservationRequest.id.desc())
        )
    )
