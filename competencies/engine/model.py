"""Rubrics: criteria, levels and named fault types. A ``Rubric`` that exists is valid: it is
checked as it is made, whoever makes it, and every problem is raised at once with its path."""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from competencies.engine.errors import Problem, RubricError
from competencies.engine.numbers import exact, plain, whole

ENGINE_VERSION = "2.0"


class RubricModel(str, enum.Enum):
    ANALYTIC = "analytic"  # weighted levels against a pass mark
    FAULTS = "faults"  # driving-test style: minor faults against a limit
    ENTRUSTMENT = "entrustment"  # how much supervision the trainee needed (O-SCORE)


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

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {FaultSeverity.MINOR: 0, FaultSeverity.SERIOUS: 1, FaultSeverity.DANGEROUS: 2}

DVSA_MINOR_FAULT_LIMIT = 15  # the driving test allows up to 15 driving (minor) faults
FAULT_LIMIT_MAX = 1_000
LEVEL_MIN, LEVEL_MAX = 0, 20  # levels are consecutive whole numbers within these
WEIGHT_MAX = 1_000
PASS_MARK_MIN, PASS_MARK_MAX = 1, 100  # per cent
TEXT_MAX = 5_000  # titles, descriptors, reasons for a choice; keys are shorter
KEY_MAX = 80

# The O-SCORE (Gofton et al. 2012): how much the observer had to do. Only 5 is unsupervised.
ENTRUSTMENT_SCALE = (
    (1, "I had to do it", "The observer had to do it; the trainee watched or helped."),
    (2, "I had to talk them through it", "The trainee acted with the observer talking them through each step."),
    (3, "I had to prompt them from time to time", "The trainee led, with the observer prompting from time to time."),
    (4, "I needed to be there in the room just in case", "The trainee led alone; the observer was there just in case."),
    (5, "I did not need to be there", "The trainee did it safely and independently: unsupervised."),
)


@dataclass(frozen=True, slots=True)
class Level:
    value: int
    label: str
    descriptor: str = ""


@dataclass(frozen=True, slots=True)
class Criterion:
    """One thing the observer judges. Checked as part of its :class:`Rubric`."""

    key: str
    title: str
    levels: tuple[Level, ...] = ()
    weight: Fraction = Fraction(1)
    # Must-meet: the lowest level that meets this criterion whatever the total (None: none).
    critical_level: int | None = None
    sources: tuple[str, ...] = ()

    @property
    def top(self) -> int:
        return self.levels[-1].value

    @property
    def bottom(self) -> int:
        return self.levels[0].value

    def label_of(self, value: int) -> str:
        return next((lv.label for lv in self.levels if lv.value == value), str(value))


@dataclass(frozen=True, slots=True)
class FaultType:
    """A fault a mentor can record, as on a driving-test marking sheet."""

    key: str
    title: str
    severity: FaultSeverity = FaultSeverity.MINOR  # the default when recorded
    criterion: str | None = None  # the criterion it belongs to, if any
    fails_alone: bool = False  # fails the observation on its own
    why: str = ""
    sources: tuple[str, ...] = ()


class RubricStamp(NamedTuple):
    """The identity every result carries: which rubric, which version, and exactly what it said."""

    key: str
    version: int
    fingerprint: str  # SHA-256 of the canonical form (see :func:`canonical_form`)


@dataclass(frozen=True, slots=True)
class RubricIndex:
    """Lookups computed once per rubric, so scoring many observations stays cheap. Weights are
    scaled to whole numbers by their common denominator, so thresholds compare as integers."""

    by_key: dict[str, Criterion]
    keys: tuple[str, ...]
    positions: dict[str, int]
    scales: tuple[frozenset[int], ...]  # allowed levels, in criterion order
    int_weights: tuple[int, ...]  # weight × common denominator
    tops: tuple[int, ...]
    bottoms: tuple[int, ...]
    critical: tuple[tuple[int, int], ...]  # (position, must-meet level)
    possible: int  # Σ scaled weight × top level
    pass_numerator: int  # pass mark = numerator / denominator (analytic)
    pass_denominator: int
    fault_types: dict[str, FaultType]
    pass_mark: int | float  # the pass mark as shown in reasons
    uniform: bool  # one scale and a positive weight for every criterion
    reasons: dict[Any, Any] = field(default_factory=dict)  # reasons already made, reused (they are immutable)
    reached: dict[int, Any] = field(default_factory=dict)  # complete rows: earned → (percent, reasons) when met

    @classmethod
    def of(cls, rubric: Rubric) -> RubricIndex:
        criteria = rubric.criteria
        denominator = math.lcm(*(c.weight.denominator for c in criteria)) if criteria else 1
        threshold = Fraction(rubric.threshold)
        return cls(
            by_key={c.key: c for c in criteria},
            keys=tuple(c.key for c in criteria),
            positions={c.key: i for i, c in enumerate(criteria)},
            scales=tuple(frozenset(lv.value for lv in c.levels) for c in criteria),
            int_weights=tuple(int(c.weight * denominator) for c in criteria),
            tops=tuple(c.top if c.levels else 0 for c in criteria),
            bottoms=tuple(c.bottom if c.levels else 0 for c in criteria),
            critical=tuple((i, c.critical_level) for i, c in enumerate(criteria) if c.critical_level is not None),
            possible=sum(int(c.weight * denominator) * (c.top if c.levels else 0) for c in criteria),
            pass_numerator=threshold.numerator,
            pass_denominator=threshold.denominator,
            fault_types={f.key: f for f in rubric.fault_types},
            pass_mark=plain(threshold),
            uniform=len({(c.levels[0].value, c.levels[-1].value) if c.levels else None for c in criteria}) <= 1
            and all(c.weight > 0 for c in criteria),
        )


