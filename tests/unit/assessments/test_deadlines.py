"""The SENCO qualification duty (SEND Regulations 2014 reg. 49 as amended by SI 2024/535):
named edge cases, then properties over many histories."""

from __future__ import annotations

import pickle
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.deadlines import (
    Course,
    DeadlineInputError,
    Qualification,
    SchoolKind,
    SencoHistory,
    Service,
    ServicePeriod,
    Status,
    add_months,
    earlier_service,
    render_all,
    third_anniversary,
    track,
)

TODAY = date(2026, 11, 26)


def mainstream(start: date, end: date) -> ServicePeriod:
    """Earlier service at a relevant school (a mainstream school in England), which counts."""
    return ServicePeriod(start, end, SchoolKind.MAINSTREAM)


def codes(duty):  # type: ignore[no-untyped-def]
    return [r.code for r in duty.reasons]


# The deadline and the 29 February rule ---------------------------------------------------------


def test_the_deadline_is_the_third_anniversary_of_becoming_senco() -> None:
    duty = track(SencoHistory(became_senco=date(2025, 1, 6)), TODAY)
    assert duty.deadline == date(2028, 1, 6)
    assert duty.duty_applies
    assert duty.status is Status.ON_TRACK
    assert "The qualification must be held by 6 January 2028." in render_all(duty.reasons)


def test_an_appointment_on_29_february_is_due_on_28_february_three_years_later() -> None:
    # Assumption stated in the module: the earlier of 28 February and 1 March.
    assert third_anniversary(date(2024, 2, 29)) == date(2027, 2, 28)
    on_the_day = track(SencoHistory(became_senco=date(2024, 2, 29)), date(2027, 2, 28))
    day_after = track(SencoHistory(became_senco=date(2024, 2, 29)), date(2027, 3, 1))
    assert on_the_day.status is Status.DUE_SOON
    assert day_after.status is Status.OVERDUE
    assert "The qualification had to be held by 28 February 2027." in render_all(day_after.reasons)


def test_28_february_stays_28_february_and_29_february_returns_in_a_leap_year() -> None:
    assert third_anniversary(date(2025, 2, 28)) == date(2028, 2, 28)
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)


def test_the_day_after_the_deadline_is_overdue_and_the_deadline_itself_is_not() -> None:
    history = SencoHistory(became_senco=date(2023, 9, 4))
    assert track(history, date(2026, 9, 4)).status is Status.DUE_SOON
    assert track(history, date(2026, 9, 5)).status is Status.OVERDUE


def test_due_within_six_months_starts_six_calendar_months_before_the_deadline() -> None:
    history = SencoHistory(became_senco=date(2024, 9, 2))  # deadline 2 September 2027
    assert track(history, date(2027, 3, 1)).status is Status.ON_TRACK
    duty = track(history, date(2027, 3, 2))
    assert duty.status is Status.DUE_SOON and duty.due_soon_from == date(2027, 3, 2)
    assert "within 6 months" in render_all(duty.reasons)[0]


def test_due_within_six_months_from_a_31_august_deadline_starts_at_the_end_of_february() -> None:
    duty = track(SencoHistory(became_senco=date(2024, 8, 31)), date(2027, 2, 28))
    assert duty.deadline == date(2027, 8, 31)
    assert duty.due_soon_from == date(2027, 2, 28)
    assert duty.status is Status.DUE_SOON


# Who the duty applies to ----------------------------------------------------------------------


def test_an_appointment_before_1_september_2009_carries_no_duty() -> None:
    duty = track(SencoHistory(became_senco=date(2008, 1, 7)), TODAY)
    assert duty.status is Status.NOT_REQUIRED and not duty.duty_applies
    assert render_all(duty.reasons) == (
        "Became SENCO on 7 January 2008, not after 1 September 2009: the qualification duty does not apply.",
    )


def test_an_appointment_on_1_september_2009_itself_carries_no_duty_and_the_next_day_does() -> None:
    assert track(SencoHistory(became_senco=date(2009, 9, 1)), TODAY).status is Status.NOT_REQUIRED
    later = track(SencoHistory(became_senco=date(2009, 9, 2)), TODAY)
    assert later.duty_applies and later.status is Status.OVERDUE


