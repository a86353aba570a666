"""Which reminders are due on a day, and to whom (the rule behind the daily emails and "What needs you")."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import reminders
from assessments.case_study_rules import CaseStudyDates, CaseStudyResult
from assessments.deadlines import add_months
from assessments.reminders import (
    CASE_STUDY_DEADLINE,
    CASE_STUDY_OPEN,
    MODERATION_BACKLOG,
    REQUEST_UNANSWERED,
    SENCO_3_MONTHS,
    SENCO_6_MONTHS,
    SENCO_OVERDUE,
    Audience,
    Backlog,
    EnrolmentFacts,
    OpenRequest,
    Situation,
    due,
    for_person,
)

TRAINEE, MENTOR, CO_MENTOR, MODERATOR, OTHER_MODERATOR = 1, 2, 3, 4, 5
DEADLINE = date(2027, 9, 30)


def senco(deadline: date = DEADLINE) -> EnrolmentFacts:
    return EnrolmentFacts(10, TRAINEE, (MENTOR, CO_MENTOR), "Ada Trainee", senco_deadline=deadline)


def kinds_on(today: date, *enrolments: EnrolmentFacts, **more: object) -> list[tuple[int, str]]:
    return [(r.recipient_id, r.kind) for r in due(Situation(today, tuple(enrolments), **more))]  # type: ignore[arg-type]


def test_nothing_is_due_for_a_senco_deadline_more_than_six_months_away():
    assert kinds_on(date(2027, 3, 29), senco()) == []


def test_six_months_ahead_the_trainee_and_both_current_mentors_are_reminded():
    assert kinds_on(date(2027, 3, 30), senco()) == [
        (TRAINEE, SENCO_6_MONTHS),
        (MENTOR, SENCO_6_MONTHS),
        (CO_MENTOR, SENCO_6_MONTHS),
    ]


def test_three_months_ahead_the_second_reminder_replaces_the_first():
    assert {k for _, k in kinds_on(date(2027, 6, 30), senco())} == {SENCO_3_MONTHS}
    assert {k for _, k in kinds_on(date(2027, 6, 29), senco())} == {SENCO_6_MONTHS}


def test_the_deadline_day_itself_is_not_overdue_the_day_after_is():
    assert {k for _, k in kinds_on(DEADLINE, senco())} == {SENCO_3_MONTHS}
    assert {k for _, k in kinds_on(DEADLINE + timedelta(days=1), senco())} == {SENCO_OVERDUE}


def test_months_are_counted_on_the_calendar_so_31_august_is_six_months_after_the_end_of_february():
    assert reminders.senco_kind(date(2027, 8, 31), date(2027, 2, 27)) is None
    assert reminders.senco_kind(date(2027, 8, 31), date(2027, 2, 28)) == SENCO_6_MONTHS


def test_no_deadline_known_means_no_senco_reminder():
    assert kinds_on(date(2030, 1, 1), EnrolmentFacts(10, TRAINEE, (MENTOR,))) == []


def test_a_passed_case_study_completes_the_qualification_so_no_senco_reminder_follows():
    passed = CaseStudyDates(submitted_on=date(2027, 2, 1), result=CaseStudyResult.PASSED, result_on=date(2027, 3, 1))
    facts = EnrolmentFacts(10, TRAINEE, (MENTOR,), senco_deadline=DEADLINE, case_study=passed)
    assert kinds_on(DEADLINE + timedelta(days=1), facts) == []


def test_each_senco_reminder_names_the_deadline_so_a_corrected_date_is_told_again():
    first = due(Situation(date(2027, 4, 1), (senco(),)))[0]
    corrected = due(Situation(date(2027, 4, 1), (senco(date(2027, 10, 1)),)))[0]
    assert first.about == "senco:10:6_months:2027-09-30"
    assert corrected.about != first.about
    assert first.context["deadline"] == DEADLINE


def window(opens: date, closes: date | None, **more: object) -> EnrolmentFacts:
    return EnrolmentFacts(10, TRAINEE, (MENTOR,), case_study=CaseStudyDates(opens, closes, **more))  # type: ignore[arg-type]


def test_a_case_study_window_is_announced_to_the_trainee_only_from_the_day_it_opens():
    opens, closes = date(2027, 2, 1), date(2027, 2, 8)
    assert kinds_on(date(2027, 1, 31), window(opens, closes)) == []
    assert kinds_on(opens, window(opens, closes)) == [(TRAINEE, CASE_STUDY_OPEN)]


def test_in_the_windows_last_days_the_deadline_is_close_and_after_it_closes_nothing_is_due():
    opens, closes = date(2027, 2, 1), date(2027, 2, 8)
    assert kinds_on(date(2027, 2, 4), window(opens, closes)) == [(TRAINEE, CASE_STUDY_OPEN)]
    assert kinds_on(date(2027, 2, 5), window(opens, closes)) == [(TRAINEE, CASE_STUDY_DEADLINE)]
    assert kinds_on(closes, window(opens, closes)) == [(TRAINEE, CASE_STUDY_DEADLINE)]
    assert kinds_on(date(2027, 2, 9), window(opens, closes)) == []


def test_a_submitted_or_judged_case_study_needs_no_reminder():
    opens, closes = date(2027, 2, 1), date(2027, 2, 8)
    assert kinds_on(date(2027, 2, 6), window(opens, closes, submitted_on=date(2027, 2, 3))) == []
    withdrawn = window(opens, closes, result=CaseStudyResult.WITHDRAWN, result_on=date(2027, 2, 2))
    assert kinds_on(date(2027, 2, 6), withdrawn) == []


def test_a_window_with_no_closing_date_is_announced_and_never_said_to_be_closing():
    assert kinds_on(date(2027, 5, 1), window(date(2027, 2, 1), None)) == [(TRAINEE, CASE_STUDY_OPEN)]


def request(asked_on: date) -> OpenRequest:
    return OpenRequest(7, 10, MENTOR, asked_on, "Ada Trainee", "Annual review")


def test_a_request_unanswered_for_seven_days_is_chased_with_its_mentor_not_before():
    asked = date(2027, 3, 1)
    assert kinds_on(date(2027, 3, 7), requests=(request(asked),)) == []
    assert kinds_on(date(2027, 3, 8), requests=(request(asked),)) == [(MENTOR, REQUEST_UNANSWERED)]
    assert due(Situation(date(2027, 3, 8), requests=(request(asked),)))[0].about == "request:7:unanswered"


def test_the_moderation_backlog_goes_to_each_moderator_once_a_week_and_only_when_there_is_one():
    moderators = (MODERATOR, OTHER_MODERATOR)
    assert kinds_on(date(2027, 3, 1), moderator_ids=moderators, backlog=Backlog()) == []
    found = due(Situation(date(2027, 3, 3), moderator_ids=moderators, backlog=Backlog(to_mark=2, appeals=1)))
    assert [(r.recipient_id, r.kind, r.about) for r in found] == [
        (MODERATOR, MODERATION_BACKLOG, "moderation-backlog:2027-W09"),
        (OTHER_MODERATOR, MODERATION_BACKLOG, "moderation-backlog:2027-W09"),
    ]
    assert found[0].context["to_mark"] == 2 and found[0].context["appeals"] == 1


def test_the_iso_week_of_the_first_days_of_january_may_belong_to_the_year_before():
    assert reminders.iso_week(date(2027, 1, 1)) == "2026-W53"


def test_a_person_sees_on_each_home_page_only_what_they_are_reminded_of_in_that_role():
    situation = Situation(date(2027, 7, 1), (senco(),), requests=(request(date(2027, 6, 1)),))
    found = due(situation)
    assert [r.kind for r in for_person(found, MENTOR, Audience.MENTOR)] == [SENCO_3_MONTHS, REQUEST_UNANSWERED]
    assert [r.kind for r in for_person(found, TRAINEE, Audience.TRAINEE)] == [SENCO_3_MONTHS]
    assert for_person(found, TRAINEE, Audience.MENTOR) == []


# ---- properties ------------------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2031, 12, 31))


@st.composite
def situations(draw: st.DrawFn) -> Situation:
    enrolments = []
    for i in range(draw(st.integers(0, 4))):
        opens = draw(st.none() | days)
        closes = None if opens is None else draw(st.none() | st.dates(min_value=opens, max_value=date(2032, 1, 1)))
        submitted = draw(st.none() | days)
        mentors = tuple(draw(st.lists(st.integers(100, 105), max_size=3, unique=True)))
        enrolments.append(
            EnrolmentFacts(
                i, 200 + i, mentors, f"T{i}", draw(st.none() | days), CaseStudyDates(opens, closes, submitted)
            )
        )
    asked = draw(st.lists(days, max_size=3))
    requests = tuple(OpenRequest(j, j % 4, 100 + j, day) for j, day in enumerate(asked))
    backlog = Backlog(*draw(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3))))
    return Situation(draw(days), tuple(enrolments), requests, (300, 301), backlog)


def day_by_day(situation: Situation, span: int) -> list[list[reminders.Reminder]]:
    return [
        due(Situation(situation.today + timedelta(days=n), *[getattr(situation, f) for f in FIELDS]))
        for n in range(span)
    ]


FIELDS = ("enrolments", "requests", "moderator_ids", "backlog")


@settings(max_examples=150)
@given(situations(), st.integers(1, 120))
def test_an_about_key_means_the_same_reminder_whichever_day_it_is_computed_on(situation: Situation, span: int):
    """So keeping the first message per (person, kind, about) never keeps a different reminder."""
    seen: dict[tuple[int, str, str], reminders.Reminder] = {}
    for found in day_by_day(situation, span):
        assert len({r.key for r in found}) == len(found)  # each at most once a day
        for r in found:
            assert seen.setdefault(r.key, r) == r


@settings(max_examples=100)
@given(days, st.integers(0, 40))
def test_followed_daily_a_trainee_is_told_six_and_three_months_ahead_and_when_overdue_each_once_on_its_day(
    deadline: date, lead_days: int
):
    start = add_months(deadline, -reminders.SENCO_FIRST_MONTHS) - timedelta(days=lead_days)
    facts = EnrolmentFacts(1, TRAINEE, (MENTOR,), senco_deadline=deadline)
    first_day: dict[str, date] = {}
    day = start
    while day <= deadline + timedelta(days=2):
        for r in due(Situation(day, (facts,))):
            if r.recipient_id == TRAINEE:
                first_day.setdefault(r.about, day)
        day += timedelta(days=1)
    assert sorted(first_day.values()) == [
        add_months(deadline, -6),
        add_months(deadline, -3),
        deadline + timedelta(days=1),
    ]


@given(days, st.integers(1, 60))
def test_a_standing_backlog_is_told_once_in_each_iso_week_it_spans(start: date, span: int):
    situation = Situation(start, moderator_ids=(MODERATOR,), backlog=Backlog(to_mark=1))
    abouts = {r.about for found in day_by_day(situation, span) for r in found}
    weeks = {reminders.iso_week(start + timedelta(days=n)) for n in range(span)}
    assert abouts == {f"moderation-backlog:{w}" for w in weeks}
