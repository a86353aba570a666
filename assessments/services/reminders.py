"""Reminders: load what the rule reads in a few queries, ask :mod:`assessments.reminders` what is
due, and write each as a message (the daily job, ``flask reminders send``) or list it as "What
needs you" on a home page. Both read the same rule for the same day, so they agree.

A message is written once per person, kind and about (:func:`core.messages.notify`): a second
run on the same day, or on the next day while the condition still holds, writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import selectinload

from assessments import deadlines
from assessments import reminders as rule
from assessments.models import (
    AppealStatus,
    CaseStudy,
    Cohort,
    Enrolment,
    ModerationAppeal,
    ModerationItem,
    ObservationRequest,
    RequestStatus,
    enrolment_mentor,
)
from assessments.reminders import Audience, Reminder
from assessments.services import moderation
from assessments.services.case_study import dates_of
from assessments.services.enrolments import senco_duty
from assessments.services.training_status import in_training
from competencies import services as competency_services
from core import clock, jobs
from core.accounts.models import RoleGrant, User
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Category, MessageKind, link_to, notify, register_kind
from core.needs import Item

JOB_KIND = "reminders"
REMINDED_STATUSES = (deadlines.Status.ON_TRACK, deadlines.Status.DUE_SOON, deadlines.Status.OVERDUE)


def _kind(name: str, subject: str, why: str) -> MessageKind:
    return MessageKind(name, subject, f"messages/{name}.txt", Category.REMINDER, why)


MESSAGE_KINDS = (
    _kind(
        rule.CASE_STUDY_OPEN,
        "Your case-study assessment window is open",
        "your provider has set a window for your case-study assessment",
    ),
    _kind(
        rule.CASE_STUDY_DEADLINE,
        "Your case study must be submitted by {{ closes }}",
        "your case-study assessment window closes soon and no submission is recorded",
    ),
    _kind(
        rule.SENCO_6_MONTHS,
        "{{ whose }} SENCO qualification deadline is within 6 months",
        "the law sets a date by which a SENCO must hold the qualification, and you are training for it or mentor someone who is",
    ),
    _kind(
        rule.SENCO_3_MONTHS,
        "{{ whose }} SENCO qualification deadline is within 3 months",
        "the law sets a date by which a SENCO must hold the qualification, and you are training for it or mentor someone who is",
    ),
    _kind(
        rule.SENCO_OVERDUE,
        "{{ whose }} SENCO qualification deadline has passed",
        "the law sets a date by which a SENCO must hold the qualification, and you are training for it or mentor someone who is",
    ),
    _kind(
        rule.REQUEST_UNANSWERED,
        "A request to observe a trainee is still waiting for your answer",
        "a trainee you mentor asked you to observe them",
    ),
    _kind(
        rule.MODERATION_BACKLOG,
        "Moderation waiting this week",
        "you are a moderator and there is moderation waiting",
    ),
)


# ---- loading ---------------------------------------------------------------------------------


def _senco_deadline(enrolment: Enrolment, today: date) -> date | None:
    duty = senco_duty(enrolment, today).duty
    return duty.deadline if duty is not None and duty.status in REMINDED_STATUSES else None


def _enrolments(today: date, *where: ColumnElement[bool]) -> tuple[rule.EnrolmentFacts, ...]:
    """Enrolments with something to remind of (a SENCO date or a case study), in six queries however many."""
    found = db.session.scalars(
        select(Enrolment)
        .where(or_(Enrolment.became_senco.is_not(None), Enrolment.case_study.has(CaseStudy.window_opens.is_not(None))))
        .where(in_training(), *where)  # a withdrawn or deferred trainee is not reminded, nor are their mentors
        .options(
            selectinload(Enrolment.trainee),
            selectinload(Enrolment.mentors),
            selectinload(Enrolment.case_study),
            selectinload(Enrolment.cohort).selectinload(Cohort.programme_version),
        )
        .order_by(Enrolment.id)
    )
    return tuple(
        rule.EnrolmentFacts(
            e.id,
            e.trainee_id,
            tuple(m.id for m in e.mentors),
            e.trainee.name,
            _senco_deadline(e, today),
            dates_of(e.case_study),
        )
        for e in found
    )


def _requests(today: date, *where: ColumnElement[bool]) -> tuple[rule.OpenRequest, ...]:
    """Unanswered requests old enough to chase, to mentors who still mentor the trainee."""
    cutoff = datetime.combine(today - timedelta(days=rule.REQUEST_UNANSWERED_DAYS - 1), time.min, tzinfo=UTC)
    found = list(
        db.session.scalars(
            select(ObservationRequest)
            .join(
                enrolment_mentor,
                (enrolment_mentor.c.enrolment_id == ObservationRequest.enrolment_id)
                & (enrolment_mentor.c.mentor_id == ObservationRequest.mentor_id),
            )
            .join(Enrolment, Enrolment.id == ObservationRequest.enrolment_id)
            .where(
                ObservationRequest.status == RequestStatus.OPEN,
                ObservationRequest.created_at < cutoff,
                in_training(),
                *where,
            )
            .options(selectinload(ObservationRequest.enrolment).selectinload(Enrolment.trainee))
            .order_by(ObservationRequest.id)
        )
    )
    if not found:
        return ()
    titles = {s.key: s.title for s in competency_services.list_scenarios(rubrics=False)}
    return tuple(
        rule.OpenRequest(
            r.id,
            r.enrolment_id,
            r.mentor_id,
            r.created_at.date(),
            r.enrolment.trainee.name,
            titles.get(r.scenario_key, r.scenario_key),
        )
        for r in found
    )


def backlog() -> rule.Backlog:
    """What waits for the moderators, shared by all of them: three queries, the second bounded by the backlog."""
    to_mark = db.session.scalar(select(func.count()).where(ModerationItem.marked_at.is_(None))) or 0
    settling = db.session.scalars(
        select(ModerationItem)
        .where(ModerationItem.marked_at.is_not(None), ModerationItem.agreed_at.is_(None))
        .options(selectinload(ModerationItem.observation))
    )
    to_agree = sum(1 for item in settling if moderation.status_of(item) in ("to-agree", "to-adjudicate"))
    appeals = db.session.scalar(select(func.count()).where(ModerationAppeal.status == AppealStatus.OPEN)) or 0
    return rule.Backlog(to_mark, to_agree, appeals)


def _moderator_ids() -> tuple[int, ...]:
    return tuple(
        db.session.scalars(
            select(RoleGrant.user_id)
            .join(User)
            .where(RoleGrant.role == Role.MODERATOR, User.active.is_(True), User.erased_at.is_(None))
            .order_by(RoleGrant.user_id)
        )
    )


def situation(today: date) -> rule.Situation:
    """Everything, for the daily run."""
    return rule.Situation(today, _enrolments(today), _requests(today), _moderator_ids(), backlog())


def due(today: date) -> list[Reminder]:
    return rule.due(situation(today))


# ---- "What needs you" ------------------------------------------------------------------------


def needs_of(person_id: int, audience: Audience, today: date) -> list[Item]:
    """What ``person_id`` is reminded of in ``audience``'s role on ``today``, as the daily job
    computes it, loaded for that person only (a bounded number of queries)."""
    if audience is Audience.TRAINEE:
        found = rule.Situation(today, _enrolments(today, Enrolment.trainee_id == person_id))
    elif audience is Audience.MENTOR:
        mine = Enrolment.id.in_(
            select(enrolment_mentor.c.enrolment_id).where(enrolment_mentor.c.mentor_id == person_id)
        )
        found = rule.Situation(
            today, _enrolments(today, mine), _requests(today, ObservationRequest.mentor_id == person_id)
        )
    else:
        found = rule.Situation(today, moderator_ids=(person_id,), backlog=backlog())
    return [item_of(r) for r in rule.for_person(rule.due(found), person_id, audience)]


def _day(value: Any) -> str:
    return deadlines.format_date(value.isoformat())


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def backlog_words(facts: dict[str, Any]) -> str:
    parts = [
        _plural(facts["to_mark"], "observation to second-mark", "observations to second-mark"),
        _plural(facts["to_agree"], "judgement to agree", "judgements to agree"),
        _plural(facts["appeals"], "appeal to review", "appeals to review"),
    ]
    return ", ".join(p for p in parts if not p.startswith("0 "))


def item_of(r: Reminder) -> Item:
    """The words and the link on a home page (names are shown here, behind sign-in, never in emails)."""
    f = r.context
    mentor = r.audience is Audience.MENTOR
    if r.kind in (rule.SENCO_6_MONTHS, rule.SENCO_3_MONTHS, rule.SENCO_OVERDUE):
        whose = f"{f['trainee']}’s" if mentor else "Your"
        tense = "had to be held by" if r.kind == rule.SENCO_OVERDUE else "must be held by"
        text = f"{whose} SENCO qualification {tense} {_day(f['deadline'])}"
        tag = ("Overdue", "red") if r.kind == rule.SENCO_OVERDUE else ("Due soon", "yellow")
        if mentor:
            return Item(text, "assessments.trainee", {"enrolment_id": f["enrolment_id"]}, *tag)
        return Item(text, "assessments.my_training", {"_anchor": f"enrolment-{f['enrolment_id']}"}, *tag)
    if r.kind == rule.CASE_STUDY_OPEN:
        text = f"Your case-study assessment window opened on {_day(f['opens'])}"
        if "closes" in f:
            text += f": submit by {_day(f['closes'])}"
        return Item(text, "assessments.my_case_study", {"enrolment_id": f["enrolment_id"]})
    if r.kind == rule.CASE_STUDY_DEADLINE:
        text = f"Submit your case study by {_day(f['closes'])}, then record the date you submitted it"
        return Item(text, "assessments.my_case_study", {"enrolment_id": f["enrolment_id"]}, "Due soon", "yellow")
    if r.kind == rule.REQUEST_UNANSWERED:
        text = f"Answer {f['trainee']}’s request to observe {f['scenario']}, asked on {_day(f['asked_on'])}"
        values = {"request_id": f["request_id"]}
        return Item(text, "assessments.observation_request", values, "Needs an answer", "yellow")
    return Item(f"Moderation waiting: {backlog_words(f)}", "assessments.moderation", {"_anchor": "cohorts"})


# ---- sending ---------------------------------------------------------------------------------


def message_context(r: Reminder) -> dict[str, Any]:
    """What an email's text reads: dates in words and the link to act; no names (the link shows them)."""
    f = r.context
    mentor = r.audience is Audience.MENTOR
    context: dict[str, Any] = {"mentor": mentor, "whose": "Your trainee’s" if mentor else "Your"}
    for name in ("deadline", "opens", "closes", "asked_on"):
        if name in f:
            context[name] = _day(f[name])
    item = item_of(r)
    # An email's link goes to the page itself (an anchor is for the page's own list).
    context["link"] = link_to(item.endpoint, **{k: v for k, v in item.values.items() if not k.startswith("_")})
    if r.kind == rule.MODERATION_BACKLOG:
        context["waiting"] = backlog_words(f)
    return context


