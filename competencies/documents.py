"""Printed documents of the competencies room: a blank observation form per scenario rubric, and the
programme handbook (a published programme version with the scenarios and rubrics its modules prepare
for; it lives here because it needs both rooms, and competencies may import curriculum).

Each document is gathered as plain data first (frozen dataclasses of text and numbers), so its cache
key is a hash of exactly what it shows; :mod:`core.printing` stores the PDF and sends it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from competencies import engine
from competencies import services as competency_services
from competencies.models import RubricVersion, Scenario
from core import printing
from core.extensions import db
from curriculum import schedule
from curriculum.models import CatalogueArea, NpqArea, Programme, ProgrammeVersion, VersionStatus
from curriculum.rules import delivery_mode_words

PRINT_CSS = Path(__file__).resolve().parent / "print.css"
FORM = printing.Printed(
    "observation-form", "competencies/print/observation_form.html", PRINT_CSS, ("competencies/print/_rubric.html",)
)
HANDBOOK = printing.Printed(
    "handbook", "competencies/print/handbook.html", PRINT_CSS, ("competencies/print/_rubric.html",)
)


@dataclass(frozen=True)
class LevelText:
    value: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class CriterionText:
    title: str
    must_meet: str  # "" or engine.must_reach's words, as on the scoring form
    levels: tuple[LevelText, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class FaultText:
    title: str
    severity: str
    fails_alone: bool
    why: str


@dataclass(frozen=True)
class RubricText:
    """A published rubric version, in words, for a form or a handbook."""

    title: str
    version: int
    model: str
    pass_rule: str
    criteria: tuple[CriterionText, ...]
    faults: tuple[FaultText, ...]


@dataclass(frozen=True)
class ScenarioText:
    key: str
    title: str
    purpose: str
    setting: str
    present: tuple[str, ...]
    looks_for: tuple[str, ...]
    observers: tuple[str, ...]
    sources: tuple[str, ...]
    rubric: RubricText | None


def rubric_text(version: RubricVersion) -> RubricText:
    rubric = competency_services.rubric_of(version)
    criteria = tuple(
        CriterionText(
            c.title,
            engine.must_reach(c),
            tuple(LevelText(lv.value, lv.label, engine.descriptor_of(rubric.model, lv)) for lv in c.levels),
            tuple(c.sources),
        )
        for c in rubric.criteria
    )
    faults = tuple(FaultText(f.title, f.severity.value, f.fails_alone, f.why) for f in rubric.fault_types)
    return RubricText(
        rubric.title,
        version.number,
        engine.words_of(rubric.model).description,
        pass_rule(rubric),
        criteria,
        faults,
    )


def pass_rule(rubric: engine.Rubric) -> str:
    """When the rubric says met, in words: its threshold means a pass mark (analytic), a level on
    the O-SCORE (entrustment) or a fault limit (faults)."""
    must_meet = any(c.critical_level is not None for c in rubric.criteria)
    if rubric.model is engine.RubricModel.FAULTS:
        rule = f"Met with at most {rubric.fault_limit} minor faults and no serious or dangerous fault."
    elif rubric.model is engine.RubricModel.ENTRUSTMENT:
        level = int(rubric.threshold)
        label = next((words for value, words, _ in engine.ENTRUSTMENT_SCALE if value == level), "")
        rule = f"Met when every criterion reaches level {level}" + (f" (“{label}”)" if label else "")
        rule += ", and every must-meet criterion its level." if must_meet else "."
    else:
        rule = f"Met at {float(rubric.threshold):g}% of the weighted score"
        rule += ", with every must-meet criterion at its level." if must_meet else "."
    if rubric.pass_rationale:
        rule += f" Why: {rubric.pass_rationale}"
    return rule


def _published(scenario: Scenario) -> RubricVersion | None:
    published = scenario.rubric.published
    return published[-1] if published else None


def scenario_text(scenario: Scenario) -> ScenarioText:
    version = _published(scenario)
    return ScenarioText(
        scenario.key,
        scenario.title,
        scenario.purpose,
        scenario.setting,
        tuple(scenario.present),
        tuple(scenario.looks_for),
        tuple(scenario.observers),
        tuple(scenario.sources),
        rubric_text(version) if version else None,
    )


# ---- the blank observation form ------------------------------------------------------------------


def blank_form_pdf(scenario_key: str) -> printing.StoredPdf | None:
    """The blank form of a scenario's published rubric; None if there is no such scenario or rubric."""
    scenario = competency_services.get_scenario(scenario_key)
    if scenario is None:
        return None
    text = scenario_text(scenario)
    if text.rubric is None:
        return None
    return FORM.pdf(
        "scenario",
        text,
        title=f"Observation form: {text.title}",
        header=f"Observation form · {text.title}",
        footer=f"Blank form · rubric version {text.rubric.version}",
    )


