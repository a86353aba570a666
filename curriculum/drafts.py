"""What a programme draft is made of, as plain values: what every way in produces.

The catalogue, a designer's own module, a copied version and an imported document all become
these, and :mod:`curriculum.services.programmes` turns them into rows in one place. No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class ProgrammeDetails:
    name: str
    provider: str
    cohort_start: date
    length_weeks: int


@dataclass(frozen=True)
class OutcomeDraft:
    key: str
    kind: str
    text: str
    npq_areas: tuple[str, ...] = ()
    survey_outcomes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleDraft:
    key: str
    title: str
    hours: int
    summary: str = ""
    block: str = ""
    area_key: str | None = None
    catalogue_key: str | None = None
    delivery_modes: tuple[str, ...] = ()
    scenario_keys: tuple[str, ...] = ()
    prerequisite_keys: tuple[str, ...] = ()
    outcomes: tuple[OutcomeDraft, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ProgrammeDraft:
    details: ProgrammeDetails
    modules: tuple[ModuleDraft, ...]

    @property
    def hours(self) -> int:
        return sum(m.hours for m in self.modules)
