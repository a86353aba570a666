"""A grid cell says its status in words, with its counts."""

from __future__ import annotations

from assessments.grid_rules import CellStatus, cell
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
