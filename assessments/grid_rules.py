"""What one cell of the cohort grid says, and how a cell is written to CSV safely.

A cell is one trainee in one observed scenario: the cohort's aggregation of their submitted
observations, and whether sign-off is evidenced, as words (never colour alone: WCAG 2.2, 1.4.1).
Plain Python (mypy strict); the engine decides the outcomes, this module only names them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from competencies.engine import Outcome


class CellStatus(str, enum.Enum):
    """The grid's statuses, also its filter's values (``?status=``)."""

    EVIDENCED = "evidenced"
    MET = "met"
    NOT_YET_MET = "not-yet-met"
    INSUFFICIENT = "insufficient-evidence"
    NOT_OBSERVED = "not-observed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CellStatus.EVIDENCED: "evidenced for sign-off",
    CellStatus.MET: "met",
    CellStatus.NOT_YET_MET: "not yet met",
    CellStatus.INSUFFICIENT: "insufficient evidence",
    CellStatus.NOT_OBSERVED: "not observed yet",
}
_BY_OUTCOME = {
    Outcome.MET: CellStatus.MET,
    Outcome.NOT_YET_MET: CellStatus.NOT_YET_MET,
    Outcome.INSUFFICIENT_EVIDENCE: CellStatus.INSUFFICIENT,
}


@dataclass(frozen=True)
class Cell:
    status: CellStatus
    met: int  # submitted observations whose own outcome was met
    observed: int  # submitted observations of the scenario's current rubric

    @property
    def text(self) -> str:
        """E.g. "met (2 of 2 observations met)"; "not observed yet" when there is nothing to count."""
        if self.status is CellStatus.NOT_OBSERVED:
            return self.status.label
        noun = "observation" if self.observed == 1 else "observations"
        return f"{self.status.label} ({self.met} of {self.observed} {noun} met)"


def cell(outcome: Outcome | None, evidenced: bool, met: int, observed: int) -> Cell:
    """The cell for an aggregate ``outcome`` (None: nothing submitted) and a sign-off decision."""
    if outcome is None or observed == 0:
        return Cell(CellStatus.NOT_OBSERVED, 0, 0)
    if evidenced:
        return Cell(CellStatus.EVIDENCED, met, observed)
    return Cell(_BY_OUTCOME[outcome], met, observed)
