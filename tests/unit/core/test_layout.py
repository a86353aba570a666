"""Dates and times as GOV.UK writes them, and navigation by role."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.accounts.roles import Role
from core.layout import Navigation, format_date, format_time


def test_dates_are_written_day_month_year_without_leading_zero():
    assert format_date(date(2025, 3, 3)) == "3 March 2025"


def test_datetimes_are_shown_in_uk_time():
    # 23:30 UTC on 31 May is 00:30 on 1 June in British Summer Time.
    assert format_date(datetime(2025, 5, 31, 23, 30, tzinfo=UTC)) == "1 June 2025"
    assert format_time(datetime(2025, 5, 31, 23, 30, tzinfo=UTC)) == "12:30am"


def test_times_use_am_pm_and_drop_zero_minutes():
    assert format_time(datetime(2025, 1, 10, 15, 45, tzinfo=UTC)) == "3:45pm"
    assert format_time(datetime(2025, 1, 10, 10, 0, tzinfo=UTC)) == "10am"
    assert format_time(datetime(2025, 1, 10, 12, 5, tzinfo=UTC)) == "12:05pm"


def test_navigation_lists_only_items_for_the_roles_held():
    nav = Navigation()
    nav.add("People", "people.index", Role.ADMIN)
    nav.add("Programmes", "curriculum.index", Role.DESIGNER)
    nav.add("Shared", "shared.index", Role.DESIGNER, Role.MENTOR)
    assert [i.text for i in nav.items_for(frozenset({Role.MENTOR}))] == ["Shared"]
    assert [i.text for i in nav.items_for(frozenset({Role.DESIGNER, Role.ADMIN}))] == ["People", "Programmes", "Shared"]


def test_a_person_with_several_roles_lands_on_the_highest_priority_home():
    nav = Navigation()
    nav.set_home(Role.TRAINEE, "trainee.home")
    nav.set_home(Role.MENTOR, "mentor.home")
    assert nav.home_for(frozenset({Role.TRAINEE, Role.MENTOR})) == "mentor.home"
    assert nav.home_for(frozenset({Role.DESIGNER})) is None
