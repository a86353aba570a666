"""A grid cell says its status in words, with its counts; CSV cells never run as formulas."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from assessments.grid_rules import FORMULA_STARTS, CellStatus, cell, csv_safe
from competencies.engine import Outcome


def test_a_cell_says_its_outcome_and_how_many_observations_were_met():
    assert cell(Outcome.MET, False, 2, 2).text == "met (2 of 2 observations met)"
    assert cell(Outcome.NOT_YET_MET, False, 0, 1).text == "not yet met (0 of 1 observation met)"
    assert cell(Outcome.INSUFFICIENT_EVIDENCE, False, 0, 1).text == "insufficient evidence (0 of 1 observation met)"
    assert cell(Outcome.MET, True, 3, 3).text == "evidenced for sign-off (3 of 3 observations met)"
    assert cell(None, False, 0, 0).text == "not observed yet"


def test_sign_off_outranks_the_aggregate_and_nothing_observed_is_its_own_status():
    assert cell(Outcome.NOT_YET_MET, True, 3, 4).status is CellStatus.EVIDENCED
    assert cell(Outcome.MET, False, 0, 0).status is CellStatus.NOT_OBSERVED


def test_cells_that_a_spreadsheet_would_run_are_escaped_and_others_are_left_alone():
    assert csv_safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert csv_safe("-2+3") == "'-2+3"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("Hill Primary") == "Hill Primary"
    assert csv_safe(None) == "" and csv_safe(3) == "3"


@given(st.text())
def test_no_escaped_cell_starts_with_a_formula_character_and_the_text_survives(text):
    safe = csv_safe(text)
    assert not safe.startswith(FORMULA_STARTS)
    assert safe in (text, "'" + text)
    # Round trip through the csv module: the cell reads back as written.
    out = io.StringIO()
    csv.writer(out).writerow([safe])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""), strict=True)) == [safe]