@dataclass(frozen=True, slots=True)
class Rubric:
    """A checked rubric. ``threshold`` is the pass mark (analytic, 1–100 per cent, exact) or the
    pass level (entrustment, a level on every criterion's scale); faults rubrics use
    ``fault_limit``. ``sources``, ``why`` and ``pass_rationale`` are opaque text for people."""

    key: str
    title: str
    model: RubricModel
    criteria: tuple[Criterion, ...]
    threshold: Fraction | int = 0
    fault_limit: int = DVSA_MINOR_FAULT_LIMIT
    fault_types: tuple[FaultType, ...] = ()
    pass_rationale: str = ""
    version: int = 1
    index: RubricIndex = field(init=False, repr=False, compare=False)
    stamp: RubricStamp = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = rubric_problems(self)
        if problems:
            raise RubricError(problems)
        object.__setattr__(self, "threshold", _normal_threshold(self))
        object.__setattr__(self, "criteria", tuple(_normal_criterion(c) for c in self.criteria))
        object.__setattr__(self, "index", RubricIndex.of(self))
        object.__setattr__(self, "stamp", RubricStamp(self.key, self.version, fingerprint(self)))

    def criterion(self, key: str) -> Criterion | None:
        return self.index.by_key.get(key)

    def title_of(self, key: str | None) -> str:
        if key is None:
            return ""
        found = self.index.by_key.get(key) or self.index.fault_types.get(key)
        return found.title if found else key


def _normal_threshold(rubric: Rubric) -> Fraction | int:
    if rubric.model is RubricModel.ANALYTIC:
        value = exact(rubric.threshold)
        assert value is not None
        return int(value) if value.denominator == 1 else value
    return int(rubric.threshold) if rubric.model is RubricModel.ENTRUSTMENT else 0


def _normal_criterion(criterion: Criterion) -> Criterion:
    weight = exact(criterion.weight)
    assert weight is not None
    if weight == criterion.weight and type(criterion.weight) is Fraction:
        return criterion
    return Criterion(
        criterion.key, criterion.title, criterion.levels, weight, criterion.critical_level, criterion.sources
    )


# ---- checks ----------------------------------------------------------------------------------


