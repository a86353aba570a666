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
from core.problems import Invalid, Problem, from_marshmallow
from curriculum.analysis import NamedItem, SurveyItem
from curriculum.rules import outcome_kind
from curriculum.schemas import AreasSchema, ReferenceSchema

DATA_DIR = Path(__file__).parent / "data"


class CatalogueError(Invalid):
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
    npq_statements: tuple[str, ...] = ()  # keys of the framework's own statements it covers


@dataclass(frozen=True)
class NpqStatement:
    """One of the NPQ framework's "learn that / learn how to" statements, by its reference."""

    key: str
    reference: str
    area_key: str
    text: str


@dataclass(frozen=True)
class FrameworkStatements:
    """The framework's own statements as far as they are known here, with the note the page shows."""

    statements: tuple[NpqStatement, ...]
    note: str
    source: str  # full citation


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
    survey_source: str  # full citation
    survey_base: str  # who answered, and how many, section by section
    survey_caveat: str  # who commissioned the survey and whom it reached
    framework: FrameworkStatements

    @property
    def modules(self) -> tuple[Module, ...]:
        return tuple(m for a in self.areas for m in a.modules)

    def module(self, key: str) -> Module | None:
        return next((m for m in self.modules if m.key == key), None)


@dataclass(frozen=True)
class StatementCoverage:
    statement: NpqStatement
    modules: tuple[str, ...]  # titles of the modules with an outcome mapped to it


@dataclass(frozen=True)
class AreaCoverage:
    key: str
    title: str
    modules: tuple[str, ...]  # titles of the modules with an outcome mapped to the area


def framework_coverage(data: Catalogue) -> tuple[tuple[AreaCoverage, ...], tuple[StatementCoverage, ...]]:
    """Which catalogue modules cover each NPQ area and each framework statement; a statement no
    module covers has no titles, so the page can list it as a gap."""

    def covering(test: Any) -> tuple[str, ...]:
        return tuple(m.title for m in data.modules if any(test(o) for o in m.outcomes))

    areas = tuple(AreaCoverage(a.key, a.title, covering(lambda o, k=a.key: k in o.npq_areas)) for a in data.npq_areas)
    statements = tuple(
        StatementCoverage(s, covering(lambda o, k=s.key: k in o.npq_statements)) for s in data.framework.statements
    )
    return areas, statements


def cite(source: dict[str, Any], at: str) -> str:
    """One readable citation, ending with the document's address when it has one.

    ``Author (year), Title, Publisher, locator https://…``: templates link the trailing address
    (see ``curriculum/_citation.html``); programme documents keep the whole string.
    """
    text = f"{source['author']} ({source['year']}), {source['title']}, {source['publisher']}, {at}"
    return f"{text} {source['url']}" if source.get("url") else text


def resolve(sources: dict[str, dict[str, Any]], cited: list[dict[str, str]]) -> tuple[str, ...]:
    return tuple(cite(sources[c["ref"]], c["at"]) for c in cited)


def unknown_citations(sources: dict[str, Any], cited: list[dict[str, str]], path: str) -> list[Problem]:
    return [
        Problem(f"{path}[{n}].ref", f"No source in reference.yaml has the key ‘{c['ref']}’")
        for n, c in enumerate(cited)
        if c["ref"] not in sources
    ]


def load_sources(data_dir: Path = DATA_DIR) -> dict[str, dict[str, Any]]:
    """The full references of ``reference.yaml``, by key (the scenario library cites them too)."""
    return _validated(ReferenceSchema(), data_dir / "reference.yaml")["sources"]


def _validated(schema: Any, path: Path) -> dict[str, Any]:
    try:
        return schema.load(read_yaml(path))
    except Invalid as error:  # missing, not UTF-8, or not YAML
        raise CatalogueError(error.problems) from None
    except ValidationError as error:
        raise CatalogueError(
            [Problem(f"{path.name}: {e.path}", e.message) for e in from_marshmallow(error.messages)]
        ) from None


def _duplicates(keys: list[str]) -> set[str]:
    return {key for key, count in Counter(keys).items() if count > 1}


