"""The SENCO qualification duty: whether it applies, by when, which qualification counts, and how
a person stands today. Plain Python (standard library only), so a page, a CSV export and a PDF all
read the same result and the same reasons.

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

How dates are counted (one rule, :func:`add_months`):

- "Month" means calendar month (Interpretation Act 1978, Sch. 1), so months are counted on the
  calendar, not as 30 days.
- Anniversaries of 29 February: neither reg. 49 nor the Interpretation Act 1978 says where the
  anniversary of 29 February falls in a year without one, and we found no English statute or
  case that settles it. ASSUMPTION: it falls on 28 February, the last day of that February (the
  same rule as any month step that lands on a day the month lacks: 31 August + 6 months is the
  end of February). We take the earlier of the two candidate days so that the tracker never
  shows someone as within time on a day a stricter reading would call overdue.
- Only earlier service at a *relevant school* counts towards the twelve months (reg. 49(4);
  a relevant school is a mainstream school or a maintained nursery school in England, Children and
  Families Act 2014 s.67(1)). Each period records its kind of school (:class:`SchoolKind`); a
  period at a special or independent school, or outside England, is not counted, and the reasons
  name it. ASSUMPTION, the cautious choice: a period whose kind is not recorded (periods stored
  before the kind was asked for read as ``unknown``) is not counted either, so it can never lift
  the duty; the reasons say so and ask for the kind. A stated total of months
  (``earlier_months``) is taken as service at relevant schools, as the form asks.
- The deadline's starting point: reg. 49(4) counts three years from "becoming the SENCO", read
  here as becoming SENCO at this school (the regulation speaks of earlier service "at that or any
  other relevant school" separately). A stricter reading counts from the first appointment as
  SENCO. Where earlier service that may count exists (relevant or of unknown kind) and the duty
  applies, the reasons give the stricter reading's deadline beside the one shown, so a school can
  act on the earlier date; the status itself follows this school's appointment.
- Earlier service given as date ranges counts both end days. Overlapping ranges count once. Whole
  calendar months are counted per range; days left over from several ranges are pooled and every
  31 pooled days count as one more month. ASSUMPTION: 31 (the longest month) is the cautious
  choice: it never lifts the duty on the strength of a short month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from assessments.reasons import Problem, Reason, RuleInputError

DUTY_APPLIES_AFTER = date(2009, 9, 1)  # reg. 49(4): "becomes the SENCO ... after 1st September 2009"
NPQ_COURSES_FROM = date(2024, 9, 1)  # reg. 49(7)(b): NPQ course begun on or after this day
NASENCO_COMPLETED_BEFORE = date(2027, 9, 1)  # reg. 49(7)(a): NASENCO completed before this day
EARLIER_SERVICE_MONTHS_MAX = 12  # reg. 49(4): more than this many months lifts the duty
YEARS_TO_QUALIFY = 3  # reg. 49(4): the third anniversary
DUE_SOON_MONTHS = 6  # "due within 6 months" starts this many months before the deadline
POOLED_DAYS_PER_MONTH = 31  # see the module docstring: the cautious month
EARLIER_MONTHS_MAX = 1_200  # a stated total beyond a century is a typing slip


class Status(Enum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"
    QUALIFIED = "qualified"


class Qualification(Enum):
    NASENCO = "nasenco"
    NPQ_SENCO = "npq_senco"


QUALIFICATION_NAMES = {
    Qualification.NASENCO: "the National Award for SEN Co-ordination (NASENCO)",
    Qualification.NPQ_SENCO: "the NPQ for SENCOs",
}


class SchoolKind(Enum):
    """Where an earlier period as SENCO was served; only a relevant school counts (s.67(1))."""

    MAINSTREAM = "mainstream"  # a mainstream school in England (maintained school or academy)
    MAINTAINED_NURSERY = "maintained-nursery"  # a maintained nursery school in England
    SPECIAL = "special"
    INDEPENDENT = "independent"
    OUTSIDE_ENGLAND = "outside-england"
    UNKNOWN = "unknown"  # not recorded: not counted (see the module docstring)

    @property
    def relevant(self) -> bool:
        return self in RELEVANT_SCHOOL_KINDS


RELEVANT_SCHOOL_KINDS = frozenset({SchoolKind.MAINSTREAM, SchoolKind.MAINTAINED_NURSERY})
SCHOOL_KIND_WORDS = {
    SchoolKind.MAINSTREAM: "a mainstream school in England",
    SchoolKind.MAINTAINED_NURSERY: "a maintained nursery school in England",
    SchoolKind.SPECIAL: "a special school",
    SchoolKind.INDEPENDENT: "an independent school",
    SchoolKind.OUTSIDE_ENGLAND: "a school outside England",
    SchoolKind.UNKNOWN: "a school of a kind not recorded",
}


@dataclass(frozen=True)
class ServicePeriod:
    """A stretch as SENCO before this appointment, here or elsewhere; both days count."""

    start: date
    end: date
    kind: SchoolKind = SchoolKind.UNKNOWN

    @property
    def counts(self) -> bool:
        return self.kind.relevant


@dataclass(frozen=True)
class Course:
    started: date
    completed: date | None = None


@dataclass(frozen=True)
class SencoHistory:
    """What the tracker needs to know about one person.

    ``earlier_months``: earlier SENCO service as a stated total of whole months, for when the
    dates are not known; it adds to ``earlier_service``.
    """

    became_senco: date
    earlier_service: tuple[ServicePeriod, ...] = ()
    earlier_months: int = 0
    head_teacher: bool = False
    nasenco: Course | None = None
    npq: Course | None = None


def _reason(code: str, **params: Any) -> Reason:
    return Reason(code, tuple((k, v.isoformat() if isinstance(v, date) else v) for k, v in params.items()))


@dataclass(frozen=True)
class Service:
    """Earlier SENCO service in whole calendar months and days left over."""

    months: int
    days: int

    @property
    def more_than_twelve_months(self) -> bool:
        limit = EARLIER_SERVICE_MONTHS_MAX
        return self.months > limit or (self.months == limit and self.days > 0)


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


class DeadlineInputError(RuleInputError):
    """The history cannot be judged as given; ``problems`` lists every located problem."""


# Dates ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; a day the target month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def third_anniversary(became_senco: date) -> date:
    """The date by which the qualification must be held (29 February → 28 February, see above)."""
    return add_months(became_senco, 12 * YEARS_TO_QUALIFY)


def _months_and_days(start: date, end_exclusive: date) -> tuple[int, int]:
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    while months > 0 and add_months(start, months) > end_exclusive:
        months -= 1
    return months, (end_exclusive - add_months(start, months)).days


def earlier_service(periods: tuple[ServicePeriod, ...], stated_months: int = 0) -> Service:
    """Total earlier service: overlaps counted once, leftover days pooled (31 to a month)."""
    merged: list[list[date]] = []
    for p in sorted(periods, key=lambda p: p.start):
        if merged and p.start <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], p.end)
        else:
            merged.append([p.start, p.end])
    months, days = stated_months, 0
    for start, end in merged:
        m, d = _months_and_days(start, end + timedelta(days=1))
        months, days = months + m, days + d
    return Service(months + days // POOLED_DAYS_PER_MONTH, days % POOLED_DAYS_PER_MONTH)


# Checks --------------------------------------------------------------------------------------


def _not_future(path: str, day: date, today: date, what: str) -> list[Problem]:
    return [Problem(path, f"{what} must be today or in the past")] if day > today else []


def _course_problems(path: str, course: Course | None, today: date) -> list[Problem]:
    if course is None:
        return []
    found = _not_future(f"{path}.started", course.started, today, "The course start date")
    if course.completed is not None:
        found += _not_future(f"{path}.completed", course.completed, today, "The completion date")
        if course.completed < course.started:
            found.append(
                Problem(f"{path}.completed", "The completion date must be the same as or after the start date")
            )
    return found


def check(history: SencoHistory, today: date) -> None:
    """Refuse a history that cannot be judged, listing every problem with its field."""
    found = _not_future("became_senco", history.became_senco, today, "The date they became SENCO")
    if not 0 <= history.earlier_months <= EARLIER_MONTHS_MAX:
        found.append(Problem("earlier_months", "Enter earlier service as a whole number of months between 0 and 1,200"))
    for i, p in enumerate(history.earlier_service):
        path = f"earlier_service[{i}]"
        found += _not_future(f"{path}.start", p.start, today, "The start of earlier service")
        if p.end < p.start:
            found.append(Problem(f"{path}.end", "The end of earlier service must be the same as or after its start"))
        if p.end >= history.became_senco:
            found.append(
                Problem(f"{path}.end", "Earlier service must end before the date they became SENCO at this school")
            )
    found += _course_problems("nasenco", history.nasenco, today)
    found += _course_problems("npq", history.npq, today)
    if found:
        raise DeadlineInputError(found)


# The rule ------------------------------------------------------------------------------------


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


# Words ---------------------------------------------------------------------------------------

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # not calendar.month_name, which follows the locale


def format_date(iso: str) -> str:
    """GOV.UK style: 3 March 2025."""
    day = date.fromisoformat(iso)
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _span(months: int, days: int) -> str:
    text = f"{months} month{'s' if months != 1 else ''}"
    return text + (f" and {days} day{'s' if days != 1 else ''}" if days else "")


def render(r: Reason) -> str:
    """One reason in English, the one place these words are written."""
    p = r.values
    code = r.code
    if code == "qualified":
        name = QUALIFICATION_NAMES[Qualification(p["qualification"])]
        return f"Holds {name}, completed on {format_date(p['completed'])}."
    if code == "appointed_before_duty":
        return (
            f"Became SENCO on {format_date(p['became_senco'])}, not after {format_date(p['after'])}: "
            "the qualification duty does not apply."
        )
    if code == "earlier_service_over":
        return (
            f"Has already been a SENCO for {_span(p['months'], p['days'])} in total, more than "
            f"{p['limit']} months: the qualification duty does not apply."
        )
    if code == "earlier_service_within":
        return (
            f"Earlier service as SENCO totals {_span(p['months'], p['days'])}, not more than "
            f"{p['limit']} months, so the duty still applies."
        )
    if code == "earlier_period_not_counted":
        kind = SchoolKind(p["kind"])
        period = f"Earlier service from {format_date(p['start'])} to {format_date(p['end'])}"
        if kind is SchoolKind.UNKNOWN:
            return (
                f"{period} was not counted: the kind of school is not recorded. Only service at a mainstream "
                "school or a maintained nursery school in England counts; record the kind if it was one."
            )
        return (
            f"{period}, at {SCHOOL_KIND_WORDS[kind]}, was not counted: only service at a mainstream school or a "
            "maintained nursery school in England counts (SEND Regulations 2014, reg. 49(4))."
        )
    if code == "stricter_deadline":
        return (
            f"The deadline counts from becoming SENCO at this school. A stricter reading counts from the first "
            f"appointment as SENCO, on {format_date(p['first'])}, which would make it {format_date(p['deadline'])}."
        )
    if code == "head_teacher_not_exempt":
        return (
            "Being the head teacher does not lift the qualification duty: a head teacher may be the SENCO "
            "(SEND Regulations 2014, reg. 49(3)), but reg. 49(4) makes no exception for them."
        )
    if code == "deadline_passed":
        return f"The qualification had to be held by {format_date(p['deadline'])}."
    if code == "deadline_close":
        return f"The qualification must be held by {format_date(p['deadline'])}, within {p['months']} months."
    if code == "deadline_ahead":
        return f"The qualification must be held by {format_date(p['deadline'])}."
    if code == "nasenco_must_finish":
        return f"The NASENCO counts only if it is completed before {format_date(p['before'])}."
    if code == "nasenco_not_finished_in_time":
        return (
            f"The NASENCO begun on {format_date(p['started'])} was not completed before "
            f"{format_date(p['before'])}, so it does not count: the NPQ for SENCOs is needed."
        )
    if code == "nasenco_begun_too_late":
        return f"A NASENCO begun on or after {format_date(p['npq_from'])} does not count: the NPQ for SENCOs is needed."
    if code == "npq_begun_too_early":
        return f"Only an NPQ for SENCOs begun on or after {format_date(p['npq_from'])} counts."
    if code == "npq_in_progress":
        return f"NPQ for SENCOs begun on {format_date(p['started'])}, not yet completed."
    if code == "no_course":
        return "No qualifying course recorded yet: the NPQ for SENCOs is the one that counts."
    return r.unrendered()


def render_all(reasons: tuple[Reason, ...]) -> tuple[str, ...]:
    return tuple(render(r) for r in reasons)


STATUS_NAMES = {
    Status.ON_TRACK: "On track",
    Status.DUE_SOON: "Due within 6 months",
    Status.OVERDUE: "Overdue",
    Status.NOT_REQUIRED: "Not required",
    Status.QUALIFIED: "Qualified",
}
