"""The programme document: JSON export and import of one programme version (schema version 1).

See README "Programme JSON". Loading validates everything first and reports every problem
with its path; nothing is written unless the whole document is sound.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from curriculum.prerequisites import find_cycle
from curriculum.schemas import DELIVERY_MODES, KEY, OUTCOME_PREFIXES

SCHEMA_VERSION = 1
OUTCOME_KINDS = tuple(OUTCOME_PREFIXES.values())


def _text(maximum: int, required: bool = True) -> fields.String:
    if required:
        return fields.String(required=True, validate=validate.Length(1, maximum, error=f"Enter 1 to {maximum} characters"))
    return fields.String(load_default="", validate=validate.Length(0, maximum, error=f"Use {maximum} characters or fewer"))


class OutcomeSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(OUTCOME_KINDS))
    text = _text(2000)
    npq_areas = fields.List(fields.String(validate=KEY), load_default=list)
    survey_outcomes = fields.List(fields.String(validate=KEY), load_default=list)
    sources = fields.List(_text(500), load_default=list)


class ModuleSchema(Schema):
    key = fields.String(required=True, validate=KEY)
    title = _text(200)
    summary = _text(4000, required=False)
    hours = fields.Integer(
        required=True, strict=True,
        validate=validate.Range(1, 1000, error="Enter hours as a whole number between 1 and 1,000"),
    )
    block = _text(120, required=False)
    area = fields.String(load_default=None, allow_none=True, validate=KEY)
    catalogue_module = fields.String(load_default=None, allow_none=True, validate=KEY)
    delivery_modes = fields.List(fields.String(validate=validate.OneOf(DELIVERY_MODES)), load_default=list)
    scenarios = fields.List(fields.String(validate=KEY), load_default=list)
    prerequisites = fields.List(fields.String(validate=KEY), load_default=list)
    outcomes = fields.List(fields.Nested(OutcomeSchema), load_default=list)


class ProgrammeSchema(Schema):
    name = _text(120)
    provider = _text(120)
    cohort_start = fields.Date(required=True)
    length_weeks = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, 260, error="Enter a length between 1 and 260 weeks")
    )


class VersionSchema(Schema):
    number = fields.Integer(allow_none=True)
    status = fields.String()
    published_at = fields.AwareDateTime(allow_none=True)


class ProgrammeDocumentSchema(Schema):
    schema_version = fields.Integer(
        required=True, strict=True,
        validate=validate.Equal(SCHEMA_VERSION, error=f"This app reads schema version {SCHEMA_VERSION} only"),
    )
    programme = fields.Nested(ProgrammeSchema, required=True)
    # Written on export to say which version the file holds; accepted and ignored on import,
    # since an imported programme always starts as a new draft.
    version = fields.Nested(VersionSchema, load_default=None)
    modules = fields.List(fields.Nested(ModuleSchema), required=True)

    @validates_schema
    def _check_references(self, data: dict[str, Any], **_kwargs: Any) -> None:
        errors: dict[int, dict[str, Any]] = {}
        modules = data.get("modules", [])
        seen: dict[str, int] = {}
        for i, module in enumerate(modules):
            if module["key"] in seen:
                errors.setdefault(i, {})["key"] = [f"Module key ‘{module['key']}’ is used by modules[{seen[module['key']]}] too"]
            seen.setdefault(module["key"], i)
            outcome_keys: set[str] = set()
            for j, outcome in enumerate(module["outcomes"]):
                if outcome["key"] in outcome_keys:
                    errors.setdefault(i, {}).setdefault("outcomes", {})[j] = {"key": [f"Outcome key ‘{outcome['key']}’ appears twice in this module"]}
                outcome_keys.add(outcome["key"])
            for j, needed in enumerate(module["prerequisites"]):
                if needed not in seen and needed not in {m["key"] for m in modules}:
                    errors.setdefault(i, {}).setdefault("prerequisites", {})[j] = [f"No module has the key ‘{needed}’"]
                elif needed == module["key"]:
                    errors.setdefault(i, {}).setdefault("prerequisites", {})[j] = ["A module cannot be its own prerequisite"]
        if errors:
            raise ValidationError({"modules": errors})
        cycle = find_cycle({m["key"]: set(m["prerequisites"]) for m in modules})
        if cycle:
            raise ValidationError({"modules": [f"The prerequisites make a loop: {' → '.join(reversed(cycle))}"]})


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
