"""Reminders on a schedule: each written once on its day, never again on a second run, never when
not due; the dry run writes nothing; "What needs you" on each home page lists the same items."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, update

from assessments import reminders as rule
from assessments.case_study_rules import CaseStudyDates
from assessments.deadlines import add_months, third_anniversary
from assessments.models import Enrolment, ObservationRequest
from assessments.services import EnrolmentInput, case_study, enrol, moderation, requests
from assessments.services import reminders as service
from core import jobs
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Message

from .conftest import TODAY
from .test_moderation import MODERATOR, _evidence, _submit

BECAME_SENCO = TODAY - timedelta(days=400)  # the enrolment fixture's
DEADLINE = third_anniversary(BECAME_SENCO)


def _send(app, day: date, dry_run: bool = False) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Run the day's reminders; (address, kind) of each message written by this run."""
    with app.app_context():
        outcomes = service.send(day, dry_run=dry_run)
        return sorted((o.to_address, o.reminder.kind) for o in outcomes if o.to_address is not None)


def _messages(app) -> list[Message]:  # type: ignore[no-untyped-def]
    with app.app_context():
        found = list(db.session.scalars(select(Message).order_by(Message.id)))
        db.session.expunge_all()
        return found


@pytest.mark.parametrize(
    ("months", "kind"), [(6, rule.SENCO_6_MONTHS), (3, rule.SENCO_3_MONTHS), (0, rule.SENCO_OVERDUE)]
)
def test_a_senco_deadline_reminder_goes_to_the_trainee_and_their_mentor_once_on_its_day(
    app, enrolment_id, months, kind
):  # type: ignore[no-untyped-def]
    day = add_months(DEADLINE, -months) if months else DEADLINE + timedelta(days=1)
    assert kind not in {k for _, k in _send(app, day - timedelta(days=1))}  # not the day before
    assert _send(app, day) == [("mentor@example.org", kind), ("trainee@example.org", kind)]
    assert _send(app, day) == []  # a second run the same day
    assert _send(app, day + timedelta(days=1)) == []  # and the next day, while it still holds
    assert len([m for m in _messages(app) if m.kind == kind]) == 2


def test_nothing_is_written_while_the_senco_deadline_is_more_than_six_months_away(app, enrolment_id):  # type: ignore[no-untyped-def]
    assert _send(app, add_months(DEADLINE, -6) - timedelta(days=1)) == []
    assert _messages(app) == []


def test_a_senco_email_says_what_and_by_when_with_a_link_that_needs_signing_in_and_no_names(app, enrolment_id):  # type: ignore[no-untyped-def]
    _send(app, add_months(DEADLINE, -3))
    by_address = {m.to_address: m for m in _messages(app)}
    trainee, mentor = by_address["trainee@example.org"], by_address["mentor@example.org"]
    words = f"{DEADLINE.day} {DEADLINE:%B %Y}"
    assert trainee.subject == "Your SENCO qualification deadline is within 3 months"
    assert f"You must hold the SENCO qualification by {words}" in trainee.body
    assert "http://127.0.0.1:5000/assessments/my-training" in trainee.body
    assert mentor.subject == "Your trainee’s SENCO qualification deadline is within 3 months"
    assert f"/assessments/trainees/{enrolment_id}" in mentor.body
    assert "Tia Trainee" not in mentor.subject + mentor.body  # the link shows who, after signing in
    for message in (trainee, mentor):
        assert "You are getting this email because" in message.body and "turn reminders off" in message.body


def test_a_removed_mentor_is_not_reminded_of_their_former_trainee(app, enrolment_id, people):  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.get(Enrolment, enrolment_id).mentors = []
        db.session.commit()
    assert _send(app, add_months(DEADLINE, -6)) == [("trainee@example.org", rule.SENCO_6_MONTHS)]


def test_the_case_study_window_is_announced_when_it_opens_and_its_deadline_near_the_end(app, enrolment_id, people):  # type: ignore[no-untyped-def]
    opens, closes = TODAY + timedelta(days=10), TODAY + timedelta(days=17)
    with app.app_context():
        case_study.record(enrolment_id, CaseStudyDates(opens, closes), people["mentor"], TODAY)
    assert _send(app, opens - timedelta(days=1)) == []
    assert _send(app, opens) == [("trainee@example.org", rule.CASE_STUDY_OPEN)]
    assert _send(app, opens + timedelta(days=1)) == []
    assert _send(app, closes - timedelta(days=3)) == [("trainee@example.org", rule.CASE_STUDY_DEADLINE)]
    assert _send(app, closes) == []
    deadline = next(m for m in _messages(app) if m.kind == rule.CASE_STUDY_DEADLINE)
    assert deadline.subject == f"Your case study must be submitted by {closes.day} {closes:%B %Y}"


