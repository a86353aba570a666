"""The engine's vocabulary: rubrics, evidence from one observation, and results. Immutable."""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple


class RubricModel(str, enum.Enum):
    ANALYTIC = "analytic"        # weighted levels against a threshold
    FAULTS = "faults"            # driving-test style: minor, serious, dangerous faults
    ENTRUSTMENT = "entrustment"  # how much supervision the trainee needed, 1 to 5


class Outcome(str, enum.Enum):
    INSUFFICIENT_EVIDENCE = "insufficient evidence"
    NOT_YET_MET = "not yet met"
    MET = "met"

    @property
    def rank(self) -> int:
        """Order for comparisons: insufficient evidence < not yet met < met."""
        return _OUTCOME_RANK[self]


_OUTCOME_RANK = {Outcome.INSUFFICIENT_EVIDENCE: 0, Outcome.NOT_YET_MET: 1, Outcome.MET: 2}


class FaultSeverity(str, enum.Enum):
    MINOR = "minor"
    SERIOUS = "serious"
    DANGEROUS = "dangerous"


DVSA_MINOR_FAULT_LIMIT = 15  # the driving test allows up to 15 driving (minor) faults

# Entrustment: how much the observer had to step in (levels 1 to 5).
ENTRUSTMENT_SCALE = (
    (1, "Observer did it", "The observer had to lead; the trainee watched or helped."),
    (2, "Step by step", "The trainee acted with the observer guiding each step."),
    (3, "Prompted", "The trainee led, with the observer prompting or correcting at key points."),
    (4, "On call", "The trainee led alone; the observer was needed only to confirm or for an unusual turn."),
    (5, "Not needed", "The observer did not need to be there."),
)


@dataclass(frozen=True, slots=True)
class Level:
    value: int
    label: str
    descriptor: str = ""


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    title: str
    levels: tuple[Level, ...] = ()
    weight: float = 1.0
    # Must-meet: the lowest level that meets this criterion whatever the total (None: none).
    critical_level: int | None = None

    @property
    def top(self) -> int:
        return self.levels[-1].value

    @property
    def bottom(self) -> int:
        return self.levels[0].value

    def label_of(self, value: int) -> str:
        return next((lv.label for lv in self.levels if lv.value == value), str(value))


@dataclass(frozen=True, slots=True)
class RubricIndex:
    """Lookups computed once per rubric, so scoring many observations stays cheap."""

    by_key: dict[str, Criterion]
    levels: dict[str, frozenset[int]]
    possible: float  # Σ weight × top level
    critical: tuple[Criterion, ...]  # the must-meet criteria
    tops: dict[str, int]
    points: dict[tuple[str, int], float]  # (criterion, level) → weight × level; also the valid pairs
    # The same in criterion order, for rows of levels (bulk scoring).
    keys: tuple[str, ...]
    weights_in_order: tuple[float, ...]
    levels_in_order: tuple[frozenset[int], ...]
    critical_positions: tuple[tuple[int, int], ...]  # (position, must-meet level)

    @classmethod
    def of(cls, criteria: tuple[Criterion, ...]) -> RubricIndex:
        return cls(
            by_key={c.key: c for c in criteria},
            levels={c.key: frozenset(lv.value for lv in c.levels) for c in criteria},
            possible=sum(c.weight * c.levels[-1].value for c in criteria if c.levels),
            critical=tuple(c for c in criteria if c.critical_level is not None),
            tops={c.key: c.levels[-1].value if c.levels else 0 for c in criteria},
            points={(c.key, lv.value): c.weight * lv.value for c in criteria for lv in c.levels},
            keys=tuple(c.key for c in criteria),
            weights_in_order=tuple(c.weight for c in criteria),
            levels_in_order=tuple(frozenset(lv.value for lv in c.levels) for c in criteria),
            critical_positions=tuple((i, c.critical_level) for i, c in enumerate(criteria) if c.critical_level is not None),
        )


@dataclass(frozen=True, slots=True)
class Rubric:
    key: str
    title: str
    model: RubricModel
    criteria: tuple[Criterion, ...]
    # Analytic: the weighted score (0–100 %) needed. Entrustment: the level that means
    # "can do this unsupervised". Faults: not used.
    threshold: float = 0.0
    fault_limit: int = DVSA_MINOR_FAULT_LIMIT
    index: RubricIndex = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", RubricIndex.of(self.criteria))

    def criterion(self, key: str) -> Criterion | None:
        return self.index.by_key.get(key)


class Judgement(NamedTuple):
    """The level an observer gave a criterion (faults rubrics: level None means 'observed').

    A NamedTuple, so a judgement *is* its (criterion, level) pair: checking and scoring a batch
    then runs on plain tuples at C speed.
    """

    criterion: str
    level: int | None = None


@dataclass(frozen=True, slots=True)
class Fault:
    criterion: str
    severity: FaultSeverity
    note: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an observer recorded in one observation."""

    judgements: tuple[Judgement, ...] = ()
    faults: tuple[Fault, ...] = ()


class Result(NamedTuple):
    """The explained outcome of one observation. ``percent`` puts every model on 0–100.

    The reasons are written when first asked for: scoring a national cohort should not pay for
    sentences nobody reads, while every result can still explain itself. A NamedTuple rather than
    a frozen dataclass: as immutable, and several times cheaper to make, once per observation.
    """

    outcome: Outcome
    score: float          # analytic: weighted %; entrustment: lowest level given; faults: minor faults
    percent: float        # 0–100, comparable across models, used when aggregating
    explain: Callable[[], tuple[str, ...]]
    dangerous: bool = False

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.explain()

    @classmethod
    def with_reasons(cls, outcome: Outcome, score: float, percent: float, reasons: tuple[str, ...],
                     dangerous: bool = False) -> Result:
        return cls(outcome, score, percent, lambda: reasons, dangerous)


class ScoredObservation(NamedTuple):
    """A result placed in time and context, for aggregation and sign-off (made once per observation)."""

    result: Result
    sequence: int          # chronological order (e.g. date ordinal, or an increasing id)
    observer: str
    setting: str = ""


@dataclass(frozen=True, slots=True)
class Aggregate:
    outcome: Outcome
    value: float | None    # 0–100, or a count for "n times met"
    reasons: tuple[str, ...] = field(default=())
