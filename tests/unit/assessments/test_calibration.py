"""How far a mentor's marks for an exemplar are from its agreed marks."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from assessments.calibration import compare, summarise

KEYS = ("a", "b", "c")
levels = st.one_of(st.none(), st.just("n/a"), st.integers(0, 6))
marks = st.fixed_dictionaries(dict.fromkeys(KEYS, levels))


def test_gaps_are_signed_mine_minus_agreed_and_a_missing_level_is_a_difference_without_a_size():
    found = compare(KEYS, {"a": 4, "b": 1, "c": None}, {"a": 3, "b": 3, "c": 2})
    assert [g.gap for g in found] == [1, -2, None]
    assert [g.words for g in found] == [
        "1 level above the agreed mark",
        "2 levels below the agreed mark",
        "Differs: one of you gave no level",
    ]


def test_a_summary_counts_the_same_criteria_and_the_mean_absolute_gap():
    one = compare(KEYS, {"a": 4, "b": 1, "c": 2}, {"a": 3, "b": 3, "c": 2})
    two = compare(KEYS, {"a": 3, "b": 3, "c": None}, {"a": 3, "b": 3, "c": 2})
    found = summarise([one, two])
    assert (found.attempts, found.criteria, found.same) == (2, 6, 3)
    assert found.mean_gap == Fraction(3, 5) and found.same_share == Fraction(1, 2)


def test_nothing_scored_has_no_mean_rather_than_a_division_by_zero():
    assert summarise([]).mean_gap is None and summarise([]).same_share is None


@given(marks)
def test_marks_equal_to_the_agreed_ones_have_no_gap(given_marks: dict) -> None:  # type: ignore[type-arg]
    found = compare(KEYS, given_marks, given_marks)
    assert all(g.same and g.gap in (0, None) for g in found)
    assert summarise([found]).same == len(KEYS)


@given(marks, marks)
def test_swapping_mine_and_agreed_negates_each_gap(a: dict, b: dict) -> None:  # type: ignore[type-arg]
    assert [g.gap for g in compare(KEYS, a, b)] == [None if g.gap is None else -g.gap for g in compare(KEYS, b, a)]