def test_exactly_twelve_months_of_earlier_service_elsewhere_leaves_the_duty_in_place() -> None:
    history = SencoHistory(
        became_senco=date(2025, 9, 1), earlier_service=(mainstream(date(2020, 9, 1), date(2021, 8, 31)),)
    )
    duty = track(history, TODAY)
    assert duty.duty_applies and (duty.earlier_service.months, duty.earlier_service.days) == (12, 0)
    assert "Earlier service as SENCO totals 12 months, not more than 12 months, so the duty still applies." in (
        render_all(duty.reasons)
    )


def test_twelve_months_and_a_day_of_earlier_service_lifts_the_duty() -> None:
    history = SencoHistory(
        became_senco=date(2025, 9, 1), earlier_service=(mainstream(date(2020, 9, 1), date(2021, 9, 1)),)
    )
    duty = track(history, TODAY)
    assert duty.status is Status.NOT_REQUIRED
    assert render_all(duty.reasons) == (
        "Has already been a SENCO for 12 months and 1 day in total, more than 12 months: "
        "the qualification duty does not apply.",
    )


def test_a_stated_total_of_twelve_months_keeps_the_duty_and_thirteen_lifts_it() -> None:
    assert track(SencoHistory(became_senco=date(2025, 9, 1), earlier_months=12), TODAY).duty_applies
    assert not track(SencoHistory(became_senco=date(2025, 9, 1), earlier_months=13), TODAY).duty_applies


def test_earlier_service_at_two_schools_adds_up_and_overlaps_count_once() -> None:
    two_halves = (mainstream(date(2018, 1, 1), date(2018, 6, 30)), mainstream(date(2019, 1, 1), date(2019, 7, 1)))
    assert not track(SencoHistory(date(2025, 9, 1), earlier_service=two_halves), TODAY).duty_applies
    overlapping = (
        mainstream(date(2018, 1, 1), date(2018, 9, 30)),
        mainstream(date(2018, 4, 1), date(2018, 12, 31)),
    )
    duty = track(SencoHistory(date(2025, 9, 1), earlier_service=overlapping), TODAY)
    assert duty.duty_applies and (duty.earlier_service.months, duty.earlier_service.days) == (12, 0)


def test_leftover_days_from_separate_stretches_make_a_month_only_at_31_days() -> None:
    # 5 months 15 days + 6 months 16 days = 11 months and 31 days: one more month, exactly 12 in all,
    # so the duty stays (a 30-day month would have made it 12 months and 1 day and lifted it).
    a = mainstream(date(2017, 1, 1), date(2017, 6, 15))
    b = mainstream(date(2019, 1, 1), date(2019, 7, 16))
    duty = track(SencoHistory(date(2025, 9, 1), earlier_service=(a, b)), TODAY)
    assert (duty.earlier_service.months, duty.earlier_service.days) == (12, 0)
    assert duty.duty_applies
    one_day_more = mainstream(date(2019, 1, 1), date(2019, 7, 17))
    assert not track(SencoHistory(date(2025, 9, 1), earlier_service=(a, one_day_more)), TODAY).duty_applies


def test_a_head_teacher_as_senco_still_has_to_qualify() -> None:
    duty = track(SencoHistory(became_senco=date(2025, 1, 6), head_teacher=True), TODAY)
    assert duty.duty_applies and duty.status is Status.ON_TRACK
    assert (
        "Being the head teacher does not lift the qualification duty: a head teacher may be the SENCO "
        "(SEND Regulations 2014, reg. 49(3)), but reg. 49(4) makes no exception for them."
    ) in render_all(duty.reasons)


# Which qualification counts --------------------------------------------------------------------


def test_a_nasenco_begun_before_september_2024_and_completed_in_time_qualifies() -> None:
    duty = track(SencoHistory(date(2023, 1, 9), nasenco=Course(date(2023, 9, 1), date(2025, 7, 1))), TODAY)
    assert duty.status is Status.QUALIFIED and duty.qualification is Qualification.NASENCO
    assert render_all(duty.reasons) == (
        "Holds the National Award for SEN Co-ordination (NASENCO), completed on 1 July 2025.",
    )


def test_a_nasenco_still_in_progress_counts_only_if_finished_before_september_2027() -> None:
    duty = track(SencoHistory(date(2025, 1, 6), nasenco=Course(date(2024, 6, 1))), TODAY)
    assert duty.qualification is Qualification.NASENCO and duty.status is Status.ON_TRACK
    assert "The NASENCO counts only if it is completed before 1 September 2027." in render_all(duty.reasons)


