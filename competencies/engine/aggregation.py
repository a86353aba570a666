"""Many observations of one competency → one outcome, by the rubric's own rule.

One rule for one observation and for many. For analytic and entrustment rubrics each
criterion's level is aggregated over the counted observations, in time order, by the method:
- latest, highest, mean: as named;
- decaying average (weight w, e.g. 0.65): w × newest + (1 − w) × mean of the earlier ones, the
  newest alone when there is one (Canvas's "decaying average");
then the rubric's rule (weights, pass mark, must-meet and pass levels) is applied to the
aggregated levels, exactly. Faults do not average: a faults rubric aggregates outcomes, by
latest or n times. **n times** counts *met* observations and is met when the count reaches n;
its value is the mean percent of those, and the count has its own field.

Whatever the method, a serious or dangerous fault (or one that fails alone) in the latest
counted observation means *not yet met*. Observations with insufficient evidence are not
counted; none counted gives insufficient evidence. Order is (observed_at, observation id), so
ties are broken by id. So the aggregate of one observation is that observation's outcome.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from operator import attrgetter, mul
from typing import Any, cast

from competencies.engine.errors import EvidenceError, PolicyError, Problem
from competencies.engine.model import ENGINE_VERSION, Outcome, Rubric, RubricModel
from competencies.engine.numbers import exact, whole
from competencies.engine.results import Aggregate, Reason, Result, TupleNew, reason
from competencies.engine.rows import NOT_APPLICABLE

TIMES_MAX = 1_000


class AggregationMethod(str, enum.Enum):
    LATEST = "latest"
    HIGHEST = "highest"
    MEAN = "mean"
    DECAYING_AVERAGE = "decaying-average"
    N_TIMES = "n-times"


class MixedRubrics(str, enum.Enum):
    """What to do with results scored by another rubric version (another fingerprint)."""

    REFUSE = "refuse"  # the default: an error naming each such result
    LEAVE_OUT = "leave-out"  # count only results of this rubric, and say how many were left out


def read_enum(kind: type[enum.Enum], value: Any, path: str, problems: list[Problem]) -> Any:
    if isinstance(value, kind):
        return value
    try:
        return kind(value)
    except (ValueError, TypeError):
        problems.append(Problem(path, f"Choose one of: {', '.join(m.value for m in kind)}"))
        return None


@dataclass(frozen=True, slots=True)
class AggregationPolicy:
    method: AggregationMethod
    decay_weight: Fraction = Fraction(65, 100)
    times: int = 3
    mixed_rubrics: MixedRubrics = MixedRubrics.REFUSE
    decay_numerator: int = field(init=False, repr=False, compare=False, default=0)
    decay_denominator: int = field(init=False, repr=False, compare=False, default=1)

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        object.__setattr__(self, "method", read_enum(AggregationMethod, self.method, "method", problems))
        object.__setattr__(
            self, "mixed_rubrics", read_enum(MixedRubrics, self.mixed_rubrics, "mixed_rubrics", problems)
        )
        weight = exact(self.decay_weight)
        if weight is None or not 0 < weight < 1:
            problems.append(
                Problem("decay_weight", "Enter the weight of the newest observation as a number above 0 and below 1")
            )
        else:
            object.__setattr__(self, "decay_weight", weight)
            object.__setattr__(self, "decay_numerator", weight.numerator)
            object.__setattr__(self, "decay_denominator", weight.denominator)
        times = whole(self.times)
        if times is None or not 1 <= times <= TIMES_MAX:
            problems.append(
                Problem(
                    "times", f"Enter how many met observations are needed as a whole number from 1 to {TIMES_MAX:,}"
                )
            )
        if problems:
            raise PolicyError(problems)

    @classmethod
    def parse(cls, method: Any, **options: Any) -> AggregationPolicy:
        """A policy from plain values (e.g. JSON), refusing unknown options."""
        unknown = sorted(set(options) - {"decay_weight", "times", "mixed_rubrics"})
        if unknown:
            raise PolicyError(
                [Problem(name, "Unknown option; expected decay_weight, times or mixed_rubrics") for name in unknown]
            )
        return cls(method, **options)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method.value,
            "decay_weight": str(self.decay_weight),
            "times": self.times,
            "mixed_rubrics": self.mixed_rubrics.value,
        }


_new = cast(TupleNew, tuple.__new__)  # builds a NamedTuple without its Python-level __new__
_INSUFFICIENT = Outcome.INSUFFICIENT_EVIDENCE
by_observation = attrgetter("observation")
_STAMP = attrgetter("rubric")
_ID = attrgetter("id")  # Observation's fields begin (observed_at, id): time, then id


def usable_results(rubric: Rubric, results: Sequence[Result], mixed: MixedRubrics) -> tuple[list[Result], list[Reason]]:
    """Results of this rubric (checked), with a reason if others were left out as the policy says."""
    if not isinstance(rubric, Rubric):
        raise EvidenceError([Problem("rubric", "Give the Rubric the results were scored with")])
    if not isinstance(results, (list, tuple)):
        raise EvidenceError([Problem("results", "Give the results as a list")])
    if set(map(type, results)) - {Result}:
        raise EvidenceError(
            [
                Problem(f"results[{i}]", "Each result is a Result from score()")
                for i, r in enumerate(results)
                if not isinstance(r, Result)
            ]
            or [Problem("results", "Each result is a Result from score()")]
        )
    ours = rubric.stamp
    others = (
        []
        if all(map(ours.__eq__, map(_STAMP, results)))
        else [i for i, r in enumerate(results) if r.rubric.fingerprint != ours.fingerprint]
    )
    notes: list[Reason] = []
    if others and mixed is MixedRubrics.REFUSE:
        raise EvidenceError(
            [
                Problem(
                    f"results[{i}].rubric",
                    f"Scored with another form of the rubric "
                    f"(‘{results[i].rubric.key}’ version {results[i].rubric.version}); "
                    "rescore it, or choose to leave such results out",
                )
                for i in others
            ]
        )
    if others:
        notes.append(reason("other_rubric_left_out", count=len(others), version=rubric.version))
        left = set(others)
        results = [r for i, r in enumerate(results) if i not in left]
    if len(set(map(_ID, map(by_observation, results)))) != len(results):
        seen: dict[str, int] = {}
        for i, r in enumerate(results):
            if r.observation.id and seen.setdefault(r.observation.id, i) != i:
                raise EvidenceError(
                    [Problem(f"results[{i}].observation.id", f"Observation ‘{r.observation.id}’ appears twice")]
                )
    return results if type(results) is list else list(results), notes


def _level(method: AggregationMethod, series: list[int], weight: Fraction) -> tuple[int, int]:
    """A criterion's aggregated level as (numerator, denominator), exactly."""
    if method is AggregationMethod.LATEST:
        return series[-1], 1
    if method is AggregationMethod.HIGHEST:
        return max(series), 1
    if method is AggregationMethod.MEAN:
        return sum(series), len(series)
    if len(series) == 1:
        return series[0], 1
    a, b, earlier = weight.numerator, weight.denominator, len(series) - 1
    return a * series[-1] * earlier + (b - a) * sum(series[:-1]), b * earlier


