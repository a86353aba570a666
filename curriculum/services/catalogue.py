"""The catalogue in the database: loading the shipped files, browsing, and analysing a version."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.extensions import db
from curriculum import analysis, catalogue
from curriculum.models import (
    CatalogueArea,
    CatalogueModule,
    CatalogueOutcome,
    NpqArea,
    ProgrammeVersion,
    SurveyOutcome,
)


@dataclass(frozen=True)
class Filters:
    keyword: str = ""
    area: str = ""
    npq_area: str = ""

    @classmethod
    def from_args(cls, args: MultiDict[str, str]) -> Filters:
        return cls(args.get("q", "").strip(), args.get("area", "").strip(), args.get("npq", "").strip())

    @property
    def active(self) -> bool:
        return bool(self.keyword or self.area or self.npq_area)

    def matches(self, module: CatalogueModule) -> bool:
        if self.area and module.area_key != self.area:
            return False
        if self.npq_area and not any(self.npq_area in o.npq_areas for o in module.outcomes):
            return False
        if self.keyword:
            words = self.keyword.lower().split()
            text = " ".join([module.title, module.summary, *(o.text for o in module.outcomes)]).lower()
            return all(word in text for word in words)
        return True


@dataclass(frozen=True)
class AreaView:
    key: str
    title: str
    mandatory: bool
    modules: list[CatalogueModule]


def _areas() -> list[CatalogueArea]:
    return list(db.session.scalars(select(CatalogueArea).order_by(CatalogueArea.position)))


def reference() -> dict[str, Any]:
    npq = list(db.session.scalars(select(NpqArea).order_by(NpqArea.position)))
    survey = list(db.session.scalars(select(SurveyOutcome).order_by(SurveyOutcome.position)))
    return {
        "npq_areas": npq,
        "npq_titles": {a.key: a.title for a in npq},
        "survey_titles": {s.key: s.title for s in survey},
        "survey_caveat": shipped_catalogue().survey_caveat,
    }


def framework() -> dict[str, Any]:
    """The NPQ framework's areas and statements with the catalogue modules covering each, and
    the evidence's caveats, for the catalogue page (read from the shipped files)."""
    data = shipped_catalogue()
    areas, statements = catalogue.framework_coverage(data)
    return {
        "framework_areas": areas,
        "framework_statements": statements,
        "framework_note": data.framework.note,
        "framework_source": data.framework.source,
        "survey_source": data.survey_source,
    }


def browse(filters: Filters) -> dict[str, Any]:
    """Areas with their modules that match the filters, for the catalogue pages."""
    areas = _areas()
    shown = [AreaView(a.key, a.title, a.mandatory, [m for m in a.modules if filters.matches(m)]) for a in areas]
    shown = [a for a in shown if a.modules]
    return {
        "areas": shown,
        "all_areas": areas,
        "count": sum(len(a.modules) for a in shown),
        **reference(),
    }


def get_module(key: str) -> CatalogueModule | None:
    return db.session.get(CatalogueModule, key)


def get_modules(keys: list[str]) -> list[CatalogueModule]:
    """The catalogue modules with these keys, in the order given, in one query; unknown keys are skipped."""
    found = {m.key: m for m in db.session.scalars(select(CatalogueModule).where(CatalogueModule.key.in_(keys)))}
    return [found[key] for key in keys if key in found]


def area_choices() -> list[tuple[str, str]]:
    return [(a.key, a.title) for a in db.session.scalars(select(CatalogueArea).order_by(CatalogueArea.position))]


# ---- loading -------------------------------------------------------------------------


@cache
def shipped_catalogue() -> catalogue.Catalogue:
    """The catalogue files shipped with the app, read once per process."""
    return catalogue.load_catalogue()


