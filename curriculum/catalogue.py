"""The built-in catalogue, read from ``curriculum/data`` and checked completely. No Flask, no database.

A broken data file raises :class:`CatalogueError` listing every problem as
``areas.yaml: areas[2].modules[0].outcomes[1].sources: Cite at least one source``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from core.documents import read_yaml
from core.problems import Invalid
from core.validation import DocumentError, LocatedError, located
from curriculum.analysis import NamedItem, SurveyItem
from curriculum.rules import outcome_kind
from curriculum.schemas import AreasSchema, ReferenceSchema

DATA_DIR = Path(__file__).parent / "data"


class CatalogueError(DocumentError):
    """The shipped (or given) catalogue files are not valid."""


@dataclass(frozen=True)
class Benchmark:
    key: str
    title: str
    hours: int
    weeks: int | None
    sources: tuple[str, ...]


@dataclass(frozen=True)
class HoursBand:
    low: float
    high: float
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    key: str
    kind: str  # "knowledge" or "practice"
    text: str
    npq_areas: tuple[str, ...]
    survey_outcomes: tuple[str, ...]
    sources: tuple[str, ...]  # full citations


@dataclass(frozen=True)
class Module:
    key: str
    area_key: str
    title: str
    summary: str
    hours: int
    delivery_modes: tuple[str, ...]
    scenario_keys: tuple[str, ...]
    outcomes: tuple[Outcome, ...]


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    summary: str
    mandatory: bool
    modules: tuple[Module, ...]


@dataclass(frozen=True)
class Catalogue:
    areas: tuple[Area, ...]
    npq_areas: tuple[NamedItem, ...]
    survey_items: tuple[SurveyItem, ...]
    benchmarks: tuple[Benchmark, ...]
    hours_band: HoursBand
    survey_source: str

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(m for a in self.areas for m in a.modules)

    def module(self, key: str) -> Module | None:
        return next((m for m in self.modules if m.key == key), None)


def _validated(schema: Any, path: Path) -> dict[str, Any]:
    try:
        return schema.load(read_yaml(path))
    except Invalid as error:  # missing, not UTF-8, or not YAML
        raise CatalogueError(error.problems) from None
    except ValidationError as error:
        raise CatalogueError([LocatedError(f"{path.name}: {e.path}", e.message) for e in located(error.messages)]) from None


def _duplicates(keys: list[str]) -> set[str]:
    return {key for key, count in Counter(keys).items() if count > 1}


def _cross_check(reference: dict[str, Any], areas: list[dict[str, Any]], file: str) -> list[LocatedError]:
    """Keys must be unique and every reference must name something that exists."""
    sources = set(reference["sources"])
    npq = {a["key"] for a in reference["npq_areas"]}
    survey = {o["key"] for g in reference["survey"]["groups"] for o in g["outcomes"]}
    modules = [m for a in areas for m in a["modules"]]
    outcomes = [o for m in modules for o in m["outcomes"]]
    twice = {
        "area": _duplicates([a["key"] for a in areas]),
        "module": _duplicates([m["key"] for m in modules]),
        "outcome": _duplicates([o["key"] for o in outcomes]),
    }
    errors = []
    for i, area in enumerate(areas):
        if area["key"] in twice["area"]:
            errors.append(LocatedError(f"{file}: areas[{i}].key", f"The key ‘{area['key']}’ is used more than once"))
        for j, module in enumerate(area["modules"]):
            path = f"{file}: areas[{i}].modules[{j}]"
            if module["key"] in twice["module"]:
                errors.append(LocatedError(f"{path}.key", f"The key ‘{module['key']}’ is used more than once"))
            for k, outcome in enumerate(module["outcomes"]):
                at = f"{path}.outcomes[{k}]"
                if outcome["key"] in twice["outcome"]:
                    errors.append(LocatedError(f"{at}.key", f"The key ‘{outcome['key']}’ is used more than once"))
                for name, known, what in (("npq", npq, "NPQ area"), ("survey", survey, "survey outcome"), ("sources", sources, "source")):
                    for n, key in enumerate(outcome[name]):
                        if key not in known:
                            errors.append(LocatedError(f"{at}.{name}[{n}]", f"No {what} has the key ‘{key}’"))
    return errors


def _outcome(data: dict[str, Any], citations: dict[str, str]) -> Outcome:
    kind = outcome_kind(data["text"]) or ""  # the schema has refused any other wording
    return Outcome(
        key=data["key"], kind=kind, text=data["text"], npq_areas=tuple(data["npq"]),
        survey_outcomes=tuple(data["survey"]), sources=tuple(citations[s] for s in data["sources"]),
    )


def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Read, validate and cross-check the catalogue files; all of it, or CatalogueError."""
    reference = _validated(ReferenceSchema(), data_dir / "reference.yaml")
    areas = _validated(AreasSchema(), data_dir / "areas.yaml")["areas"]
    errors = _cross_check(reference, areas, "areas.yaml")
    citations = reference["sources"]
    for i, benchmark in enumerate(reference["benchmarks"]):
        errors += [LocatedError(f"reference.yaml: benchmarks[{i}].sources", f"No source has the key ‘{s}’")
                   for s in benchmark["sources"] if s not in citations]
    if errors:
        raise CatalogueError(errors)
    survey = reference["survey"]
    return Catalogue(
        areas=tuple(
            Area(
                key=a["key"], title=a["title"], summary=a["summary"], mandatory=a["mandatory"],
                modules=tuple(
                    Module(
                        key=m["key"], area_key=a["key"], title=m["title"], summary=m["summary"], hours=m["hours"],
                        delivery_modes=tuple(m["delivery"]), scenario_keys=tuple(m["scenarios"]),
                        outcomes=tuple(_outcome(o, citations) for o in m["outcomes"]),
                    )
                    for m in a["modules"]
                ),
            )
            for a in areas
        ),
        npq_areas=tuple(NamedItem(a["key"], a["title"]) for a in reference["npq_areas"]),
        survey_items=tuple(
            SurveyItem(o["key"], o["title"], g["key"], g["title"], o["met_well_percent"])
            for g in survey["groups"] for o in g["outcomes"]
        ),
        benchmarks=tuple(
            Benchmark(b["key"], b["title"], b["hours"], b["weeks"], tuple(citations[s] for s in b["sources"]))
            for b in reference["benchmarks"]
        ),
        hours_band=HoursBand(
            reference["hours_per_week_band"]["low"], reference["hours_per_week_band"]["high"],
            tuple(citations[s] for s in reference["hours_per_week_band"]["sources"]),
        ),
        survey_source=citations[survey["source"]],
    )
