"""How enrolment dates and earlier SENCO service are written and checked (the form, the CSV
import and ``flask enrol`` share these rules)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.deadlines import Course, SchoolKind, SencoHistory, ServicePeriod, Status, render_all, track
from assessments.enrolment_rules import (
    PERIODS_MAX,
    RuleError,
    format_periods,
    parse_day,
    parse_periods,
    parse_yes_no,
    period_problems,
    periods_from_json,
    periods_to_json,
)

TODAY = date(2026, 11, 26)


def test_dates_are_read_day_first_or_as_iso_dates() -> None:
    assert parse_day("1/9/2025") == parse_day("01/09/2025") == parse_day("2025-09-01") == date(2025, 9, 1)
    assert parse_day(" 29/02/2024 ") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "text", ["31/02/2025", "29/02/2025", "2025/13/01", "1/9/25", "next Tuesday", "", "=1+1", "1/9/0001"]
)
def test_what_is_not_a_date_is_refused_naming_the_text(text: str) -> None:
    with pytest.raises(RuleError) as refused:
        parse_day(text)
    assert "not a date" in refused.value.message or "too long ago" in refused.value.message


def test_the_message_for_a_bad_date_says_what_to_write() -> None:
    with pytest.raises(RuleError) as refused:
        parse_day("31/02/2025")
    assert refused.value.message == "31/02/2025 is not a date: write it as day/month/year, for example 1/9/2025"


def test_periods_are_separated_by_semicolons_or_lines_and_joined_by_to() -> None:
    expected = (ServicePeriod(date(2015, 9, 1), date(2016, 8, 31)), ServicePeriod(date(2019, 1, 1), date(2019, 7, 31)))
    assert parse_periods("1/9/2015 to 31/8/2016; 1/1/2019 TO 31/7/2019") == expected
    assert parse_periods("1/9/2015 to 31/8/2016\n\n1/1/2019 to 31/7/2019\n") == expected
    assert parse_periods("  ") == ()


def test_a_period_without_to_or_with_a_bad_date_names_its_position() -> None:
    with pytest.raises(RuleError, match="Period 2 .*needs a start and an end joined by ‘to’"):
        parse_periods("1/9/2015 to 31/8/2016; 1/1/2019 - 31/7/2019")
    with pytest.raises(RuleError, match="Period 1: 31/02/2016 is not a date"):
        parse_periods("1/9/2015 to 31/02/2016")
    with pytest.raises(RuleError, match=f"at most {PERIODS_MAX}"):
        parse_periods("; ".join(["1/1/2000 to 2/1/2000"] * (PERIODS_MAX + 1)))


def test_overlapping_periods_and_periods_ending_in_the_future_are_named() -> None:
    periods = (
        ServicePeriod(date(2019, 9, 1), date(2020, 8, 31)),
        ServicePeriod(date(2018, 1, 1), date(2019, 9, 1)),
        ServicePeriod(date(2026, 1, 1), date(2027, 1, 1)),
    )
    assert period_problems(periods, TODAY) == [
        "Period 3 ends in the future: earlier service must have ended",
        "Periods 1 and 2 overlap: enter each stretch of service once",
    ]


def test_periods_that_meet_end_to_start_do_not_overlap() -> None:
    assert (
        period_problems(
            (
                ServicePeriod(date(2018, 1, 1), date(2018, 8, 31), SchoolKind.MAINSTREAM),
                ServicePeriod(date(2018, 9, 1), date(2019, 8, 31), SchoolKind.MAINSTREAM),
            ),
            TODAY,
        )
        == []
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [("yes", True), ("Y", True), ("true", True), ("1", True), ("no", False), ("", False), ("  N ", False)],
)
def test_yes_and_no(text: str, value: bool) -> None:
    assert parse_yes_no(text) is value


def test_anything_else_is_not_yes_or_no() -> None:
    with pytest.raises(RuleError, match="maybe is not yes or no"):
        parse_yes_no("maybe")


days = st.dates(min_value=date(1990, 1, 1), max_value=TODAY)


@st.composite
def separate_periods(draw: st.DrawFn) -> tuple[ServicePeriod, ...]:
    """Periods one after another with a gap of at least a day between them."""
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2000, 1, 1)))
    found = []
    for _ in range(draw(st.integers(0, 6))):
        end = start + timedelta(days=draw(st.integers(0, 900)))
        if end > TODAY:
            break
        found.append(ServicePeriod(start, end))
        start = end + timedelta(days=draw(st.integers(1, 400)))
    return tuple(draw(st.permutations(found)))


@given(separate_periods())
def test_written_periods_read_back_the_same_and_stored_ones_too(periods: tuple[ServicePeriod, ...]) -> None:
    assert parse_periods(format_periods(periods)) == periods
    assert periods_from_json(periods_to_json(periods)) == periods


@given(separate_periods())
def test_separate_periods_never_overlap_and_any_repeated_period_does(periods: tuple[ServicePeriod, ...]) -> None:
    assert not any("overlap" in m for m in period_problems(periods, TODAY))
    if periods:
        assert any("overlap" in m for m in period_problems((*periods, periods[0]), TODAY))


@given(separate_periods())
def test_the_tracker_counts_periods_the_rules_accept_without_refusing_them(periods: tuple[ServicePeriod, ...]) -> None:
    became = max((p.end for p in periods), default=date(2015, 1, 1)) + timedelta(days=1)
    if became > TODAY:
        return
    assert track(SencoHistory(became, earlier_service=periods), TODAY).status in set(Status)


# The edge cases the tracker must get right, through dated earlier service ----------------------


def test_a_year_as_senco_elsewhere_ending_the_day_before_keeps_the_duty_and_a_day_more_lifts_it() -> None:
    year = parse_periods("1/9/2022 to 31/8/2023 at mainstream")
    assert track(SencoHistory(date(2024, 1, 8), earlier_service=year), TODAY).duty_applies
    year_and_a_day = parse_periods("1/9/2022 to 1/9/2023 at mainstream")
    assert track(SencoHistory(date(2024, 1, 8), earlier_service=year_and_a_day), TODAY).status is Status.NOT_REQUIRED


def test_a_nasenco_begun_in_time_but_due_after_september_2027_must_still_finish_by_then() -> None:
    # Became SENCO 1 June 2025: the third anniversary (1 June 2028) is later than the NASENCO's
    # own limit, so the tracker says the course counts only if completed before 1 September 2027.
    duty = track(SencoHistory(date(2025, 6, 1), nasenco=Course(date(2024, 6, 1))), TODAY)
    assert duty.deadline == date(2028, 6, 1)
    assert "The NASENCO counts only if it is completed before 1 September 2027." in render_all(duty.reasons)
