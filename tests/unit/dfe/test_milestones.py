"""The DfE's published milestone dates for specialist NPQs, checked against the guidance by hand."""

from __future__ import annotations

from datetime import date

import pytest

from assessments.reasons import RuleInputError
from dfe.milestones import (
    SCHEDULE_DATES,
    DeclarationState,
    DeclarationType,
    MilestoneWindow,
    Schedule,
    schedule_dates,
    windows,
)

STARTED, RETAINED_1, RETAINED_2, COMPLETED = DeclarationType


def test_the_codes_are_spelt_as_the_api_spells_them():
    assert [t.value for t in DeclarationType] == ["started", "retained-1", "retained-2", "completed"]
    assert {s.value for s in Schedule} == {"npq-specialist-autumn", "npq-specialist-spring"}
    assert "awaiting_clawback" in {s.value for s in DeclarationState}


def test_the_2024_autumn_schedule_reads_as_the_guidance_table():
    assert windows("npq-specialist-autumn", 2024) == [
        MilestoneWindow(STARTED, date(2024, 10, 1), date(2024, 11, 25)),
        MilestoneWindow(RETAINED_1, date(2024, 10, 1), date(2025, 5, 26)),
        MilestoneWindow(COMPLETED, date(2024, 10, 1), date(2026, 2, 21)),
    ]
    payment = {m.declaration_type: m.payment_date for m in schedule_dates("npq-specialist-autumn", 2024).milestones}
    assert payment == {STARTED: date(2024, 12, 15), RETAINED_1: date(2025, 6, 25), COMPLETED: date(2026, 3, 26)}


def test_the_2025_spring_schedule_opens_on_1_february_2025():
    found = windows("npq-specialist-spring", 2025)
    assert {w.opens for w in found} == {date(2025, 2, 1)}
    assert [w.closes for w in found] == [date(2025, 5, 30), date(2025, 12, 19), date(2026, 8, 21)]


def test_the_2025_autumn_schedule_has_an_opening_but_no_published_milestone_dates():
    found = windows("npq-specialist-autumn", 2025)
    assert [(w.declaration_type, w.opens, w.closes) for w in found] == [
        (STARTED, date(2025, 8, 1), None),
        (RETAINED_1, date(2025, 8, 1), None),
        (COMPLETED, date(2025, 8, 1), None),
    ]


def test_retention_point_2_is_for_leadership_npqs_only_so_no_specialist_schedule_has_it():
    for table in SCHEDULE_DATES:
        assert RETAINED_2 not in {m.declaration_type for m in table.milestones}


def test_a_cohort_with_no_submit_from_date_is_refused_not_guessed():
    with pytest.raises(RuleInputError) as raised:
        windows("npq-specialist-autumn", 2021)
    assert [p.path for p in raised.value.problems] == ["cohort_year"]
    assert "no date from which declarations could be submitted" in raised.value.problems[0].message


def test_an_unknown_schedule_or_cohort_is_refused_with_the_field_named():
    with pytest.raises(RuleInputError) as raised:
        windows("npq-leadership-autumn", 2024)
    assert [p.path for p in raised.value.problems] == ["schedule_identifier"]
    with pytest.raises(RuleInputError) as raised:
        windows("npq-specialist-spring", 2024)
    problem = raised.value.problems[0]
    assert problem.path == "cohort_year"
    assert "2021, 2022, 2023, 2025" in problem.message


@pytest.mark.parametrize("table", SCHEDULE_DATES, ids=lambda t: f"{t.schedule.value}-{t.cohort_year}")
def test_every_table_is_in_order(table):
    dated = [m for m in table.milestones if m.milestone_date is not None]
    days = [m.milestone_date for m in dated]
    assert days == sorted(days) and len(set(days)) == len(days)
    for m in dated:
        assert m.payment_date is not None and m.payment_date >= m.milestone_date
        if table.submit_from is not None:
            assert table.submit_from <= m.milestone_date
