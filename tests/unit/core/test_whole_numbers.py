"""The one reading of a whole number from form, query or command-line text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.whole_numbers import RECORD_NUMBER_MAX, whole_number


def test_ascii_digits_read_as_their_number_up_to_the_maximum():
    assert whole_number("0", 9) == 0 and whole_number("42", 99) == 42 and whole_number("007", 999) == 7
    assert whole_number("999999999", RECORD_NUMBER_MAX) == RECORD_NUMBER_MAX
    assert whole_number("1000000000", RECORD_NUMBER_MAX) is None
    assert whole_number("100", 99) is None and whole_number("0100", 999) is None  # longer than the maximum's digits


def test_what_only_looks_like_a_number_is_no_number():
    # "²".isdigit() is true but int("²") raises; int reads "١" and "１" as 1 and " 2 " as 2.
    for text in (None, "", "²", "2²", "١", "１", "٣٤", " 2", "2 ", "+2", "-2", "1_000", "1,000", "1.0", "0x1", "2\n"):
        assert whole_number(text, RECORD_NUMBER_MAX) is None, text
    assert (
        whole_number("9" * 5000, RECORD_NUMBER_MAX) is None
    )  # refused before int, which would raise past 4,300 digits


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10**12))
def test_a_number_written_out_reads_back_when_within_the_maximum(number, maximum):
    assert whole_number(str(number), maximum) == (number if number <= maximum else None)


@given(st.text(max_size=12), st.integers(min_value=0, max_value=10**12))
def test_whatever_is_sent_the_answer_is_a_number_in_range_or_none(text, maximum):
    found = whole_number(text, maximum)
    assert found is None or (0 <= found <= maximum and text.isascii() and str(found) == text.lstrip("0").rjust(1, "0"))