def _cross_check(reference: dict[str, Any], areas: list[dict[str, Any]], file: str) -> list[Problem]:
    """Keys must be unique and every reference must name something that exists."""
    npq = {a["key"] for a in reference["npq_areas"]}
    survey = {o["key"] for g in reference["survey"]["groups"] for o in g["outcomes"]}
    statements = {s["key"] for s in reference["npq_statements"]["statements"]}
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
            errors.append(Problem(f"{file}: areas[{i}].key", f"The key ‘{area['key']}’ is used more than once"))
        for j, module in enumerate(area["modules"]):
            path = f"{file}: areas[{i}].modules[{j}]"
            if module["key"] in twice["module"]:
                errors.append(Problem(f"{path}.key", f"The key ‘{module['key']}’ is used more than once"))
            for k, outcome in enumerate(module["outcomes"]):
                at = f"{path}.outcomes[{k}]"
                if outcome["key"] in twice["outcome"]:
                    errors.append(Problem(f"{at}.key", f"The key ‘{outcome['key']}’ is used more than once"))
                for name, known, what in (
                    ("npq", npq, "NPQ area"),
                    ("survey", survey, "survey outcome"),
                    ("npq_statements", statements, "NPQ framework statement"),
                ):
                    for n, key in enumerate(outcome[name]):
                        if key not in known:
                            errors.append(Problem(f"{at}.{name}[{n}]", f"No {what} has the key ‘{key}’"))
                errors += unknown_citations(reference["sources"], outcome["sources"], f"{at}.sources")
    return errors


def _outcome(data: dict[str, Any], citations: dict[str, dict[str, Any]]) -> Outcome:
    kind = outcome_kind(data["text"]) or ""  # the schema has refused any other wording
    return Outcome(
        key=data["key"],
        kind=kind,
        text=data["text"],
        npq_areas=tuple(data["npq"]),
        survey_outcomes=tuple(data["survey"]),
        sources=resolve(citations, data["sources"]),
        npq_statements=tuple(data["npq_statements"]),
    )


def load_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Read, validate and cross-check the catalogue files; all of it, or CatalogueError."""
    reference = _validated(ReferenceSchema(), data_dir / "reference.yaml")
    areas = _validated(AreasSchema(), data_dir / "areas.yaml")["areas"]
    errors = _cross_check(reference, areas, "areas.yaml")
    citations = reference["sources"]
    for i, benchmark in enumerate(reference["benchmarks"]):
        errors += unknown_citations(citations, benchmark["sources"], f"reference.yaml: benchmarks[{i}].sources")
    errors += unknown_citations(
        citations, reference["hours_per_week_band"]["sources"], "reference.yaml: hours_per_week_band.sources"
    )
    errors += unknown_citations(citations, [reference["survey"]["source"]], "reference.yaml: survey.source")
    framework = reference["npq_statements"]
    errors += unknown_citations(citations, [framework["source"]], "reference.yaml: npq_statements.source")
    npq_keys = {a["key"] for a in reference["npq_areas"]}
    errors += [
        Problem(f"reference.yaml: npq_statements.statements[{i}].area", f"No NPQ area has the key ‘{s['area']}’")
        for i, s in enumerate(framework["statements"])
        if s["area"] not in npq_keys
    ]
    if errors:
        raise CatalogueError(errors)
    survey = reference["survey"]
    return Catalogue(
        areas=tuple(
            Area(
                key=a["key"],
                title=a["title"],
                summary=a["summary"],
                mandatory=a["mandatory"],
                modules=tuple(
                    Module(
                        key=m["key"],
                        area_key=a["key"],
                        title=m["title"],
                        summary=m["summary"],
                        hours=m["hours"],
                        delivery_modes=tuple(m["delivery"]),
                        scenario_keys=tuple(m["scenarios"]),
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
            for g in survey["groups"]
            for o in g["outcomes"]
        ),
        benchmarks=tuple(
            Benchmark(b["key"], b["title"], b["hours"], b["weeks"], resolve(citations, b["sources"]))
            for b in reference["benchmarks"]
        ),
        hours_band=HoursBand(
            reference["hours_per_week_band"]["low"],
            reference["hours_per_week_band"]["high"],
            resolve(citations, reference["hours_per_week_band"]["sources"]),
        ),
        survey_source=resolve(citations, [survey["source"]])[0],
        survey_base=survey["base"],
        survey_caveat=survey["caveat"],
        framework=FrameworkStatements(
            tuple(NpqStatement(s["key"], s["reference"], s["area"], s["text"]) for s in framework["statements"]),
            framework["note"],
            resolve(citations, [framework["source"]])[0],
        ),
    )