def test_a_nasenco_not_finished_by_1_september_2027_no_longer_counts() -> None:
    history = SencoHistory(date(2025, 1, 6), nasenco=Course(date(2024, 6, 1)))
    duty = track(history, date(2027, 9, 1))
    assert duty.qualification is Qualification.NPQ_SENCO
    assert duty.status is Status.DUE_SOON
    assert (
        "The NASENCO begun on 1 June 2024 was not completed before 1 September 2027, so it does not count: "
        "the NPQ for SENCOs is needed."
    ) in render_all(duty.reasons)


def test_a_nasenco_completed_on_1_september_2027_is_too_late_to_qualify() -> None:
    history = SencoHistory(date(2025, 1, 6), nasenco=Course(date(2024, 6, 1), date(2027, 9, 1)))
    duty = track(history, date(2027, 9, 2))
    assert duty.status is not Status.QUALIFIED and duty.qualification is Qualification.NPQ_SENCO
    assert "nasenco_not_finished_in_time" in codes(duty)


def test_a_nasenco_begun_on_1_september_2024_does_not_count() -> None:
    duty = track(SencoHistory(date(2024, 9, 2), nasenco=Course(date(2024, 9, 1), date(2026, 7, 1))), TODAY)
    assert duty.status is Status.ON_TRACK and duty.qualification is Qualification.NPQ_SENCO
    assert "nasenco_begun_too_late" in codes(duty)


def test_a_completed_npq_begun_from_september_2024_qualifies() -> None:
    duty = track(SencoHistory(date(2024, 9, 2), npq=Course(date(2024, 10, 1), date(2026, 4, 1))), TODAY)
    assert duty.status is Status.QUALIFIED and duty.qualification is Qualification.NPQ_SENCO
    assert render_all(duty.reasons) == ("Holds the NPQ for SENCOs, completed on 1 April 2026.",)


def test_qualifying_after_the_deadline_still_ends_as_qualified() -> None:
    duty = track(SencoHistory(date(2022, 1, 10), npq=Course(date(2024, 10, 1), date(2026, 4, 1))), TODAY)
    assert duty.status is Status.QUALIFIED


def test_with_no_course_the_npq_is_named_as_the_qualification_that_counts() -> None:
    duty = track(SencoHistory(date(2025, 1, 6)), TODAY)
    assert "No qualifying course recorded yet: the NPQ for SENCOs is the one that counts." in render_all(duty.reasons)


# Bad input ------------------------------------------------------------------------------------


def test_dates_in_the_future_are_refused_each_with_its_field() -> None:
    tomorrow = TODAY + timedelta(days=1)
    history = SencoHistory(
        became_senco=tomorrow,
        npq=Course(date(2025, 1, 1), tomorrow),
        earlier_service=(mainstream(tomorrow, tomorrow),),
    )
    with pytest.raises(DeadlineInputError) as caught:
        track(history, TODAY)
    paths = [p.path for p in caught.value.problems]
    assert paths == ["became_senco", "earlier_service[0].start", "earlier_service[0].end", "npq.completed"]
    assert caught.value.problems[0].message == "The date they became SENCO must be today or in the past"


def test_inconsistent_dates_are_refused_with_what_to_do() -> None:
    history = SencoHistory(
        became_senco=date(2020, 1, 1),
        earlier_months=-1,
        earlier_service=(
            mainstream(date(2019, 6, 1), date(2019, 5, 1)),
            mainstream(date(2019, 6, 1), date(2020, 1, 1)),
        ),
        nasenco=Course(date(2021, 1, 1), date(2020, 1, 1)),
    )
    with pytest.raises(DeadlineInputError) as caught:
        track(history, TODAY)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("earlier_months", "Enter earlier service as a whole number of months between 0 and 1,200"),
        ("earlier_service[0].end", "The end of earlier service must be the same as or after its start"),
        ("earlier_service[1].end", "Earlier service must end before the date they became SENCO at this school"),
        ("nasenco.completed", "The completion date must be the same as or after the start date"),
    ]


def test_a_result_is_data_that_pickles_and_writes_as_json() -> None:
    duty = track(SencoHistory(date(2025, 1, 6), head_teacher=True, nasenco=Course(date(2024, 6, 1))), TODAY)
    assert pickle.loads(pickle.dumps(duty)) == duty
    as_dict = duty.to_dict()
    assert as_dict["status"] == "on_track" and as_dict["deadline"] == "2028-01-06"
    assert as_dict["reasons"][0] == {"code": "deadline_ahead", "params": {"deadline": "2028-01-06"}}


