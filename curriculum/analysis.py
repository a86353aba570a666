"""Analysis of a draft programme: hours against benchmarks, coverage, and warnings that say
what to do. Plain Python: no Flask, no database; the web layer builds the inputs.

Coverage rule: a module counts towards an NPQ area (or a survey outcome) when at least one of
its outcomes is mapped to it; its hours then count towards that area. A module may count
towards several areas, so per-area hours can add up to more than the total.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

# ---- inputs --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedOutcome:
    key: str
    text: str
    npq_areas: tuple[str, ...]
    survey_outcomes: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class PlannedModule:
    key: str
    title: str
    hours: int
    area_key: str | None
    scenario_keys: tuple[str, ...]
    outcomes: tuple[PlannedOutcome, ...]


@dataclass(frozen=True)
class Plan:
    length_weeks: int
    modules: tuple[PlannedModule, ...]


@dataclass(frozen=True)
class NamedItem:
    key: str
    title: str


@dataclass(frozen=True)
class SurveyItem:
    key: str
    title: str
    group_key: str
    group_title: str
    met_well_percent: int


@dataclass(frozen=True)
class Benchmark:
    key: str
    title: str
    hours: int


@dataclass(frozen=True)
class Reference:
    npq_areas: tuple[NamedItem, ...]
    survey_items: tuple[SurveyItem, ...]
    benchmarks: tuple[Benchmark, ...]
    mandatory_areas: tuple[NamedItem, ...]
    hours_per_week_low: float = 1.0
    hours_per_week_high: float = 2.0
    weak_survey_percent: int = 65  # survey outcomes met well by fewer than this are "weakest"
    survey_caveat: str = ""  # who commissioned the survey and whom it reached, shown beside its figures


# ---- results -------------------------------------------------------------------------


class WarningCode(str, Enum):
    NO_MODULES = "no-modules"
    MANDATORY_MISSING = "mandatory-missing"
    HOURS_PER_WEEK_LOW = "hours-per-week-low"
    HOURS_PER_WEEK_HIGH = "hours-per-week-high"
    NPQ_AREA_UNCOVERED = "npq-area-uncovered"
    WEAK_SURVEY_OUTCOME_UNCOVERED = "weak-survey-outcome-uncovered"
    MODULE_WITHOUT_SCENARIO = "module-without-scenario"
    OUTCOME_WITHOUT_SOURCE = "outcome-without-source"


@dataclass(frozen=True)
class Warning:
    code: WarningCode
    message: str
    module_key: str | None = None
    area_key: str | None = None  # a catalogue area or NPQ area to look in for a fix
    outcome_key: str | None = None


@dataclass(frozen=True)
class BenchmarkComparison:
    key: str
    title: str
    hours: int
    ratio: float  # programme hours ÷ benchmark hours


@dataclass(frozen=True)
class Coverage:
    key: str
    title: str
    outcome_count: int
    hours: int
    group_title: str = ""
    met_well_percent: int | None = None

    @property
    def covered(self) -> bool:
        return self.outcome_count > 0


@dataclass(frozen=True)
class ProgrammeAnalysis:
    total_hours: int
    length_weeks: int
    hours_per_week: float
    benchmarks: tuple[BenchmarkComparison, ...]
    npq_coverage: tuple[Coverage, ...]
    survey_coverage: tuple[Coverage, ...]  # weakest (lowest met-well share) first
    mandatory_missing: tuple[NamedItem, ...]
    modules_without_scenario: tuple[str, ...]  # module keys
    outcomes_without_source: tuple[tuple[str, str], ...]  # (module key, outcome key)
    warnings: tuple[Warning, ...]
    survey_caveat: str = ""


# ---- the rules -----------------------------------------------------------------------


def _coverage(plan: Plan, key: str, field: str) -> tuple[int, int]:
    """(outcomes mapped to ``key``, hours of the modules that have such an outcome)."""
    outcomes, hours = 0, 0
    for module in plan.modules:
        touching = sum(1 for o in module.outcomes if key in getattr(o, field))
        outcomes += touching
        hours += module.hours if touching else 0
    return outcomes, hours


def _hours_warning(hours_per_week: float, plan: Plan, total: int, ref: Reference) -> list[Warning]:
    band = f"{ref.hours_per_week_low:g}–{ref.hours_per_week_high:g} hours a week"
    pace = f"{total} hours over {plan.length_weeks} weeks is {hours_per_week:.1f} hours a week"
    if hours_per_week < ref.hours_per_week_low:
        return [
            Warning(
                WarningCode.HOURS_PER_WEEK_LOW,
                f"{pace}, below the NPQ’s usual {band}. Add modules or hours, or shorten the programme.",
            )
        ]
    if hours_per_week > ref.hours_per_week_high:
        return [
            Warning(
                WarningCode.HOURS_PER_WEEK_HIGH,
                f"{pace}, above the NPQ’s usual {band}: busy SENCOs may not keep up. Reduce hours or lengthen the programme.",
            )
        ]
    return []


def analyse(plan: Plan, ref: Reference) -> ProgrammeAnalysis:
    total = sum(m.hours for m in plan.modules)
    per_week = total / plan.length_weeks if plan.length_weeks else 0.0
    npq = tuple(Coverage(a.key, a.title, *_coverage(plan, a.key, "npq_areas")) for a in ref.npq_areas)
    survey = tuple(
        sorted(
            (
                Coverage(
                    s.key,
                    s.title,
                    *_coverage(plan, s.key, "survey_outcomes"),
                    group_title=s.group_title,
                    met_well_percent=s.met_well_percent,
                )
                for s in ref.survey_items
            ),
            key=lambda c: (c.met_well_percent, c.title),
        )
    )
    present_areas = {m.area_key for m in plan.modules}
    missing = tuple(a for a in ref.mandatory_areas if a.key not in present_areas)
    no_scenario = tuple(m.key for m in plan.modules if not m.scenario_keys)
    no_source = tuple((m.key, o.key) for m in plan.modules for o in m.outcomes if not o.sources)

    titles = {m.key: m.title for m in plan.modules}
    warnings: list[Warning] = []
    if not plan.modules:
        warnings.append(
            Warning(WarningCode.NO_MODULES, "The programme has no modules yet. Add modules from the catalogue.")
        )
    warnings += [
        Warning(
            WarningCode.MANDATORY_MISSING,
            f"{a.title} is mandatory, but none of its modules is in the programme. Add at least one.",
            area_key=a.key,
        )
        for a in missing
    ]
    if plan.modules:
        warnings += _hours_warning(per_week, plan, total, ref)
        warnings += [
            Warning(
                WarningCode.NPQ_AREA_UNCOVERED,
                f"No outcome covers the NPQ area ‘{c.title}’. Add a module that does.",
                area_key=c.key,
            )
            for c in npq
            if not c.covered
        ]
        warnings += [
            Warning(
                WarningCode.WEAK_SURVEY_OUTCOME_UNCOVERED,
                f"‘{c.title}’ was one of the NASENCO’s weakest outcomes ({c.met_well_percent}% of SENCOs said it was met well), "
                "and no outcome here addresses it. Consider a module that does.",
            )
            for c in survey
            if not c.covered and (c.met_well_percent or 0) < ref.weak_survey_percent
        ]
    warnings += [
        Warning(
            WarningCode.MODULE_WITHOUT_SCENARIO,
            f"‘{titles[key]}’ prepares for no observed scenario, so trainees will not be assessed on it in practice. "
            "Link it to a scenario, or check this is intended.",
            module_key=key,
        )
        for key in no_scenario
    ]
    warnings += [
        Warning(
            WarningCode.OUTCOME_WITHOUT_SOURCE,
            f"An outcome of ‘{titles[module_key]}’ cites no source. Add the research, guidance or law it rests on.",
            module_key=module_key,
            outcome_key=outcome_key,
        )
        for module_key, outcome_key in no_source
    ]
    return ProgrammeAnalysis(
        total_hours=total,
        length_weeks=plan.length_weeks,
        hours_per_week=per_week,
        benchmarks=tuple(BenchmarkComparison(b.key, b.title, b.hours, total / b.hours) for b in ref.benchmarks),
        npq_coverage=npq,
        survey_coverage=survey,
        mandatory_missing=missing,
        modules_without_scenario=no_scenario,
        outcomes_without_source=no_source,
        warnings=tuple(warnings),
        survey_caveat=ref.survey_caveat,
    )