# ---- the programme handbook --------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeText:
    kind: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class ModuleText:
    title: str
    summary: str
    hours: int
    weeks: str
    block: str
    delivery: tuple[str, ...]
    outcomes: tuple[OutcomeText, ...]
    scenarios: tuple[str, ...]
    prerequisites: tuple[str, ...]


@dataclass(frozen=True)
class AreaText:
    title: str
    modules: tuple[ModuleText, ...]
    hours: int


@dataclass(frozen=True)
class Handbook:
    programme: str
    provider: str
    version: str
    published_on: str
    starts: str
    ends: str
    length_weeks: int
    hours: int
    areas: tuple[AreaText, ...]
    scenarios: tuple[ScenarioText, ...]


def _format(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _handbook(version: ProgrammeVersion) -> Handbook:
    slots = {
        s.key: s
        for s in schedule.slots(
            version.cohort_start,
            version.length_weeks,
            tuple(schedule.ModuleHours(m.key, m.title, m.hours, m.block) for m in version.modules),
        )
    }
    area_titles = {a.key: a.title for a in db.session.scalars(select(CatalogueArea))}
    area_titles.update({a.key: a.title for a in db.session.scalars(select(NpqArea)) if a.key not in area_titles})
    titles = {m.key: m.title for m in version.modules}
    scenario_keys = list(dict.fromkeys(k for m in version.modules for k in m.scenario_keys))
    scenarios = {s.key: s for s in competency_services.list_scenarios() if s.key in scenario_keys}
    grouped: dict[str, list[ModuleText]] = {}
    for m in version.modules:
        grouped.setdefault(m.area_key or "", []).append(
            ModuleText(
                m.title,
                m.summary,
                m.hours,
                slots[m.key].weeks,
                m.block,
                delivery_mode_words(m.delivery_modes),
                tuple(OutcomeText(o.kind, o.text, tuple(o.sources)) for o in m.outcomes),
                tuple(scenarios[k].title for k in m.scenario_keys if k in scenarios),
                tuple(titles.get(k, k) for k in m.prerequisite_keys),
            )
        )
    areas = tuple(
        AreaText(
            area_titles.get(key, "Other modules") if key else "Other modules", tuple(mods), sum(x.hours for x in mods)
        )
        for key, mods in grouped.items()
    )
    published = version.published_at.date() if version.published_at else None
    return Handbook(
        version.name,
        version.provider,
        version.label,
        _format(published) if published else "",
        _format(version.cohort_start),
        _format(schedule.programme_end(version.cohort_start, version.length_weeks)),
        version.length_weeks,
        sum(m.hours for m in version.modules),
        areas,
        tuple(scenario_text(scenarios[k]) for k in scenario_keys if k in scenarios),
    )


def published_version(programme_id: int, number: int) -> ProgrammeVersion | None:
    programme = db.session.get(Programme, programme_id)
    if programme is None:
        return None
    return db.session.scalar(
        select(ProgrammeVersion).where(
            ProgrammeVersion.programme_id == programme_id,
            ProgrammeVersion.number == number,
            ProgrammeVersion.status != VersionStatus.DRAFT,
        )
    )


def handbook_pdf(programme_id: int, number: int) -> printing.StoredPdf | None:
    """The handbook of a published programme version; None if there is no such version."""
    version = published_version(programme_id, number)
    if version is None:
        return None
    book = _handbook(version)
    return HANDBOOK.pdf(
        "book",
        book,
        title=f"Programme handbook: {book.programme}, {book.version}",
        header=f"Programme handbook · {book.programme} · {book.version}",
        footer=f"{book.version}, published on {book.published_on}" if book.published_on else book.version,
    )


def scenarios_printed_with(rubric_id: int) -> list[Scenario]:
    """The scenarios this rubric scores that have a blank form to print (a published version)."""
    return [
        s
        for s in db.session.scalars(select(Scenario).where(Scenario.rubric_id == rubric_id).order_by(Scenario.position))
        if _published(s) is not None
    ]
