"""When a competency counts as evidenced, as in workplace-based assessment: enough met
observations, by enough different observers, in enough different settings, the latest counted
observation met, and no dangerous fault lately. What is missing is returned as data.

Observers and settings are counted by identity (their exact text) among met observations; an
empty observer or setting is refused, since it cannot be told apart from another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from competencies.engine.aggregation import MixedRubrics, by_observation, read_enum, usable_results
from competencies.engine.errors import EvidenceError, PolicyError, Problem
from competencies.engine.model import ENGINE_VERSION, FaultSeverity, Outcome, Rubric, RubricModel
from competencies.engine.numbers import whole
from competencies.engine.results import Missing, Result, SignOff
from competencies.engine.rows import NOT_APPLICABLE

POLICY_MAX = 1_000
# The fewest each part of the policy may ask for (K needs at least one met observation; 0 turns a
# check off): read by the API's schema too, so its document states the range the engine enforces.
POLICY_LEAST = {"min_met": 1, "min_observers": 0, "min_settings": 0, "no_dangerous_in_last": 0}


@dataclass(frozen=True, slots=True)
class SignOffPolicy:
    min_met: int = 3  # K observations met
    min_observers: int = 2  # by J different observers
    min_settings: int = 2  # in S different settings
    no_dangerous_in_last: int = 3  # none of the last M observations had a dangerous fault
    mixed_rubrics: MixedRubrics = MixedRubrics.REFUSE

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        for name, least in POLICY_LEAST.items():
            value = whole(getattr(self, name))
            if value is None or not least <= value <= POLICY_MAX:
                problems.append(Problem(name, f"Enter a whole number from {least} to {POLICY_MAX:,}"))
        object.__setattr__(
            self, "mixed_rubrics", read_enum(MixedRubrics, self.mixed_rubrics, "mixed_rubrics", problems)
        )
        if problems:
            raise PolicyError(problems)


def _criterion_met(rubric: Rubric, i: int, level: Any, result: Result) -> bool:
    """Whether one criterion was met in one complete observation (for "never yet met")."""
    index = rubric.index
    if level == NOT_APPLICABLE:
        return False
    if rubric.model is RubricModel.FAULTS:
        key = index.keys[i]
        return not any(
            index.fault_types[f.fault].criterion == key
            and (f.severity is not FaultSeverity.MINOR or index.fault_types[f.fault].fails_alone)
            for f in result.faults
        )
    critical = dict(index.critical).get(i)
    if rubric.model is RubricModel.ENTRUSTMENT:
        return bool(level >= max(int(rubric.threshold), critical or 0))
    if critical is not None:
        return bool(level >= critical)
    return bool(100 * index.pass_denominator * level >= index.pass_numerator * index.tops[i])


def never_met(rubric: Rubric, counted: Sequence[Result]) -> tuple[str, ...]:
    met: set[str] = set()
    positions = rubric.index.positions
    for r in counted:
        if r.complete:
            met.update(k for k, level in zip(r.criteria, r.levels) if _criterion_met(rubric, positions[k], level, r))
    return tuple(k for k in rubric.index.keys if k not in met)


def sign_off(rubric: Rubric, results: Sequence[Result], policy: SignOffPolicy) -> SignOff:
    if not isinstance(policy, SignOffPolicy):
        raise PolicyError([Problem("policy", "Give a SignOffPolicy")])
    kept, _ = usable_results(rubric, results, policy.mixed_rubrics)
    problems = [
        Problem(f"results[{i}].observation.{name}", f"Name the {name}: an unnamed one cannot be told apart")
        for i, r in enumerate(kept)
        for name in ("observer", "setting")
        if not getattr(r.observation, name).strip()
    ]
    if problems:
        raise EvidenceError(problems)
    ordered = sorted(kept, key=by_observation)
    counted = [r for r in ordered if r.outcome is not Outcome.INSUFFICIENT_EVIDENCE]
    met = [r for r in counted if r.outcome is Outcome.MET]
    observers = tuple(sorted({r.observation.observer for r in met}))
    settings = tuple(sorted({r.observation.setting for r in met}))
    recent = ordered[-policy.no_dangerous_in_last :] if policy.no_dangerous_in_last else []
    dangerous = sum(1 for r in recent if r.dangerous)
    missing = []
    if len(met) < policy.min_met:
        missing.append(Missing("met_observations", len(met), policy.min_met))
    if len(observers) < policy.min_observers:
        missing.append(Missing("observers", len(observers), policy.min_observers))
    if len(settings) < policy.min_settings:
        missing.append(Missing("settings", len(settings), policy.min_settings))
    if counted and counted[-1].outcome is not Outcome.MET:
        missing.append(Missing("latest_met", 0, 1))
    if dangerous:
        missing.append(Missing("no_dangerous_recently", dangerous, 0))
    return SignOff(
        not missing,
        tuple(missing),
        len(met),
        observers,
        settings,
        never_met(rubric, counted),
        rubric.stamp,
        ENGINE_VERSION,
    )