def test_an_unanswered_request_is_chased_with_the_mentor_after_seven_days_once(app, enrolment_id, people):  # type: ignore[no-untyped-def]
    with app.app_context():
        asked = requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review")
        asked_on = asked.created_at.date()
    assert _send(app, asked_on + timedelta(days=6)) == []
    assert _send(app, asked_on + timedelta(days=7)) == [("mentor@example.org", rule.REQUEST_UNANSWERED)]
    assert _send(app, asked_on + timedelta(days=8)) == []


def test_an_answered_request_is_not_chased(app, enrolment_id, people):  # type: ignore[no-untyped-def]
    with app.app_context():
        asked = requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review")
        requests.decline(asked.id, people["mentor"], "I am away that term")
        asked_on = asked.created_at.date()
    assert _send(app, asked_on + timedelta(days=7)) == []


def test_the_moderation_backlog_goes_to_each_moderator_weekly_and_not_when_empty(
    app, cohort_id, enrolment_id, people, make_person
):  # type: ignore[no-untyped-def]
    moderator = make_person(MODERATOR, Role.MODERATOR)
    make_person("second.moderator@example.org", Role.MODERATOR)
    monday = TODAY + timedelta(days=7 - TODAY.weekday())
    assert _send(app, monday) == []  # nothing waits
    observation = _submit(app, enrolment_id, people["mentor"], _evidence((3,) * 6), "obs-backlog")
    with app.app_context():
        moderation.draw_chosen(cohort_id, moderator, [observation])
    both = [(MODERATOR, rule.MODERATION_BACKLOG), ("second.moderator@example.org", rule.MODERATION_BACKLOG)]
    assert _send(app, monday) == both
    assert _send(app, monday + timedelta(days=3)) == []  # the same week
    assert _send(app, monday + timedelta(days=7)) == both  # the next week, still waiting
    backlog = [m for m in _messages(app) if m.kind == rule.MODERATION_BACKLOG]
    assert "1 observation to second-mark" in backlog[0].body


def test_a_dry_run_writes_nothing_and_prints_each_recipient_and_subject(app, runner, enrolment_id):  # type: ignore[no-untyped-def]
    day = add_months(DEADLINE, -6).isoformat()
    dry = runner.invoke(args=["reminders", "send", "--dry-run", "--on", day])
    assert dry.exit_code == 0, dry.output
    assert "(dry run: nothing was written)" in dry.output
    assert "reminder_senco_6_months: would send 2" in dry.output
    assert "  trainee@example.org  Your SENCO qualification deadline is within 6 months" in dry.output
    assert "  mentor@example.org  Your trainee’s SENCO qualification deadline is within 6 months" in dry.output
    assert _messages(app) == []
    sent = runner.invoke(args=["reminders", "send", "--on", day])
    assert "reminder_senco_6_months: sent 2" in sent.output and "reminder_request_unanswered: sent 0" in sent.output
    assert "trainee@example.org" not in sent.output
    assert len(_messages(app)) == 2
    again = runner.invoke(args=["reminders", "send", "--on", day])
    assert "reminder_senco_6_months: sent 0" in again.output
    assert len(_messages(app)) == 2


def test_the_daily_job_sends_the_days_reminders_once_however_often_it_is_started(app, enrolment_id):  # type: ignore[no-untyped-def]
    day = add_months(DEADLINE, -6)
    with app.app_context():
        started = jobs.start_daily(datetime.combine(day, datetime.min.time(), tzinfo=UTC))
        assert len(started) == len(app.extensions["daily_jobs"])
        assert jobs.start_daily(datetime.combine(day, datetime.min.time(), tzinfo=UTC)) == []
        job = db.session.scalar(select(jobs.Job).where(jobs.Job.kind == service.JOB_KIND))
        assert jobs.execute(job.id) is jobs.JobStatus.DONE
        assert db.session.scalar(select(func.count()).select_from(Message)) == 2


# ---- "What needs you" ------------------------------------------------------------------------


