"""When each module falls: consecutive weeks in programme order, sized by hours, inside the programme."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from curriculum.schedule import ModuleHours, programme_end, remaining, slots

START = date(2025, 9, 1)


def _modules(hours: list[int]) -> tuple[ModuleHours, ...]:
    return tuple(ModuleHours(f"m{i}", f"Module {i}", h) for i, h in enumerate(hours))


def test_modules_share_the_weeks_in_proportion_to_their_hours() -> None:
    found = slots(START, 12, _modules([10, 20, 30]))
    assert [(s.first_week, s.last_week) for s in found] == [(1, 2), (3, 6), (7, 12)]
    assert found[0].starts == START and found[0].ends == START + timedelta(days=13)
    assert found[2].ends == programme_end(START, 12)
    assert found[1].weeks == "Weeks 3 to 6"


def test_a_module_in_progress_is_still_to_come_and_a_finished_one_is_not() -> None:
    found = slots(START, 12, _modules([10, 20, 30]))
    assert [s.key for s in remaining(found, START + timedelta(days=20))] == ["m1", "m2"]
    assert remaining(found, programme_end(START, 12) + timedelta(days=1)) == ()


@given(
    st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=60), st.integers(min_value=1, max_value=260)
)
def test_every_module_gets_weeks_in_order_within_the_programme(hours: list[int], weeks: int) -> None:
    found = slots(START, weeks, _modules(hours))
    assert len(found) == len(hours)
    for s in found:
        assert 1 <= s.first_week <= s.last_week <= weeks
        assert s.starts <= s.ends <= programme_end(START, weeks)
    for before, after in zip(found, found[1:]):
        assert before.first_week <= after.first_week
        assert before.last_week <= after.last_week
