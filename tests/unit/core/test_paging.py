"""Pages of a list, and ``?page=`` read so that a bad value never breaks the page."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.paging import page_number, page_of


def test_a_list_is_cut_into_pages_with_the_rows_shown_named():
    page = page_of(list(range(60)), 3, 25)
    assert page.items == tuple(range(50, 60)) and page.pages == 3
    assert (page.first_row, page.last_row, page.total) == (51, 60, 60)


def test_a_page_beyond_the_last_shows_the_last_and_an_empty_list_has_one_empty_page():
    assert page_of(list(range(30)), 9, 25).number == 2
    empty = page_of([], 4, 25)
    assert empty.items == () and empty.pages == 1 and (empty.first_row, empty.last_row) == (0, 0)


def test_a_page_number_that_is_not_a_whole_number_from_1_is_page_1():
    for raw in (None, "", "0", "-1", "1.5", "abc", "٣", "²", "9" * 5000, " 2 "):
        assert page_number(raw) in (1, 2)
    assert page_number(" 2 ") == 2 and page_number("7") == 7


@given(
    st.lists(st.integers(), max_size=200),
    st.integers(min_value=-5, max_value=20),
    st.integers(min_value=1, max_value=30),
)
def test_every_row_is_on_exactly_one_page(rows, number, size):
    page = page_of(rows, number, size)
    assert 1 <= page.number <= page.pages
    assert [r for n in range(1, page.pages + 1) for r in page_of(rows, n, size).items] == rows
