"""The SENCO qualification duty: whether it applies, by when, which qualification counts, and how
a person stands today (:func:`track`, returning a :class:`Duty` with its reasons as codes).

The law (SEND Regulations 2014, SI 2014/1530, reg. 49, as amended by SI 2024/535 reg. 2(2)):

- reg. 49(4): a person who becomes SENCO *after* 1 September 2009, and has not previously been
  SENCO at that or any other relevant school for a total period of *more than twelve months*,
  must hold the relevant SENCO qualification if SENCO at any time *after the third anniversary*
  of becoming SENCO. So the qualification is needed by the third anniversary; the day after it,
  a person without it is overdue.
- reg. 49(7): the relevant qualification is (a) the NASENCO, where the course began before
  1 September 2024 and is completed before 1 September 2027; (b) the NPQ for SENCOs, where the
  course began on or after 1 September 2024.
- Head teacher: reg. 49(3) lets the head teacher (or acting head) be the SENCO instead of meeting
  reg. 49(2) (qualified teacher, induction, teaching at the school). Reg. 49(4) speaks of "a
  person" who becomes SENCO and makes no exception for a head teacher, so the duty applies to a
  head teacher as to anyone else. Source: the text of reg. 49 on legislation.gov.uk
  (uksi/2014/1530/regulation/49, read with uksi/2024/535/regulation/2).
- The deadline's starting point: reg. 49(4) counts three years from "becoming the SENCO", read
  here as becoming SENCO at this school (the regulation speaks of earlier service "at that or any
  other relevant school" separately). A stricter reading counts from the first appointment as
  SENCO. Where earlier service that may count exists (relevant or of unknown kind) and the duty
  applies, the reasons give the stricter reading's deadline beside the one shown, so a school can
  act on the earlier date; the status itself follows this school's appointment.

How dates are counted is in :mod:`assessments.deadlines.counting`; which earlier service counts,
in :mod:`assessments.deadlines.history`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from assessments.deadlines.counting import (
    EARLIER_SERVICE_MONTHS_MAX,
    Service,
    add_months,
    earlier_service,
    third_anniversary,
)
from assessments.deadlines.history import Course, SchoolKind, SencoHistory, check
from assessments.reasons import Reason

DUTY_APPLIES_AFTER = date(2009, 9, 1)  # reg. 49(4): "becomes the SENCO ... after 1st September 2009"
NPQ_COURSES_FROM = date(2024, 9, 1)  # reg. 49(7)(b): NPQ course begun on or after this day
NASENCO_COMPLETED_BEFORE = date(2027, 9, 1)  # reg. 49(7)(a): NASENCO completed before this day
DUE_SOON_MONTHS = 6  # "due within 6 months" starts this many months before the deadline


class Status(Enum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"
    QUALIFIED = "qualified"


class Qualification(Enum):
    NASENCO = "nasenco"
    NPQ_SENCO = "npq_senco"


def _reason(code: str, **params: Any) -> Reason:
    return Reason(code, tuple((k, v.isoformat() if isinstance(v, date) else v) for k, v in params.items()))


@dataclass(frozen=True)
class Duty:
    """How one person stands against reg. 49(4) today.

    ``deadline`` is always the third anniversary of becoming SENCO (shown only where
    ``duty_applies``); ``qualification`` is the one that counts for this person now.
    """

    status: Status
    duty_applies: bool
    deadline: date
    due_soon_from: date
    qualification: Qualification
    earlier_service: Service
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "duty_applies": self.duty_applies,
            "deadline": self.deadline.isoformat(),
            "due_soon_from": self.due_soon_from.isoformat(),
            "qualification": self.qualification.value,
            "earlier_service": {"months": self.earlier_service.months, "days": self.earlier_service.days},
            "reasons": [r.to_dict() for r in self.reasons],
        }


def _nasenco_counts(course: Course) -> bool:
    return (
        course.started < NPQ_COURSES_FROM
        and course.completed is not None
        and course.completed < NASENCO_COMPLETED_BEFORE
    )


def _npq_counts(course: Course) -> bool:
    return course.started >= NPQ_COURSES_FROM and course.completed is not None


def _held(history: SencoHistory) -> Reason | None:
    if history.nasenco is not None and _nasenco_counts(history.nasenco):
        return _reason("qualified", qualification=Qualification.NASENCO.value, completed=history.nasenco.completed)
    if history.npq is not None and _npq_counts(history.npq):
        return _reason("qualified", qualification=Qualification.NPQ_SENCO.value, completed=history.npq.completed)
    return None


def _nasenco_route(course: Course | None, today: date) -> tuple[bool, list[Reason]]:
    """Whether a NASENCO can still count, and what to say about it."""
    if course is None:
        return False, []
    if course.started >= NPQ_COURSES_FROM:
        return False, [_reason("nasenco_begun_too_late", started=course.started, npq_from=NPQ_COURSES_FROM)]
    finished_in_time = course.completed is not None and course.completed < NASENCO_COMPLETED_BEFORE
    if finished_in_time:
        return True, []
    if course.completed is None and today < NASENCO_COMPLETED_BEFORE:
        return True, [_reason("nasenco_must_finish", started=course.started, before=NASENCO_COMPLETED_BEFORE)]
    return False, [
        _reason(
            "nasenco_not_finished_in_time",
            started=course.started,
            completed=course.completed,
            before=NASENCO_COMPLETED_BEFORE,
        )
    ]


def _npq_notes(course: Course | None) -> list[Reason]:
    if course is None:
        return []
    if course.started < NPQ_COURSES_FROM:
        return [_reason("npq_begun_too_early", started=course.started, npq_from=NPQ_COURSES_FROM)]
    return [] if course.completed is not None else [_reason("npq_in_progress", started=course.started)]


def _exemption(history: SencoHistory, service: Service) -> Reason | None:
    if history.became_senco <= DUTY_APPLIES_AFTER:
        return _reason("appointed_before_duty", became_senco=history.became_senco, after=DUTY_APPLIES_AFTER)
    if service.more_than_twelve_months:
        return _reason(
            "earlier_service_over", months=service.months, days=service.days, limit=EARLIER_SERVICE_MONTHS_MAX
        )
    return None


def _timing(deadline: date, due_soon_from: date, today: date) -> tuple[Status, Reason]:
    if today > deadline:
        return Status.OVERDUE, _reason("deadline_passed", deadline=deadline)
    if today >= due_soon_from:
        return Status.DUE_SOON, _reason("deadline_close", deadline=deadline, months=DUE_SOON_MONTHS)
    return Status.ON_TRACK, _reason("deadline_ahead", deadline=deadline)


def _service_notes(history: SencoHistory, deadline: date) -> list[Reason]:
    """Which earlier periods were not counted and why, and the stricter reading's deadline."""
    notes = [
        _reason("earlier_period_not_counted", start=p.start, end=p.end, kind=p.kind.value)
        for p in sorted(history.earlier_service, key=lambda p: p.start)
        if not p.counts
    ]
    maybe = [p.start for p in history.earlier_service if p.counts or p.kind is SchoolKind.UNKNOWN]
    if maybe:
        first = min(maybe)
        notes.append(_reason("stricter_deadline", first=first, deadline=third_anniversary(first), shown=deadline))
    return notes


