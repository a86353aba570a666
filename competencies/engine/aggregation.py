"""Many observations of one competency → one judgement, by the method the programme chose.

Values are each observation's ``percent`` (0–100) in chronological order (``sequence``):
- latest, highest, mean: as named;
- decaying average (weight w, e.g. 0.65): w × newest + (1 − w) × mean of the earlier ones,
  and the newest alone when there is only one (the Canvas "decaying average");
- n times met: how many observations were met; mastery when at least n.
Mastery (for the value methods) is a value at or above ``mastery_percent``. Observations with
insufficient evidence are left out; none left gives "insufficient evidence".
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from operator import attrgetter

from competencies.engine.model import Aggregate, Outcome, ScoredObservation
from competencies.engine.validation import RubricError


_SEQUENCE = attrgetter("sequence")


class AggregationMethod(str, enum.Enum):
    LATEST = "latest"
    HIGHEST = "highest"
    MEAN = "mean"
    DECAYING_AVERAGE = "decaying-average"
    N_TIMES = "n-times"


@dataclass(frozen=True, slots=True)
class AggregationPolicy:
    method: AggregationMethod
    mastery_percent: float = 75.0
    decay_weight: float = 0.65
    times: int = 3

    @classmethod
    def parse(cls, method: str, **options: float) -> AggregationPolicy:
        """Build a policy from plain values, refusing unknown methods and impossible options."""
        problems = []
        try:
            chosen = AggregationMethod(method)
        except ValueError:
            known = ", ".join(m.value for m in AggregationMethod)
            raise RubricError([("method", f"There is no aggregation method ‘{method}’; use one of: {known}")]) from None
        policy = cls(chosen, **options)  # type: ignore[arg-type]
        if not 0 < policy.mastery_percent <= 100:
            problems.append(("mastery_percent", "Set mastery between 1 and 100 per cent"))
        if not 0 < policy.decay_weight < 1:
            problems.append(("decay_weight", "Set the weight of the newest observation above 0 and below 1"))
        if policy.times < 1:
            problems.append(("times", "Ask for at least 1 observation met"))
        if problems:
            raise RubricError(problems)
        return policy


def _value(method: AggregationMethod, values: list[float], weight: float) -> float:
    if method is AggregationMethod.LATEST:
        return values[-1]
    if method is AggregationMethod.HIGHEST:
        return max(values)
    if method is AggregationMethod.MEAN:
        return sum(values) / len(values)
    if len(values) == 1:
        return values[0]
    earlier = values[:-1]
    return weight * values[-1] + (1 - weight) * (sum(earlier) / len(earlier))


def aggregate(observations: Sequence[ScoredObservation], policy: AggregationPolicy) -> Aggregate:
    usable = sorted([o for o in observations if o.result.outcome is not Outcome.INSUFFICIENT_EVIDENCE],
                    key=_SEQUENCE)
    if not usable:
        return Aggregate(Outcome.INSUFFICIENT_EVIDENCE, None, ("No observation with enough evidence yet.",))
    if policy.method is AggregationMethod.N_TIMES:
        met = sum(1 for o in usable if o.result.outcome is Outcome.MET)
        outcome = Outcome.MET if met >= policy.times else Outcome.NOT_YET_MET
        return Aggregate(outcome, float(met), (f"Met in {met} of {len(usable)} observations; {policy.times} needed.",))
    value = _value(policy.method, [o.result.percent for o in usable], policy.decay_weight)
    outcome = Outcome.MET if value >= policy.mastery_percent else Outcome.NOT_YET_MET
    name = policy.method.value.replace("-", " ")
    return Aggregate(outcome, value, (
        f"The {name} of {len(usable)} observation{'s' if len(usable) != 1 else ''} is {value:.0f}%; "
        f"{policy.mastery_percent:g}% shows mastery.",))