def load_catalogue(source: catalogue.Catalogue | None = None) -> str:
    """Bring the database in line with the catalogue files: add, update, remove. Idempotent."""
    data = source or shipped_catalogue()
    for position, npq in enumerate(data.npq_areas, start=1):
        db.session.merge(NpqArea(key=npq.key, title=npq.title, position=position))
    for position, item in enumerate(data.survey_items, start=1):
        db.session.merge(
            SurveyOutcome(
                key=item.key,
                group_key=item.group_key,
                group_title=item.group_title,
                title=item.title,
                met_well_percent=item.met_well_percent,
                position=position,
            )
        )
    for position, area in enumerate(data.areas, start=1):
        db.session.merge(_area_row(area, position))  # merge cascades: changed children update, dropped ones go
    db.session.flush()
    _delete_missing(CatalogueArea, {a.key for a in data.areas})
    _delete_missing(NpqArea, {a.key for a in data.npq_areas})
    _delete_missing(SurveyOutcome, {s.key for s in data.survey_items})
    db.session.commit()
    outcomes = sum(len(m.outcomes) for m in data.modules)
    return f"{len(data.areas)} areas, {len(data.modules)} modules and {outcomes} outcomes up to date"


def _area_row(area: catalogue.Area, position: int) -> CatalogueArea:
    return CatalogueArea(
        key=area.key,
        title=area.title,
        summary=area.summary,
        mandatory=area.mandatory,
        position=position,
        modules=[
            CatalogueModule(
                key=m.key,
                title=m.title,
                summary=m.summary,
                suggested_hours=m.hours,
                position=i,
                delivery_modes=list(m.delivery_modes),
                scenario_keys=list(m.scenario_keys),
                outcomes=[
                    CatalogueOutcome(
                        key=o.key,
                        kind=o.kind,
                        text=o.text,
                        npq_areas=list(o.npq_areas),
                        survey_outcomes=list(o.survey_outcomes),
                        sources=list(o.sources),
                        position=j,
                    )
                    for j, o in enumerate(m.outcomes, start=1)
                ],
            )
            for i, m in enumerate(area.modules, start=1)
        ],
    )


def _delete_missing(model: Any, keys: set[str]) -> None:
    for row in db.session.scalars(select(model).where(model.key.not_in(keys))):
        db.session.delete(row)


# ---- analysis ------------------------------------------------------------------------


def mandatory_areas() -> list[CatalogueArea]:
    """The areas every programme must cover (SEND law), as the database holds them: the one place
    both publishing and the analysis read."""
    return list(
        db.session.scalars(
            select(CatalogueArea).where(CatalogueArea.mandatory.is_(True)).order_by(CatalogueArea.position)
        )
    )


def reference_for_analysis(data: catalogue.Catalogue | None = None) -> analysis.Reference:
    data = data or shipped_catalogue()
    return analysis.Reference(
        npq_areas=data.npq_areas,
        survey_items=data.survey_items,
        benchmarks=tuple(analysis.Benchmark(b.key, b.title, b.hours) for b in data.benchmarks),
        mandatory_areas=tuple(analysis.NamedItem(a.key, a.title) for a in mandatory_areas()),
        hours_per_week_low=data.hours_band.low,
        hours_per_week_high=data.hours_band.high,
        survey_caveat=data.survey_caveat,
    )


def plan_of(version: ProgrammeVersion) -> analysis.Plan:
    return analysis.Plan(
        length_weeks=version.length_weeks,
        modules=tuple(
            analysis.PlannedModule(
                key=m.key,
                title=m.title,
                hours=m.hours,
                area_key=m.area_key,
                scenario_keys=tuple(m.scenario_keys),
                outcomes=tuple(
                    analysis.PlannedOutcome(
                        o.key, o.text, tuple(o.npq_areas), tuple(o.survey_outcomes), tuple(o.sources)
                    )
                    for o in m.outcomes
                ),
            )
            for m in version.modules
        ),
    )


def analyse(version: ProgrammeVersion) -> analysis.ProgrammeAnalysis:
    return analysis.analyse(plan_of(version), reference_for_analysis())
