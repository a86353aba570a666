"""What a person is told when the csv module cannot read their file."""

from __future__ import annotations

import pytest

from core import csv_rows
from core.problems import Invalid

LIMITS = csv_rows.Limits(bytes_max=4 * 1024 * 1024, rows_max=10, cell_max=1_000, rows_named="people")


def _message(raw: str) -> str:
    with pytest.raises(Invalid) as refused:
        csv_rows.parse(raw, LIMITS)
    return str(refused.value.problems[0].message)


def test_an_empty_file_names_its_rows_in_plain_english() -> None:
    assert _message("") == "The file is empty. Use the template: a header line, then the people, one a line"


def test_a_cell_past_the_csv_modules_own_limit_is_named_by_its_line_and_the_cell_limit() -> None:
    message = _message("name,email\n" + "A" * 200_000 + ",a@example.org\n")
    assert message == "Line 2: a cell is far too long. A cell must be 1,000 characters or fewer"
    assert "field limit" not in message


def test_a_quote_mark_never_closed_is_named_rather_than_the_csv_modules_words() -> None:
    message = _message('name,email\n"Unclosed,a@example.org\n')
    assert message.startswith("Line 2: a quote mark")
    assert "unexpected end of data" not in message