# Issue 20: examples a user would notice ---------------------------------------------------------


def test_two_stretches_of_earlier_service_a_day_apart_are_not_joined_into_one() -> None:
    # 6 months, then (1 July not served) 2 July 2020 to 1 January 2021: 6 months. 12 in all, so the
    # duty stays; joining them over the gap would count 1 July and make it 12 months and a day.
    gap = (mainstream(date(2020, 1, 1), date(2020, 6, 30)), mainstream(date(2020, 7, 2), date(2021, 1, 1)))
    duty = track(SencoHistory(date(2025, 9, 1), earlier_service=gap), TODAY)
    assert (duty.earlier_service.months, duty.earlier_service.days) == (12, 0)
    assert duty.status is Status.ON_TRACK


def test_two_stretches_of_earlier_service_sharing_a_day_count_that_day_once() -> None:
    # 1 January to 1 July 2020 and 1 July to 31 December 2020: one year, 1 July counted once.
    overlap = (mainstream(date(2020, 1, 1), date(2020, 7, 1)), mainstream(date(2020, 7, 1), date(2020, 12, 31)))
    duty = track(SencoHistory(date(2025, 9, 1), earlier_service=overlap), TODAY)
    assert (duty.earlier_service.months, duty.earlier_service.days) == (12, 0)
    assert duty.status is Status.ON_TRACK


def test_a_senco_who_is_not_the_head_teacher_is_not_told_about_head_teachers() -> None:
    duty = track(SencoHistory(became_senco=date(2025, 1, 6)), TODAY)
    assert "head_teacher_not_exempt" not in codes(duty)
    assert not any("head teacher" in words for words in render_all(duty.reasons))


def test_a_result_writes_every_field_to_json_under_its_own_name() -> None:
    history = SencoHistory(
        date(2025, 1, 6),
        earlier_service=(mainstream(date(2020, 1, 1), date(2020, 3, 5)),),
        npq=Course(date(2025, 2, 1)),
    )
    assert track(history, TODAY).to_dict() == {
        "status": "on_track",
        "duty_applies": True,
        "deadline": "2028-01-06",
        "due_soon_from": "2027-07-06",
        "qualification": "npq_senco",
        "earlier_service": {"months": 2, "days": 5},
        "reasons": [
            {"code": "deadline_ahead", "params": {"deadline": "2028-01-06"}},
            {"code": "earlier_service_within", "params": {"months": 2, "days": 5, "limit": 12}},
            {"code": "npq_in_progress", "params": {"started": "2025-02-01"}},
            {
                "code": "stricter_deadline",
                "params": {"first": "2020-01-01", "deadline": "2023-01-01", "shown": "2028-01-06"},
            },
        ],
    }


@pytest.mark.parametrize(
    ("end", "words"),
    [
        (date(2020, 1, 31), "1 month"),
        (date(2020, 2, 1), "1 month and 1 day"),
        (date(2020, 2, 2), "1 month and 2 days"),
        (date(2020, 2, 28), "1 month and 28 days"),
        (date(2020, 3, 31), "3 months"),
    ],
)
def test_earlier_service_is_told_in_months_and_days_singular_or_plural(end: date, words: str) -> None:
    history = SencoHistory(date(2025, 1, 6), earlier_service=(mainstream(date(2020, 1, 1), end),))
    assert f"Earlier service as SENCO totals {words}, not more than 12 months, so the duty still applies." in (
        render_all(track(history, TODAY).reasons)
    )


def test_a_stretch_from_mid_april_counts_its_whole_month_then_the_days_left() -> None:
    # 15 April to 9 June 2020: 15 April to 14 May is one month, then 15 May to 9 June is 26 days.
    history = SencoHistory(date(2025, 1, 6), earlier_service=(mainstream(date(2020, 4, 15), date(2020, 6, 9)),))
    assert (
        "Earlier service as SENCO totals 1 month and 26 days, not more than 12 months, so the duty still applies."
        in render_all(track(history, TODAY).reasons)
    )