def _text_problems(value: Any, path: str, what: str, required: bool = True, limit: int = TEXT_MAX) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(path, f"Enter {what} as text")]
    if required and not value.strip():
        return [Problem(path, f"Enter {what}")]
    if len(value) > limit:
        return [Problem(path, f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer")]
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return [Problem(path, f"Enter {what} without broken characters")]
    return []


def _sources_problems(sources: Any, path: str) -> list[Problem]:
    if not isinstance(sources, tuple):
        return [Problem(path, "Give the sources as a list of citations")]
    return [p for i, s in enumerate(sources) for p in _text_problems(s, f"{path}[{i}]", "the citation")]


def _scale_problems(criterion: Criterion, path: str, model: RubricModel) -> list[Problem]:
    levels = criterion.levels
    if not isinstance(levels, tuple) or not all(isinstance(lv, Level) for lv in levels):
        return [Problem(f"{path}.levels", "Give the levels as a list, lowest first")]
    if model is RubricModel.FAULTS:
        return [Problem(f"{path}.levels", "Leave out levels: a faults rubric counts faults")] if levels else []
    problems: list[Problem] = []
    if len(levels) < 2:
        problems.append(Problem(f"{path}.levels", "Give at least two levels, lowest first"))
    for j, lv in enumerate(levels):
        value = whole(lv.value)
        if value is None or not LEVEL_MIN <= value <= LEVEL_MAX:
            problems.append(
                Problem(
                    f"{path}.levels[{j}].value", f"Enter the level as a whole number from {LEVEL_MIN} to {LEVEL_MAX}"
                )
            )
        elif j and whole(levels[j - 1].value) is not None and value != levels[j - 1].value + 1:
            problems.append(
                Problem(
                    f"{path}.levels[{j}].value",
                    f"Number the levels one after another, lowest first: {value} follows {levels[j - 1].value}",
                )
            )
        problems += _text_problems(lv.label, f"{path}.levels[{j}].label", "a label for the level", limit=200)
        problems += _text_problems(lv.descriptor, f"{path}.levels[{j}].descriptor", "the descriptor", required=False)
    return problems


def _criterion_problems(rubric: Rubric, i: int) -> list[Problem]:
    criterion = rubric.criteria[i]
    path = f"criteria[{i}]"
    if not isinstance(criterion, Criterion):
        return [Problem(path, "Each criterion is a Criterion")]
    problems = _text_problems(criterion.key, f"{path}.key", "a key for the criterion", limit=KEY_MAX)
    problems += _text_problems(criterion.title, f"{path}.title", "the criterion", limit=200)
    weight = exact(criterion.weight)
    if weight is None or not 0 <= weight <= WEIGHT_MAX:
        problems.append(
            Problem(
                f"{path}.weight", f"Enter a weight as a number from 0 to {WEIGHT_MAX:,}, with at most 6 decimal places"
            )
        )
    scale = _scale_problems(criterion, path, rubric.model)
    problems += scale
    if criterion.critical_level is not None:
        level = whole(criterion.critical_level)
        if rubric.model is RubricModel.FAULTS:
            problems.append(
                Problem(f"{path}.critical_level", "Leave out the must-meet level: a faults rubric has no levels")
            )
        elif level is None:
            problems.append(Problem(f"{path}.critical_level", "Enter the must-meet level as a whole number"))
        elif not scale and not criterion.bottom <= level <= criterion.top:
            problems.append(
                Problem(
                    f"{path}.critical_level",
                    f"Enter a must-meet level from {criterion.bottom} to {criterion.top}, on the criterion’s scale",
                )
            )
    problems += _sources_problems(criterion.sources, f"{path}.sources")
    return problems


def _fault_type_problems(rubric: Rubric, i: int, criterion_keys: set[str]) -> list[Problem]:
    fault = rubric.fault_types[i]
    path = f"fault_types[{i}]"
    if not isinstance(fault, FaultType):
        return [Problem(path, "Each fault type is a FaultType")]
    problems = _text_problems(fault.key, f"{path}.key", "a key for the fault type", limit=KEY_MAX)
    problems += _text_problems(fault.title, f"{path}.title", "a description of the fault", limit=200)
    if not isinstance(fault.severity, FaultSeverity):
        problems.append(Problem(f"{path}.severity", "Choose the severity: minor, serious or dangerous"))
    if fault.criterion is not None and (not isinstance(fault.criterion, str) or fault.criterion not in criterion_keys):
        problems.append(Problem(f"{path}.criterion", f"Choose a criterion of this rubric, not ‘{fault.criterion}’"))
    if not isinstance(fault.fails_alone, bool):
        problems.append(
            Problem(f"{path}.fails_alone", "Say yes or no: does this fault fail the observation on its own?")
        )
    problems += _text_problems(fault.why, f"{path}.why", "why the fault is this severe", required=False)
    problems += _sources_problems(fault.sources, f"{path}.sources")
    return problems


def _threshold_problems(rubric: Rubric) -> list[Problem]:
    if rubric.model is RubricModel.ANALYTIC:
        mark = exact(rubric.threshold)
        if mark is None or not PASS_MARK_MIN <= mark <= PASS_MARK_MAX:
            return [
                Problem(
                    "threshold",
                    "Enter the pass mark as a number from 1 to 100 (per cent), with at most 6 decimal places",
                )
            ]
    elif rubric.model is RubricModel.ENTRUSTMENT:
        level = whole(rubric.threshold)
        if level is None:
            return [Problem("threshold", "Enter the pass level as a whole number on the entrustment scale")]
        for i, c in enumerate(rubric.criteria):
            if (
                isinstance(c, Criterion)
                and isinstance(c.levels, tuple)
                and len(c.levels) >= 2
                and all(isinstance(lv, Level) and whole(lv.value) is not None for lv in c.levels)
                and not c.bottom <= level <= c.top
            ):
                return [
                    Problem(
                        "threshold", f"Enter a pass level from {c.bottom} to {c.top}, on the scale of criterion {i + 1}"
                    )
                ]
    return []


def rubric_problems(rubric: Rubric) -> list[Problem]:
    """Every problem with ``rubric``, in the order a reader meets them; empty when it is sound."""
    problems = _text_problems(rubric.key, "key", "a key for the rubric", limit=KEY_MAX)
    problems += _text_problems(rubric.title, "title", "a title for the rubric", limit=200)
    if not isinstance(rubric.model, RubricModel):
        return problems + [Problem("model", "Choose the model: analytic, faults or entrustment")]
    if not isinstance(rubric.criteria, tuple):
        return problems + [Problem("criteria", "Give the criteria as a list")]
    if not rubric.criteria:
        problems.append(Problem("criteria", "Add at least one criterion"))
    if not isinstance(rubric.fault_types, tuple):
        return problems + [Problem("fault_types", "Give the fault types as a list")]
    counts = Counter(c.key for c in rubric.criteria if isinstance(c, Criterion) and isinstance(c.key, str))
    for i, criterion in enumerate(rubric.criteria):
        if isinstance(criterion, Criterion) and isinstance(criterion.key, str) and counts[criterion.key] > 1:
            problems.append(
                Problem(f"criteria[{i}].key", f"The key ‘{criterion.key}’ is used by more than one criterion")
            )
        problems += _criterion_problems(rubric, i)
    keys = set(counts)
    fault_counts = Counter(f.key for f in rubric.fault_types if isinstance(f, FaultType) and isinstance(f.key, str))
    for i, fault in enumerate(rubric.fault_types):
        if isinstance(fault, FaultType) and isinstance(fault.key, str) and fault_counts[fault.key] > 1:
            problems.append(
                Problem(f"fault_types[{i}].key", f"The key ‘{fault.key}’ is used by more than one fault type")
            )
        problems += _fault_type_problems(rubric, i, keys)
    if rubric.model is RubricModel.ANALYTIC:
        weights = [exact(c.weight) for c in rubric.criteria if isinstance(c, Criterion)]
        if weights and all(w is not None and w >= 0 for w in weights) and sum(w for w in weights if w is not None) == 0:
            problems.append(
                Problem("criteria", "The weights add up to zero: give at least one criterion a positive weight")
            )
    if rubric.model is RubricModel.FAULTS and not rubric.fault_types:
        problems.append(Problem("fault_types", "Add at least one fault type that a mentor can record"))
    problems += _threshold_problems(rubric)
    limit = whole(rubric.fault_limit)
    if limit is None or not 0 <= limit <= FAULT_LIMIT_MAX:
        problems.append(
            Problem(
                "fault_limit", f"Enter the most minor faults allowed as a whole number from 0 to {FAULT_LIMIT_MAX:,}"
            )
        )
    problems += _text_problems(rubric.pass_rationale, "pass_rationale", "why this pass mark was chosen", required=False)
    version = whole(rubric.version)
    if version is None or version < 1:
        problems.append(Problem("version", "Enter the version as a whole number from 1"))
    return problems


# ---- canonical form --------------------------------------------------------------------------


def canonical_form(rubric: Rubric) -> dict[str, Any]:
    """The rubric as plain JSON values, every field present, in one fixed order: what is
    fingerprinted and stored. The version is not part of it (it names, it does not define)."""
    return {
        "key": rubric.key,
        "title": rubric.title,
        "model": rubric.model.value,
        "threshold": plain(rubric.threshold),
        "fault_limit": rubric.fault_limit,
        "pass_rationale": rubric.pass_rationale,
        "criteria": [
            {
                "key": c.key,
                "title": c.title,
                "weight": plain(c.weight),
                "critical_level": c.critical_level,
                "sources": list(c.sources),
                "levels": [{"value": lv.value, "label": lv.label, "descriptor": lv.descriptor} for lv in c.levels],
            }
            for c in rubric.criteria
        ],
        "fault_types": [
            {
                "key": f.key,
                "title": f.title,
                "criterion": f.criterion,
                "severity": f.severity.value,
                "fails_alone": f.fails_alone,
                "why": f.why,
                "sources": list(f.sources),
            }
            for f in rubric.fault_types
        ],
    }


def fingerprint(rubric: Rubric) -> str:
    text = json.dumps(canonical_form(rubric), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
