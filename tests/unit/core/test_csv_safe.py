"""Every CSV the app writes: no cell runs as a formula, whichever character a spreadsheet splits on."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from core.csv_safe import FORMULA_STARTS, safe_cell, write_csv


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def _split_outside_quotes(text: str) -> list[str]:
    """The separators a spreadsheet set to split on ``;`` or tabs would split at: those outside quotes."""
    found, quoted = [], False
    for character in text:
        if character == '"':
            quoted = not quoted
        elif character in ";\t" and not quoted:
            found.append(character)
    return found


def test_cells_that_a_spreadsheet_would_run_are_escaped_and_others_are_left_alone() -> None:
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("Hill Primary") == "Hill Primary"
    assert safe_cell(None) == "" and safe_cell(3) == "3"
    assert safe_cell("-0.25") == "-0.25" and safe_cell(-1) == "-1"  # numbers stay numbers


def test_a_school_with_a_semicolon_stays_one_text_cell_in_a_spreadsheet_that_splits_on_semicolons() -> None:
    rows = [["Trainee", "School"], ["Ann Smith", "Hill;=2+5"], ["Bo", "Vale,\t=1+1"], ["Cy", '=1+2";=1+2']]
    text = write_csv(rows)
    assert text.splitlines()[1] == '"Ann Smith","Hill;=2+5"'
    assert _split_outside_quotes(text) == []
    assert _read(text) == [
        ["Trainee", "School"],
        ["Ann Smith", "Hill;=2+5"],
        ["Bo", "Vale,\t=1+1"],
        ["Cy", "'=1+2\";=1+2"],
    ]


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), min_size=1, max_size=4))
def test_every_cell_reads_back_as_written_and_no_separator_lies_outside_quotes(rows: list[list[str]]) -> None:
    text = write_csv(rows)
    assert _read(text) == [[safe_cell(cell) for cell in row] for row in rows]
    assert _split_outside_quotes(text) == []
    for row in _read(text):
        assert all(not cell.startswith(FORMULA_STARTS) or _is_plain_number(cell) for cell in row)


def _is_plain_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
