"""The programme document: JSON export and import of one programme version (schema version 1).

See docs/programmes.md, "Programme JSON". :func:`check` finds every problem in one pass — shape, keys,
references, loops — each located by JSON path and named for people ("Module 2 ‘EHC needs
assessments’, hours: …"); it is linear in the document and touches no database (the catalogue's
keys come in as :class:`KnownKeys`). No Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from core.problems import Invalid, Problem, document_order, from_marshmallow, named_places
from curriculum import rules
from curriculum.drafts import ModuleDraft, OutcomeDraft, ProgrammeDetails, ProgrammeDraft
from curriculum.prerequisites import find_cycle
from curriculum.schemas import DELIVERY_MODES, KEY, text

SCHEMA_VERSION = 1
OUTCOME_KINDS = rules.OUTCOME_KINDS
PLACE_NAMES = {
    "modules": "module",
    "outcomes": "outcome",
    "npq_areas": "NPQ area",
    "survey_outcomes": "survey outcome",
    "prerequisites": "prerequisite",
    "sources": "source",
    "delivery_modes": "delivery mode",
    "scenarios": "scenario",
}


@dataclass(frozen=True)
class KnownKeys:
    """The catalogue's reference keys a document may name."""

    areas: frozenset[str]
    npq_areas: frozenset[str]
    survey_outcomes: frozenset[str]


def _text(maximum: int, what: str, required: bool = True) -> fields.String:
    if required:
        return fields.String(required=True, validate=text(maximum, what))
    return fields.String(load_default="", validate=text(maximum, what, required=False))


class OutcomeSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(OUTCOME_KINDS))
    text = _text(rules.OUTCOME_TEXT_MAX_LENGTH, "Outcome")
    npq_areas = fields.List(fields.String(validate=KEY), load_default=list)
    survey_outcomes = fields.List(fields.String(validate=KEY), load_default=list)
    sources = fields.List(_text(rules.SOURCE_MAX_LENGTH, "Source"), load_default=list)


class ModuleSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    title = _text(rules.TITLE_MAX_LENGTH, "Title")
    summary = _text(rules.SUMMARY_MAX_LENGTH, "Summary", required=False)
    hours = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(rules.HOURS_PER_MODULE_MIN, rules.HOURS_PER_MODULE_MAX, error=rules.HOURS_MESSAGE),
    )
    block = _text(rules.NAME_MAX_LENGTH, "Term or block", required=False)
    area = fields.String(load_default=None, allow_none=True, validate=KEY)
    catalogue_module = fields.String(load_default=None, allow_none=True, validate=KEY)
    delivery_modes = fields.List(fields.String(validate=validate.OneOf(DELIVERY_MODES)), load_default=list)
    scenarios = fields.List(fields.String(validate=KEY), load_default=list)
    prerequisites = fields.List(fields.String(validate=KEY), load_default=list)
    outcomes = fields.List(fields.Nested(OutcomeSchema), load_default=list)


class ProgrammeSchema(Schema):
    name = _text(rules.NAME_MAX_LENGTH, "Programme name")
    provider = _text(rules.NAME_MAX_LENGTH, "Provider")
    cohort_start = fields.Date(required=True)
    length_weeks = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(rules.LENGTH_WEEKS_MIN, rules.LENGTH_WEEKS_MAX, error=rules.LENGTH_WEEKS_MESSAGE),
    )


class VersionSchema(Schema):
    number = fields.Integer(allow_none=True, strict=True)
    status = fields.String()
    published_at = fields.AwareDateTime(allow_none=True)


class ProgrammeDocumentSchema(Schema):
    schema_version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Equal(SCHEMA_VERSION, error=f"This app reads schema version {SCHEMA_VERSION} only"),
    )
    programme = fields.Nested(ProgrammeSchema, required=True)
    # Written on export to say which version the file holds; accepted and ignored on import,
    # since an imported programme always starts as a new draft.
    version = fields.Nested(VersionSchema)  # not null: OpenAPI 3.0 can only say "null or any object"
    modules = fields.List(fields.Nested(ModuleSchema), required=True)


# ---- checks beyond the shape: keys and references, on the raw document ---------------------


def _strings(value: Any) -> list[tuple[int, str]]:
    return [(i, item) for i, item in enumerate(value) if isinstance(item, str)] if isinstance(value, list) else []