def _due_today(app, enrolment_id: int, mentor_id: int, trainee_id: int) -> None:  # type: ignore[no-untyped-def]
    """The trainee's SENCO deadline in two months, and a request unanswered for eight days."""
    with app.app_context():
        db.session.execute(
            update(Enrolment)
            .where(Enrolment.id == enrolment_id)
            .values(became_senco=add_months(TODAY, -36) + timedelta(days=60))
        )
        db.session.commit()
        asked = requests.ask(enrolment_id, trainee_id, mentor_id, "annual-review")
        db.session.execute(
            update(ObservationRequest)
            .where(ObservationRequest.id == asked.id)
            .values(created_at=datetime.now(UTC) - timedelta(days=8))
        )
        db.session.commit()


def test_the_trainees_and_the_mentors_home_pages_list_what_needs_them_today(app, client, auth, enrolment_id, people):  # type: ignore[no-untyped-def]
    _due_today(app, enrolment_id, people["mentor"], people["trainee"])
    deadline = third_anniversary(add_months(TODAY, -36) + timedelta(days=60))
    words = f"{deadline.day} {deadline:%B %Y}"
    auth.sign_in("trainee@example.org")
    page = client.get("/assessments/my-training").get_data(as_text=True)
    assert "What needs you" in page and f"Your SENCO qualification must be held by {words}" in page
    assert "Due soon" in page and "Answer" not in page
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    page = client.get("/assessments/observations").get_data(as_text=True)
    assert f"Tia Trainee’s SENCO qualification must be held by {words}" in page
    assert "Answer Tia Trainee’s request to observe" in page
    assert f'href="/assessments/trainees/{enrolment_id}"' in page
    with app.app_context():  # the same items the daily job writes today
        kinds = sorted(o.reminder.kind for o in service.send(TODAY, dry_run=True) if o.to_address)
    assert kinds == sorted([rule.SENCO_3_MONTHS, rule.SENCO_3_MONTHS, rule.REQUEST_UNANSWERED])


def test_a_home_page_with_nothing_due_says_so(app, client, auth, enrolment_id, make_person):  # type: ignore[no-untyped-def]
    make_person(MODERATOR, Role.MODERATOR)
    for email, path in (
        ("trainee@example.org", "/assessments/my-training"),
        ("mentor@example.org", "/assessments/observations"),
        (MODERATOR, "/assessments/moderation"),
    ):
        auth.sign_in(email)
        assert "Nothing needs you today." in client.get(path).get_data(as_text=True)
        auth.sign_out()


def test_the_moderators_home_page_lists_the_backlog_with_a_link_to_the_cohorts(
    app, client, auth, cohort_id, enrolment_id, people, make_person
):  # type: ignore[no-untyped-def]
    moderator = make_person(MODERATOR, Role.MODERATOR)
    observation = _submit(app, enrolment_id, people["mentor"], _evidence((3,) * 6), "obs-page")
    with app.app_context():
        moderation.draw_chosen(cohort_id, moderator, [observation])
    auth.sign_in(MODERATOR)
    page = client.get("/assessments/moderation").get_data(as_text=True)
    assert "Moderation waiting: 1 observation to second-mark" in page
    assert 'href="/assessments/moderation#cohorts"' in page


def _statements_to_load(app, day: date) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def counted(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            found = service.situation(day)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
    assert found.enrolments and found.requests
    return len(statements)


def test_the_daily_run_loads_the_day_in_as_many_queries_for_twelve_trainees_as_for_two(app, cohort_id, people):  # type: ignore[no-untyped-def]
    """No query a trainee: the enrolments, their people, case studies and requests come in one query each."""
    counts = []
    for size in (2, 12):
        with app.app_context():
            for i in range(len(counts) * 2, len(counts) * 2 + size):
                trainee = User(name=f"Trainee {i}", email=f"t{i}@size.example", password_hash="!unusable")
                trainee.set_roles({Role.TRAINEE})
                db.session.add(trainee)
                db.session.commit()
                given = EnrolmentInput(trainee.id, (people["mentor"],), "School", BECAME_SENCO)
                enrolment = enrol(cohort_id, given, TODAY)
                requests.ask(enrolment.id, trainee.id, people["mentor"], "annual-review")
        counts.append(_statements_to_load(app, add_months(DEADLINE, -6)))
    assert counts[0] == counts[1]


def test_a_mentor_with_a_fresh_request_is_not_told_nothing_needs_them(app, client, auth, enrolment_id, people):  # type: ignore[no-untyped-def]
    with app.app_context():
        requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review")
    auth.sign_in("mentor@example.org")
    page = client.get("/assessments/observations").get_data(as_text=True)
    assert "Needs an answer" in page and "Nothing needs you today." not in page
    assert "Nothing is overdue. Answer the requests to observe below." in page