def _whole_numerators(method: AggregationMethod, policy: AggregationPolicy, complete: list[Result]) -> list[int] | None:
    """Each criterion's aggregated level × the shared denominator, for decaying average (more
    than one observation) and mean, when every level is a number; None otherwise."""
    try:
        if method is AggregationMethod.DECAYING_AVERAGE and len(complete) > 1:
            a, b, k = policy.decay_numerator, policy.decay_denominator, len(complete) - 1
            return [(b - a) * (sum(c) - c[-1]) + a * k * c[-1] for c in zip(*[r.levels for r in complete])]
        if method is AggregationMethod.MEAN:
            return [sum(c) for c in zip(*[r.levels for r in complete])]
    except TypeError:  # "n/a" in a column: criterion by criterion instead
        return None
    return None


def _columns(complete: list[Result]) -> list[Sequence[int]]:
    """Each criterion's levels over time (not applicable left out), in criterion order."""
    rows = [r.levels for r in complete]
    if not any(NOT_APPLICABLE in row for row in rows):
        return list(zip(*rows))
    return [[level for level in column if level != NOT_APPLICABLE] for column in zip(*rows)]


def aggregate(rubric: Rubric, results: Sequence[Result], policy: AggregationPolicy) -> Aggregate:
    """One outcome from many results of ``rubric``; see the module's docstring for the rule."""
    if not isinstance(policy, AggregationPolicy):
        raise PolicyError([Problem("policy", "Give an AggregationPolicy")])
    method = policy.method
    kept, notes = usable_results(rubric, results, policy.mixed_rubrics)
    if rubric.model is RubricModel.FAULTS and method not in (AggregationMethod.LATEST, AggregationMethod.N_TIMES):
        raise PolicyError(
            [Problem("method", "A faults rubric is aggregated by latest or n times: faults do not average")]
        )
    counted = sorted([r for r in kept if r.outcome is not _INSUFFICIENT], key=by_observation)

    def done(outcome: Outcome, value: float | None, reasons: list[Reason], count: int | None = None) -> Aggregate:
        return _new(
            Aggregate,
            (outcome, method.value, value, count, len(counted), (*notes, *reasons), rubric.stamp, ENGINE_VERSION),
        )

    if not counted:
        return done(Outcome.INSUFFICIENT_EVIDENCE, None, [reason("no_counted_observation")])
    latest = counted[-1]
    blocks = [reason("latest_fault_blocks", observation=latest.observation.id)] if latest.blocked else []
    if method is AggregationMethod.N_TIMES:
        met = [r.percent for r in counted if r.outcome is Outcome.MET]
        value = sum(met) / len(met) if met else None
        ok = len(met) >= policy.times and not latest.blocked
        return done(
            Outcome.MET if ok else Outcome.NOT_YET_MET,
            value,
            [*blocks, reason("n_times", met=len(met), of=len(counted), needed=policy.times)],
            len(met),
        )
    if rubric.model is RubricModel.FAULTS:
        return done(
            latest.outcome, latest.percent, [*blocks, *latest.reasons] if not latest.blocked else list(latest.reasons)
        )
    return _by_levels(rubric, counted, policy, blocks, done)