def test_two_stretches_back_to_back_are_counted_as_one() -> None:
    # 1 to 30 January and 31 January to 27 February 2021: 1 January to 27 February, 1 month and 27 days
    # (apart, they would be 30 days and 1 month).
    periods = (mainstream(date(2021, 1, 1), date(2021, 1, 30)), mainstream(date(2021, 1, 31), date(2021, 2, 27)))
    assert earlier_service(periods) == Service(1, 27)
    assert earlier_service(()) == Service(0, 0)


def test_a_stated_1200_months_is_the_most_allowed() -> None:
    assert track(SencoHistory(date(2025, 9, 1), earlier_months=1_200), TODAY).status is Status.NOT_REQUIRED
    with pytest.raises(DeadlineInputError) as caught:
        track(SencoHistory(date(2025, 9, 1), earlier_months=1_201), TODAY)
    assert [p.path for p in caught.value.problems] == ["earlier_months"]


def test_future_course_and_service_dates_are_refused_saying_which_date() -> None:
    tomorrow = TODAY + timedelta(days=1)
    history = SencoHistory(
        became_senco=date(2025, 1, 6),
        earlier_service=(mainstream(tomorrow, date(2025, 1, 1)),),
        nasenco=Course(tomorrow, tomorrow),
    )
    with pytest.raises(DeadlineInputError) as caught:
        track(history, TODAY)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("earlier_service[0].start", "The start of earlier service must be today or in the past"),
        ("earlier_service[0].end", "The end of earlier service must be the same as or after its start"),
        ("nasenco.started", "The course start date must be today or in the past"),
        ("nasenco.completed", "The completion date must be today or in the past"),
    ]


def test_an_npq_begun_before_september_2024_is_named_as_not_counting() -> None:
    duty = track(SencoHistory(date(2024, 8, 5), npq=Course(date(2024, 3, 1), date(2025, 6, 1))), TODAY)
    assert duty.status is Status.ON_TRACK
    assert "Only an NPQ for SENCOs begun on or after 1 September 2024 counts." in render_all(duty.reasons)
    assert {"code": "npq_begun_too_early", "params": {"started": "2024-03-01", "npq_from": "2024-09-01"}} in (
        duty.to_dict()["reasons"]
    )


def test_an_npq_begun_on_1_september_2024_is_in_progress_not_too_early() -> None:
    duty = track(SencoHistory(date(2024, 8, 5), npq=Course(date(2024, 9, 1))), TODAY)
    assert codes(duty) == ["deadline_ahead", "npq_in_progress"]


@pytest.mark.parametrize(
    ("course", "today", "reason"),
    [
        (
            Course(date(2024, 9, 1)),
            TODAY,
            {"code": "nasenco_begun_too_late", "params": {"started": "2024-09-01", "npq_from": "2024-09-01"}},
        ),
        (
            Course(date(2024, 6, 1)),
            TODAY,
            {"code": "nasenco_must_finish", "params": {"started": "2024-06-01", "before": "2027-09-01"}},
        ),
        (
            Course(date(2024, 6, 1), date(2027, 9, 1)),
            date(2027, 9, 2),
            {
                "code": "nasenco_not_finished_in_time",
                "params": {"started": "2024-06-01", "completed": "2027-09-01", "before": "2027-09-01"},
            },
        ),
    ],
)
def test_what_is_said_about_a_nasenco_carries_its_dates_in_json(course: Course, today: date, reason: dict) -> None:  # type: ignore[type-arg]
    duty = track(SencoHistory(date(2025, 1, 6), nasenco=course), today)
    assert reason in duty.to_dict()["reasons"]


def test_a_stretch_shorter_than_a_month_from_mid_april_is_counted_in_days() -> None:
    # 15 April to 9 May 2020: 25 days (not a month less 5 days, which pooled would be 26).
    periods = (mainstream(date(2020, 4, 15), date(2020, 5, 9)),)
    assert earlier_service(periods) == Service(0, 25)


def test_with_no_earlier_service_nothing_is_said_about_it() -> None:
    duty = track(SencoHistory(date(2025, 1, 6)), TODAY)
    assert codes(duty) == ["deadline_ahead", "no_course"]


def test_a_head_teacher_is_told_first_then_about_earlier_service() -> None:
    history = SencoHistory(
        date(2025, 1, 6), earlier_service=(mainstream(date(2020, 1, 1), date(2020, 3, 5)),), head_teacher=True
    )
    assert codes(track(history, TODAY)) == [
        "deadline_ahead",
        "head_teacher_not_exempt",
        "earlier_service_within",
        "no_course",
        "stricter_deadline",
    ]


