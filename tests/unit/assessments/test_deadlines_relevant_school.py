"""Only earlier SENCO service at a relevant school counts (reg. 49(4); CFA 2014 s.67(1)): by
examples a person would check and by properties over any history (issue 26, errors 9 and 10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.deadlines import SchoolKind, SencoHistory, ServicePeriod, Status, render_all, track
from assessments.enrolment_rules import RuleError, format_periods, parse_periods, periods_from_json, periods_to_json

TODAY = date(2026, 11, 26)
BECAME = date(2024, 1, 8)
THIRTEEN_MONTHS = (date(2021, 9, 1), date(2022, 9, 30))
NOT_COUNTED = [k for k in SchoolKind if not k.relevant]


@pytest.mark.parametrize("kind", NOT_COUNTED)
def test_thirteen_months_at_a_school_that_is_not_relevant_leaves_the_duty_and_says_why(kind):
    duty = track(SencoHistory(BECAME, earlier_service=(ServicePeriod(*THIRTEEN_MONTHS, kind),)), TODAY)
    assert duty.duty_applies and duty.status is not Status.NOT_REQUIRED
    words = " ".join(render_all(duty.reasons))
    assert "Earlier service from 1 September 2021 to 30 September 2022" in words and "was not counted" in words


@pytest.mark.parametrize("kind", [SchoolKind.MAINSTREAM, SchoolKind.MAINTAINED_NURSERY])
def test_thirteen_months_at_a_relevant_school_lifts_the_duty(kind):
    duty = track(SencoHistory(BECAME, earlier_service=(ServicePeriod(*THIRTEEN_MONTHS, kind),)), TODAY)
    assert duty.status is Status.NOT_REQUIRED


def test_the_reasons_give_the_stricter_readings_deadline_from_the_first_appointment():
    period = ServicePeriod(date(2022, 9, 1), date(2023, 2, 28), SchoolKind.MAINSTREAM)
    duty = track(SencoHistory(BECAME, earlier_service=(period,)), TODAY)
    assert duty.deadline == date(2027, 1, 8)
    assert (
        "The deadline counts from becoming SENCO at this school. A stricter reading counts from the first "
        "appointment as SENCO, on 1 September 2022, which would make it 1 September 2025."
    ) in render_all(duty.reasons)


def test_periods_stored_before_the_kind_was_asked_for_read_as_unknown_and_are_not_counted():
    stored = [{"start": "2021-09-01", "end": "2022-09-30"}]
    periods = periods_from_json(stored)
    assert periods[0].kind is SchoolKind.UNKNOWN
    duty = track(SencoHistory(BECAME, earlier_service=periods), TODAY)
    assert duty.duty_applies
    assert any("the kind of school is not recorded" in r for r in render_all(duty.reasons))


def test_the_kind_is_written_after_the_dates_and_a_wrong_kind_is_named():
    periods = parse_periods("1/9/2015 to 31/8/2016 at mainstream; 1/1/2019 to 31/7/2019, a special school")
    assert [p.kind for p in periods] == [SchoolKind.MAINSTREAM, SchoolKind.SPECIAL]
    assert format_periods(periods) == "1/9/2015 to 31/8/2016 at mainstream; 1/1/2019 to 31/7/2019 at special"
    with pytest.raises(RuleError, match="Period 1: private is not a kind of school: write mainstream"):
        parse_periods("1/9/2015 to 31/8/2016 at private")


days = st.integers(0, 3000)
kinds = st.sampled_from(list(SchoolKind))


@st.composite
def periods(draw: st.DrawFn) -> tuple[ServicePeriod, ...]:
    found = []
    for _ in range(draw(st.integers(0, 4))):
        start = BECAME - timedelta(days=draw(st.integers(2, 4000)))
        end = min(start + timedelta(days=draw(days)), BECAME - timedelta(days=1))
        found.append(ServicePeriod(start, end, draw(kinds)))
    return tuple(found)


@given(periods(), st.sampled_from(NOT_COUNTED), st.integers(0, 3000))
def test_service_at_a_school_that_is_not_relevant_never_changes_the_count_or_lifts_the_duty(history, kind, length):
    start = BECAME - timedelta(days=length + 1)
    extra = ServicePeriod(start, start + timedelta(days=length), kind)
    before = track(SencoHistory(BECAME, earlier_service=history), TODAY)
    after = track(SencoHistory(BECAME, earlier_service=(*history, extra)), TODAY)
    assert after.earlier_service == before.earlier_service
    assert after.duty_applies == before.duty_applies and after.status == before.status


@given(periods())
def test_every_period_not_counted_is_named_in_the_reasons_while_the_duty_applies(history):
    duty = track(SencoHistory(BECAME, earlier_service=history), TODAY)
    if duty.duty_applies and duty.status is not Status.QUALIFIED:
        named = [r for r in duty.reasons if r.code == "earlier_period_not_counted"]
        assert len(named) == sum(1 for p in history if not p.kind.relevant)


@given(periods())
def test_counting_only_relevant_schools_is_the_same_as_leaving_the_others_out(history):
    relevant = tuple(p for p in history if p.kind.relevant)
    assert (
        track(SencoHistory(BECAME, earlier_service=history), TODAY).earlier_service
        == track(SencoHistory(BECAME, earlier_service=relevant), TODAY).earlier_service
    )


@given(periods())
def test_stored_periods_read_back_with_their_kind(history):
    assert periods_from_json(periods_to_json(history)) == history