def _by_levels(
    rubric: Rubric,
    counted: list[Result],
    policy: AggregationPolicy,
    blocks: list[Reason],
    done: Callable[[Outcome, float | None, list[Reason]], Aggregate],
) -> Aggregate:
    complete = [r for r in counted if r.complete]
    if not complete:
        return done(Outcome.NOT_YET_MET, None, [*blocks, reason("no_complete_observation")])
    index = rubric.index
    method, weight = policy.method, policy.decay_weight
    whole_numerators = _whole_numerators(method, policy, complete)
    numerators: Sequence[int | None]  # None: the criterion was never applicable
    if whole_numerators is not None:  # the common case, at once: no criterion was ever not applicable
        d = (
            policy.decay_denominator * (len(complete) - 1)
            if method is AggregationMethod.DECAYING_AVERAGE
            else len(complete)
        )
        every = True
        numerators = whole_numerators
    else:
        columns = _columns(complete)
        every = all(columns)  # every criterion applied at least once
        fractions = [_level(method, list(c), weight) if c else None for c in columns]
        dens = {f[1] for f in fractions if f is not None}
        if not dens:  # only observations failed by a fault, with nothing applicable: counted, never met
            return done(
                Outcome.NOT_YET_MET if blocks else Outcome.INSUFFICIENT_EVIDENCE,
                None,
                [*blocks, reason("nothing_applicable")],
            )
        d = dens.pop() if len(dens) == 1 else math.lcm(*dens)
        numerators = [None if f is None else f[0] * (d // f[1]) for f in fractions]
    keys = index.keys
    reasons = [
        Reason("must_meet_below", keys[i], (("given", round(n / d, 2)), ("needed", level)))
        for i, level in index.critical
        if (n := numerators[i]) is not None and n < level * d
    ]
    if rubric.model is RubricModel.ANALYTIC:
        if every:
            earned, possible = sum(map(mul, index.int_weights, numerators)), index.possible * d
        else:
            earned = sum(w * n for w, n in zip(index.int_weights, numerators) if n is not None)
            possible = sum(w * top for w, top, n in zip(index.int_weights, index.tops, numerators) if n is not None) * d
        if possible == 0:
            return done(
                Outcome.NOT_YET_MET if blocks else Outcome.INSUFFICIENT_EVIDENCE,
                None,
                [*blocks, reason("nothing_applicable")],
            )
        value = 100.0 * earned / possible
        reached = 100 * index.pass_denominator * earned >= index.pass_numerator * possible
        reasons.append(
            Reason(
                "aggregate_reached" if reached else "aggregate_below",
                None,
                (("method", method.value), ("percent", round(value, 2)), ("needed", index.pass_mark)),
            )
        )
        met = reached and len(reasons) == 1
    else:
        needed = int(rubric.threshold)
        applicable = [(i, n) for i, n in enumerate(numerators) if n is not None]
        reasons += [
            Reason("below_pass_level", keys[i], (("given", round(n / d, 2)), ("needed", needed)))
            for i, n in applicable
            if n < needed * d
        ]
        met = not reasons
        if met:
            reasons.append(Reason("entrusted", None, (("needed", needed),)))
        value = min(100.0 * (n / d - index.bottoms[i]) / (index.tops[i] - index.bottoms[i]) for i, n in applicable)
    return done(Outcome.MET if met and not blocks else Outcome.NOT_YET_MET, value, [*blocks, *reasons])