def _module_problems(i: int, module: dict[str, Any], first_at: dict[str, int], known: KnownKeys) -> list[Problem]:
    path = f"modules[{i}]"
    problems = []
    key = module.get("key")
    if isinstance(key, str) and first_at.get(key, i) != i:
        problems.append(Problem(f"{path}.key", f"Module key ‘{key}’ is used by module {first_at[key] + 1} too"))
    area = module.get("area")
    if isinstance(area, str) and area not in known.areas:
        problems.append(Problem(f"{path}.area", f"No catalogue area has the key ‘{area}’"))
    for j, needed in _strings(module.get("prerequisites")):
        if needed == key:
            problems.append(Problem(f"{path}.prerequisites[{j}]", "A module cannot be its own prerequisite"))
        elif needed not in first_at:
            problems.append(Problem(f"{path}.prerequisites[{j}]", f"No module has the key ‘{needed}’"))
    outcomes = module.get("outcomes")
    seen: set[str] = set()
    for j, outcome in enumerate(outcomes if isinstance(outcomes, list) else []):
        if not isinstance(outcome, dict):
            continue
        at = f"{path}.outcomes[{j}]"
        outcome_key = outcome.get("key")
        if isinstance(outcome_key, str):
            if outcome_key in seen:
                problems.append(Problem(f"{at}.key", f"Outcome key ‘{outcome_key}’ appears twice in this module"))
            seen.add(outcome_key)
        for name, keys, what in (
            ("npq_areas", known.npq_areas, "NPQ area"),
            ("survey_outcomes", known.survey_outcomes, "survey outcome"),
        ):
            problems += [
                Problem(f"{at}.{name}[{k}]", f"No {what} has the key ‘{value}’")
                for k, value in _strings(outcome.get(name))
                if value not in keys
            ]
    return problems


def _reference_problems(document: dict[str, Any], known: KnownKeys) -> list[Problem]:
    """Every key that must be unique or must name something, checked in one linear pass."""
    modules = document.get("modules")
    if not isinstance(modules, list):
        return []
    first_at: dict[str, int] = {}
    for i, module in enumerate(modules):
        if isinstance(module, dict) and isinstance(module.get("key"), str):
            first_at.setdefault(module["key"], i)
    problems = []
    for i, module in enumerate(modules):
        if isinstance(module, dict):
            problems += _module_problems(i, module, first_at, known)
    return problems


def _loop_problems(draft: ProgrammeDraft) -> list[Problem]:
    cycle = find_cycle({m.key: set(m.prerequisite_keys) for m in draft.modules})
    if not cycle:
        return []
    titles = {m.key: m.title for m in draft.modules}
    return [
        Problem("modules", "The prerequisites make a loop: " + " → ".join(f"‘{titles[k]}’" for k in reversed(cycle)))
    ]


def _draft(data: dict[str, Any]) -> ProgrammeDraft:
    details = data["programme"]
    return ProgrammeDraft(
        details=ProgrammeDetails(
            details["name"].strip(), details["provider"].strip(), details["cohort_start"], details["length_weeks"]
        ),
        modules=tuple(
            ModuleDraft(
                key=m["key"],
                title=m["title"].strip(),
                summary=m["summary"],
                hours=m["hours"],
                block=m["block"].strip(),
                area_key=m["area"],
                catalogue_key=m["catalogue_module"],
                delivery_modes=tuple(m["delivery_modes"]),
                scenario_keys=tuple(m["scenarios"]),
                prerequisite_keys=tuple(m["prerequisites"]),
                outcomes=tuple(
                    OutcomeDraft(
                        o["key"],
                        o["kind"],
                        o["text"],
                        tuple(o["npq_areas"]),
                        tuple(o["survey_outcomes"]),
                        tuple(o["sources"]),
                    )
                    for o in m["outcomes"]
                ),
            )
            for m in data["modules"]
        ),
    )


def check(document: dict[str, Any], known: KnownKeys) -> ProgrammeDraft:
    """The draft a programme document describes; :class:`Invalid` listing every problem otherwise."""
    problems: list[Problem] = []
    data: dict[str, Any] = {}
    try:
        data = ProgrammeDocumentSchema().load(document)
    except ValidationError as error:
        problems += from_marshmallow(error.messages)
    problems += _reference_problems(document, known)
    if not problems:
        draft = _draft(data)
        problems += _loop_problems(draft)
        if not problems:
            return draft
    problems.sort(key=lambda p: document_order(p.path))
    raise Invalid(named_places(problems, document, PLACE_NAMES))


def dump_version(version: Any) -> dict[str, Any]:
    """The document of one programme version (draft or published)."""
    return ProgrammeDocumentSchema().dump(
        {
            "schema_version": SCHEMA_VERSION,
            "programme": {
                "name": version.name,
                "provider": version.provider,
                "cohort_start": version.cohort_start,
                "length_weeks": version.length_weeks,
            },
            "version": {"number": version.number, "status": version.status.value, "published_at": version.published_at},
            "modules": [
                {
                    "key": m.key,
                    "title": m.title,
                    "summary": m.summary,
                    "hours": m.hours,
                    "block": m.block,
                    "area": m.area_key,
                    "catalogue_module": m.catalogue_key,
                    "delivery_modes": m.delivery_modes,
                    "scenarios": m.scenario_keys,
                    "prerequisites": m.prerequisite_keys,
                    "outcomes": [
                        {
                            "key": o.key,
                            "kind": o.kind,
                            "text": o.text,
                            "npq_areas": o.npq_areas,
                            "survey_outcomes": o.survey_outcomes,
                            "sources": o.sources,
                        }
                        for o in m.outcomes
                    ],
                }
                for m in version.modules
            ],
        }
    )
