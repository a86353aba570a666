"""The one reading of a DfE cohort year (dfe.contract.cohort_year_of): four ASCII digits, else None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dfe.contract import cohort_year_of


@pytest.mark.parametrize(
    ("text", "year"),
    [("2025", 2025), (" 2024 ", 2024), (2026, 2026), ("", None), (None, None), ("25", None), ("20255", None),
     ("²⁰²⁵", None), ("٢٠٢٥", None), ("2025a", None), (True, None), ("20 5", None)],
)  # fmt: skip
def test_a_cohort_year_is_four_ascii_digits(text: object, year: int | None) -> None:
    assert cohort_year_of(text) == year


@given(st.text(max_size=12))
def test_any_text_is_read_as_a_year_or_none_never_an_error(text: str) -> None:
    found = cohort_year_of(text)
    assert found is None or (0 <= found <= 9999 and str(found).zfill(4) == text.strip())