@dataclass(frozen=True)
class Outcome:
    """One reminder as the run treated it: written to ``to_address`` with ``subject``, or not
    (None: already told, turned off by the person, or the person is inactive or erased)."""

    reminder: Reminder
    to_address: str | None = None
    subject: str | None = None

    @property
    def written(self) -> bool:
        return self.to_address is not None


def send(today: date, dry_run: bool = False) -> list[Outcome]:
    """Write every reminder due on ``today`` and commit; a dry run writes the same in a transaction
    it then rolls back, so what it reports is exactly what would go, and nothing is kept."""
    found = due(today)
    people = _people({r.recipient_id for r in found})
    outcomes = []
    try:
        for r in found:
            person = people.get(r.recipient_id)
            message = notify(person, r.kind, about=r.about, **message_context(r)) if person is not None else None
            outcomes.append(Outcome(r, message.to_address, message.subject) if message is not None else Outcome(r))
    finally:
        if dry_run:
            db.session.rollback()
    if not dry_run:
        db.session.commit()
    return outcomes


def _people(ids: Iterable[int]) -> dict[int, User]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(wanted)))}


def describe(outcomes: list[Outcome], dry_run: bool) -> list[str]:
    """Per kind, how many were written (or would be); in a dry run, each one's address and subject."""
    written = [o for o in outcomes if o.written]
    counts = Counter(o.reminder.kind for o in written)
    verb = "would send" if dry_run else "sent"
    lines = []
    for kind in rule.KINDS:
        lines.append(f"{kind}: {verb} {counts.get(kind, 0):,}")
        if dry_run:
            lines += [f"  {o.to_address}  {o.subject}" for o in written if o.reminder.kind == kind]
    return lines


def run_daily(work: jobs.Work) -> str:
    """The daily job: send the day's reminders, keep the counts as the job's result."""
    day = work.params.get("day")
    today = date.fromisoformat(day) if day else clock.today()
    outcomes = send(today)
    work.progress(len(outcomes), len(outcomes))
    work.output.write_text("\n".join(describe(outcomes, dry_run=False)) + "\n")
    return "reminders.txt"


def init_app(app: Flask) -> None:
    for kind in MESSAGE_KINDS:
        register_kind(app, kind)
    jobs.register_kind(app, JOB_KIND, run_daily)
    jobs.register_daily(app, JOB_KIND)