def test_with_no_course_the_json_names_the_npq_and_when_it_counts_from() -> None:
    duty = track(SencoHistory(date(2025, 1, 6)), TODAY)
    assert duty.to_dict()["reasons"][-1] == {
        "code": "no_course",
        "params": {"qualification": "npq_senco", "npq_from": "2024-09-01"},
    }


# Properties -----------------------------------------------------------------------------------

days = st.dates(min_value=date(2005, 1, 1), max_value=date(2032, 12, 31))
RANK = {Status.ON_TRACK: 0, Status.DUE_SOON: 1, Status.OVERDUE: 2}


@st.composite
def histories(draw: st.DrawFn) -> tuple[SencoHistory, date]:
    became = draw(days)
    today = draw(st.dates(min_value=became, max_value=date(2035, 12, 31)))
    periods = []
    for _ in range(draw(st.integers(0, 3))):
        end = draw(st.dates(min_value=date(2000, 1, 1), max_value=became - timedelta(days=1)))
        start = draw(st.dates(min_value=date(1995, 1, 1), max_value=end))
        periods.append(mainstream(start, end))

    def course() -> Course | None:
        if not draw(st.booleans()):
            return None
        started = draw(st.dates(min_value=min(date(2015, 1, 1), today), max_value=today))
        completed = draw(st.none() | st.dates(min_value=started, max_value=today))
        return Course(started, completed)

    return SencoHistory(
        became, tuple(periods), draw(st.integers(0, 30)), draw(st.booleans()), course(), course()
    ), today


@given(histories())
def test_the_deadline_is_always_the_third_anniversary(case: tuple[SencoHistory, date]) -> None:
    history, today = case
    deadline = track(history, today).deadline
    became = history.became_senco
    assert deadline.year == became.year + 3 and deadline.month == became.month
    assert deadline.day == became.day or (became.day, deadline.day) == (29, 28)


@given(histories(), st.integers(1, 40), st.integers(0, 900))
def test_more_earlier_service_never_brings_the_duty_back(
    case: tuple[SencoHistory, date], more_months: int, extra_days: int
) -> None:
    history, today = case
    end = history.became_senco - timedelta(days=1)
    extra = mainstream(end - timedelta(days=extra_days), end)
    more = SencoHistory(
        history.became_senco,
        (*history.earlier_service, extra),
        history.earlier_months + more_months,
        history.head_teacher,
        history.nasenco,
        history.npq,
    )
    if not track(history, today).duty_applies:
        assert not track(more, today).duty_applies


@given(histories(), st.data())
def test_a_qualified_person_is_never_overdue(case: tuple[SencoHistory, date], data: st.DataObject) -> None:
    history, today = case
    if today < date(2024, 9, 2):
        return  # no NPQ for SENCOs could have been begun and completed yet
    started = data.draw(st.dates(min_value=date(2024, 9, 1), max_value=today - timedelta(days=1)))
    completed = data.draw(st.dates(min_value=started, max_value=today))
    qualified = SencoHistory(
        history.became_senco,
        history.earlier_service,
        history.earlier_months,
        history.head_teacher,
        history.nasenco,
        Course(started, completed),
    )
    later = data.draw(st.dates(min_value=today, max_value=date(2040, 1, 1)))
    assert track(qualified, today).status is Status.QUALIFIED
    assert track(qualified, later).status is Status.QUALIFIED


@given(histories())
def test_overdue_means_the_duty_applies_and_the_deadline_has_passed(case: tuple[SencoHistory, date]) -> None:
    duty = track(*case)
    if duty.status is Status.OVERDUE:
        assert duty.duty_applies and case[1] > duty.deadline


@given(histories(), st.integers(0, 2000))
def test_status_only_moves_forward_as_days_pass(case: tuple[SencoHistory, date], later_by: int) -> None:
    history, today = case
    now, later = track(history, today), track(history, today + timedelta(days=later_by))
    if now.status in RANK:
        assert later.status in RANK and RANK[later.status] >= RANK[now.status]
    else:
        assert later.status is now.status


@given(histories())
def test_every_reason_has_words(case: tuple[SencoHistory, date]) -> None:
    duty = track(*case)
    assert duty.reasons
    for reason, words in zip(duty.reasons, render_all(duty.reasons), strict=True):
        assert reason.code not in words and words.endswith(".")