def track(history: SencoHistory, today: date) -> Duty:
    """How ``history`` stands against the qualification duty on ``today``.

    Status, first that holds: qualified (a qualification that counts is held); not required
    (appointed on or before 1 September 2009, or more than twelve months' earlier service);
    overdue (after the third anniversary); due within 6 months (from 6 calendar months before
    the deadline, the deadline day included); on track.
    """
    check(history, today)
    counted = tuple(p for p in history.earlier_service if p.counts)
    service = earlier_service(counted, history.earlier_months)
    deadline = third_anniversary(history.became_senco)
    due_soon_from = add_months(deadline, -DUE_SOON_MONTHS)
    exemption = _exemption(history, service)
    nasenco_open, notes = _nasenco_route(history.nasenco, today)
    notes += _npq_notes(history.npq)
    qualification = Qualification.NASENCO if nasenco_open else Qualification.NPQ_SENCO
    if history.nasenco is None and history.npq is None:
        notes.append(_reason("no_course", qualification=Qualification.NPQ_SENCO.value, npq_from=NPQ_COURSES_FROM))
    if exemption is None and (service.months or service.days):
        notes.insert(
            0,
            _reason(
                "earlier_service_within", months=service.months, days=service.days, limit=EARLIER_SERVICE_MONTHS_MAX
            ),
        )
    if exemption is None and history.head_teacher:
        notes.insert(0, _reason("head_teacher_not_exempt"))
    if exemption is None:
        notes += _service_notes(history, deadline)
    held = _held(history)
    if held is not None:
        status, reasons = Status.QUALIFIED, [held]
    elif exemption is not None:
        status, reasons = Status.NOT_REQUIRED, [exemption]
    else:
        status, timing = _timing(deadline, due_soon_from, today)
        reasons = [timing, *notes]
    return Duty(status, exemption is None, deadline, due_soon_from, qualification, service, tuple(reasons))
