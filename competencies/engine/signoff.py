"""When a competency counts as evidenced, as in workplace-based assessment: enough observations
met, by enough different observers, in enough different settings, and no dangerous fault lately."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from competencies.engine.model import Outcome, ScoredObservation
from competencies.engine.validation import RubricError


@dataclass(frozen=True, slots=True)
class SignOffPolicy:
    min_met: int = 3                 # K observations met
    min_observers: int = 2           # by J different observers
    min_settings: int = 2            # in S different settings
    no_dangerous_in_last: int = 3    # none of the last M observations had a dangerous fault

    def __post_init__(self) -> None:
        problems = [(name, "Use a whole number of 0 or more") for name in
                    ("min_met", "min_observers", "min_settings", "no_dangerous_in_last") if getattr(self, name) < 0]
        if problems:
            raise RubricError(problems)


@dataclass(frozen=True, slots=True)
class SignOff:
    evidenced: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...]  # the names of the conditions not yet satisfied


def sign_off(observations: Sequence[ScoredObservation], policy: SignOffPolicy) -> SignOff:
    ordered = sorted(observations, key=lambda o: o.sequence)
    met = [o for o in ordered if o.result.outcome is Outcome.MET]
    observers = {o.observer for o in met}
    settings = {o.setting for o in met if o.setting}
    recent = ordered[-policy.no_dangerous_in_last:] if policy.no_dangerous_in_last else []
    checks = [
        ("min_met", len(met) >= policy.min_met,
         f"{len(met)} of {policy.min_met} observations met"),
        ("min_observers", len(observers) >= policy.min_observers,
         f"met with {len(observers)} of {policy.min_observers} different observers"),
        ("min_settings", len(settings) >= policy.min_settings,
         f"met in {len(settings)} of {policy.min_settings} different settings"),
        ("no_dangerous_in_last", not any(o.result.dangerous for o in recent),
         f"no dangerous fault in the last {policy.no_dangerous_in_last} observations"
         if not any(o.result.dangerous for o in recent)
         else f"a dangerous fault in the last {policy.no_dangerous_in_last} observations"),
    ]
    missing = tuple(name for name, ok, _ in checks if not ok)
    reasons = tuple(("Done: " if ok else "Still needed: ") + text for _, ok, text in checks)
    return SignOff(not missing, reasons, missing)
