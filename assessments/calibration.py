"""Calibration: how far a mentor's marks for an exemplar are from its agreed marks, criterion by
criterion, and a mentor's calibration so far (issue 14).

Plain Python (standard library only). A criterion's gap is the difference in levels (the mentor's
minus the agreed, so a positive gap is generous, a negative one severe) where both gave a level;
where only one did ("not observed" or "not applicable" on one side), the criterion counts as a
disagreement without a size. The idea is the standardisation exercise awarding bodies run before
marking (Ofqual's guidance on standardising markers): mark a script whose marks are agreed, then
see where you differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

Level = int | str | None  # a level, "n/a", "observed", or None for not observed


@dataclass(frozen=True)
class CriterionGap:
    criterion: str
    mine: Level
    agreed: Level
    gap: int | None  # mine − agreed, where both are levels

    @property
    def same(self) -> bool:
        return self.mine == self.agreed

    @property
    def words(self) -> str:
        if self.same:
            return "Same as the agreed mark"
        if self.gap is None:
            return "Differs: one of you gave no level"
        size = abs(self.gap)
        return f"{size} level{'s' if size != 1 else ''} {'above' if self.gap > 0 else 'below'} the agreed mark"


def _level(value: Level) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def compare(
    criteria: Iterable[str], mine: Mapping[str, Level], agreed: Mapping[str, Level]
) -> tuple[CriterionGap, ...]:
    """Each criterion, in the rubric's order: the mentor's mark, the agreed one, the gap in levels."""
    found = []
    for key in criteria:
        a, b = mine.get(key), agreed.get(key)
        la, lb = _level(a), _level(b)
        found.append(CriterionGap(key, a, b, la - lb if la is not None and lb is not None else None))
    return tuple(found)


@dataclass(frozen=True)
class Summary:
    """A mentor's calibration over their attempts: criteria compared, how many the same, the mean
    absolute gap in levels (over criteria both levelled; None if none)."""

    attempts: int
    criteria: int
    same: int
    mean_gap: Fraction | None

    @property
    def same_share(self) -> Fraction | None:
        return Fraction(self.same, self.criteria) if self.criteria else None


def summarise(attempts: Iterable[tuple[CriterionGap, ...]]) -> Summary:
    count = criteria = same = 0
    gaps: list[int] = []
    for gaps_of_one in attempts:
        count += 1
        for g in gaps_of_one:
            criteria += 1
            same += g.same
            if g.gap is not None:
                gaps.append(abs(g.gap))
    return Summary(count, criteria, same, Fraction(sum(gaps), len(gaps)) if gaps else None)
