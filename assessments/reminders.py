"""Which reminders are due on a day, and to whom: one rule for the daily emails and for the
"What needs you" list on each home page, so the two never disagree.

A reminder is due while its condition holds (a SENCO deadline within 6 months, a request still
unanswered after 7 days…), and each names what it is about (``about``) so that the message
written for it is written once: :func:`core.messages.notify` keeps one message per person, kind
and about, so the daily job may run on every day the condition holds, or miss a day, and each
person is still told once. An about-key names what its facts depend on (a deadline's date, a
request, an ISO week), so keeping the first message per key never keeps a different reminder (the
property tests hold this); a week's backlog is told with the counts of the day it is first sent.

Plain Python (standard library and the room's pure rules only): tested without the app.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from assessments.case_study_rules import CaseStudyDates
from assessments.deadlines import DUE_SOON_MONTHS, add_months

# Kinds (the names the messages are registered under, and written in the outbox)
CASE_STUDY_OPEN = "reminder_case_study_open"
CASE_STUDY_DEADLINE = "reminder_case_study_deadline"
SENCO_6_MONTHS = "reminder_senco_6_months"
SENCO_3_MONTHS = "reminder_senco_3_months"
SENCO_OVERDUE = "reminder_senco_overdue"
REQUEST_UNANSWERED = "reminder_request_unanswered"
MODERATION_BACKLOG = "reminder_moderation_backlog"
KINDS = (
    CASE_STUDY_OPEN,
    CASE_STUDY_DEADLINE,
    SENCO_6_MONTHS,
    SENCO_3_MONTHS,
    SENCO_OVERDUE,
    REQUEST_UNANSWERED,
    MODERATION_BACKLOG,
)

SENCO_FIRST_MONTHS = DUE_SOON_MONTHS  # the first reminder when the deadline becomes "due within 6 months"
SENCO_LAST_MONTHS = 3  # the second, a quarter of a year ahead
CASE_STUDY_DEADLINE_DAYS = 3  # "the deadline is close" from this many days before the window closes
REQUEST_UNANSWERED_DAYS = 7  # a request unanswered this long is chased with its mentor

Fact = date | int | str


class Audience(str, enum.Enum):
    """In which role a person is reminded: the home page of that role lists it."""

    TRAINEE = "trainee"
    MENTOR = "mentor"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class EnrolmentFacts:
    """One enrolment as the reminders need it. ``senco_deadline`` is None where the duty does not
    apply, the qualification is held, or the history is not known: nothing to remind of."""

    enrolment_id: int
    trainee_id: int
    mentor_ids: tuple[int, ...]
    trainee_name: str = ""
    senco_deadline: date | None = None
    case_study: CaseStudyDates = CaseStudyDates()


@dataclass(frozen=True)
class OpenRequest:
    """A request to be observed that the mentor has not answered yet."""

    request_id: int
    enrolment_id: int
    mentor_id: int
    asked_on: date
    trainee_name: str = ""
    scenario: str = ""


@dataclass(frozen=True)
class Backlog:
    """Moderation waiting for any moderator (the work is shared): sampled observations not yet
    second-marked, marks that differ and wait for a judgement, appeals not yet decided."""

    to_mark: int = 0
    to_agree: int = 0
    appeals: int = 0

    @property
    def total(self) -> int:
        return self.to_mark + self.to_agree + self.appeals


@dataclass(frozen=True)
class Situation:
    """Everything the rule reads, as plain data loaded beforehand."""

    today: date
    enrolments: tuple[EnrolmentFacts, ...] = ()
    requests: tuple[OpenRequest, ...] = ()
    moderator_ids: tuple[int, ...] = ()
    backlog: Backlog = Backlog()


@dataclass(frozen=True)
class Reminder:
    """One reminder for one person: (recipient, kind, about) is what is told once."""

    recipient_id: int
    audience: Audience
    kind: str
    about: str
    facts: tuple[tuple[str, Fact], ...]

    @property
    def key(self) -> tuple[int, str, str]:
        return self.recipient_id, self.kind, self.about

    @property
    def context(self) -> dict[str, Fact]:
        return dict(self.facts)


# ---- each rule -------------------------------------------------------------------------------


def senco_kind(deadline: date, today: date) -> str | None:
    """The latest SENCO reminder reached on ``today``: overdue the day after the deadline, the
    3-month one from 3 calendar months before it, the 6-month one from 6 months before."""
    if today > deadline:
        return SENCO_OVERDUE
    if today >= add_months(deadline, -SENCO_LAST_MONTHS):
        return SENCO_3_MONTHS
    if today >= add_months(deadline, -SENCO_FIRST_MONTHS):
        return SENCO_6_MONTHS
    return None


def case_study_kind(dates: CaseStudyDates, today: date) -> str | None:
    """While the window is open and nothing is submitted: "it is open", then, in its last days,
    "the deadline is close" (a window shorter than that only gets the second)."""
    opens, closes = dates.window_opens, dates.window_closes
    if opens is None or dates.submitted_on is not None or dates.result is not None or today < opens:
        return None
    if closes is None:
        return CASE_STUDY_OPEN
    if today > closes:
        return None
    if today >= closes - timedelta(days=CASE_STUDY_DEADLINE_DAYS):
        return CASE_STUDY_DEADLINE
    return CASE_STUDY_OPEN


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _senco(e: EnrolmentFacts, today: date) -> Iterator[Reminder]:
    # A passed case study completes the NPQ (case_study_rules): the qualification is held.
    if e.senco_deadline is None or e.case_study.completed:
        return
    kind = senco_kind(e.senco_deadline, today)
    if kind is None:
        return
    about = f"senco:{e.enrolment_id}:{kind.removeprefix('reminder_senco_')}:{e.senco_deadline.isoformat()}"
    facts = (("enrolment_id", e.enrolment_id), ("deadline", e.senco_deadline), ("trainee", e.trainee_name))
    yield Reminder(e.trainee_id, Audience.TRAINEE, kind, about, facts)
    for mentor_id in e.mentor_ids:
        yield Reminder(mentor_id, Audience.MENTOR, kind, about, facts)


def _case_study(e: EnrolmentFacts, today: date) -> Iterator[Reminder]:
    dates = e.case_study
    kind = case_study_kind(dates, today)
    if kind is None or dates.window_opens is None:
        return
    facts: tuple[tuple[str, Fact], ...] = (("enrolment_id", e.enrolment_id), ("opens", dates.window_opens))
    if dates.window_closes is not None:
        facts += (("closes", dates.window_closes),)
    if kind == CASE_STUDY_OPEN:
        about = f"case-study:{e.enrolment_id}:opens:{dates.window_opens.isoformat()}"
    else:
        about = f"case-study:{e.enrolment_id}:closes:{dates.window_closes}"
    yield Reminder(e.trainee_id, Audience.TRAINEE, kind, about, facts)


def _request(r: OpenRequest, today: date) -> Iterator[Reminder]:
    if today >= r.asked_on + timedelta(days=REQUEST_UNANSWERED_DAYS):
        facts: tuple[tuple[str, Fact], ...] = (
            ("request_id", r.request_id),
            ("enrolment_id", r.enrolment_id),
            ("asked_on", r.asked_on),
            ("trainee", r.trainee_name),
            ("scenario", r.scenario),
        )
        yield Reminder(r.mentor_id, Audience.MENTOR, REQUEST_UNANSWERED, f"request:{r.request_id}:unanswered", facts)


def _backlog(s: Situation) -> Iterator[Reminder]:
    if s.backlog.total == 0:
        return
    week = iso_week(s.today)
    facts: tuple[tuple[str, Fact], ...] = (
        ("week", week),
        ("to_mark", s.backlog.to_mark),
        ("to_agree", s.backlog.to_agree),
        ("appeals", s.backlog.appeals),
    )
    for moderator_id in s.moderator_ids:
        yield Reminder(moderator_id, Audience.MODERATOR, MODERATION_BACKLOG, f"moderation-backlog:{week}", facts)


def due(s: Situation) -> list[Reminder]:
    """Every reminder due on ``s.today``, each (recipient, kind, about) once, in a stable order."""
    found: dict[tuple[int, str, str], Reminder] = {}
    for e in s.enrolments:
        for r in (*_senco(e, s.today), *_case_study(e, s.today)):
            found.setdefault(r.key, r)
    for request in s.requests:
        for r in _request(request, s.today):
            found.setdefault(r.key, r)
    for r in _backlog(s):
        found.setdefault(r.key, r)
    return sorted(found.values(), key=lambda r: (r.recipient_id, KINDS.index(r.kind), r.about))


def for_person(reminders: list[Reminder], person_id: int, audience: Audience) -> list[Reminder]:
    """What one person sees on the home page of one of their roles."""
    return [r for r in reminders if r.recipient_id == person_id and r.audience is audience]
