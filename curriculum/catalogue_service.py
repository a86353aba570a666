"""The catalogue in the database: loading the shipped files, browsing, and analysing a version."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from core.extensions import db
from curriculum.models import CatalogueArea, CatalogueModule, NpqArea, SurveyOutcome


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
    query = (
        select(CatalogueArea)
        .options(selectinload(CatalogueArea.modules).selectinload(CatalogueModule.outcomes))
        .order_by(CatalogueArea.position)
    )
    return list(db.session.scalars(query))


def reference() -> dict[str, Any]:
    npq = list(db.session.scalars(select(NpqArea).order_by(NpqArea.position)))
    survey = list(db.session.scalars(select(SurveyOutcome).order_by(SurveyOutcome.position)))
    return {
        "npq_areas": npq,
        "npq_titles": {a.key: a.title for a in npq},
        "survey_titles": {s.key: s.title for s in survey},
    }


def browse(filters: Filters) -> dict[str, Any]:
    """Areas with their modules that match the filters, for the catalogue pages."""
    areas = _areas()
    shown = [
        AreaView(a.key, a.title, a.mandatory, [m for m in a.modules if filters.matches(m)]) for a in areas
    ]
    shown = [a for a in shown if a.modules]
    return {
        "areas": shown,
        "all_areas": areas,
        "count": sum(len(a.modules) for a in shown),
        **reference(),
    }


def get_module(key: str) -> CatalogueModule | None:
    return db.session.get(CatalogueModule, key)


def area_choices() -> list[tuple[str, str]]:
    return [(a.key, a.title) for a in db.session.scalars(select(CatalogueArea).order_by(CatalogueArea.position))]


def analyse(version: Any) -> None:
    """Placeholder until the analysis rules land; the template shows nothing for None."""
    return None
