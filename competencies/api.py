"""JSON API for rubrics and the scenario library (course designers' tokens).

Rubrics travel in the engine's dict format (see competencies/engine/serialise.py), which the
engine checks itself; problems come back as
``{"errors": [{"path": "criteria[1].levels[0].value", "message": …}]}``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for
from marshmallow import Schema, fields

from competencies import engine, services
from competencies.models import Rubric, RubricVersion
from competencies.services import authoring
from competencies.services import imports as rubric_imports
from core import api
from core.accounts.roles import Role
from core.keys import KEY_PATTERN
from core.problems import Problem

bp = api.api_blueprint("competencies_api", __name__, Role.DESIGNER, description="Scenarios and rubrics")

# ---- schemas -------------------------------------------------------------------------


class LevelSchema(Schema):
    value = fields.Integer(required=True)
    label = fields.String(required=True)
    descriptor = fields.String()


class CriterionSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    weight = fields.Raw(metadata={"type": "number", "description": "Decimal text of the weight is kept exactly"})
    critical_level = fields.Integer(allow_none=True)
    levels = fields.List(fields.Nested(LevelSchema))
    sources = fields.List(fields.String())


class FaultTypeSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    criterion = fields.String(allow_none=True)
    severity = fields.String(required=True, metadata={"enum": [s.value for s in engine.FaultSeverity]})
    fails_alone = fields.Boolean()
    why = fields.String()
    sources = fields.List(fields.String())


class RubricDefinitionSchema(Schema):
    """The engine's rubric format, described for readers; the engine checks it and names each path."""

    key = fields.String(required=True, metadata={"pattern": KEY_PATTERN})
    title = fields.String(required=True, metadata={"minLength": 1})
    model = fields.String(required=True, metadata={"enum": [m.value for m in engine.RubricModel]})
    threshold = fields.Raw(allow_none=True, metadata={"type": "number"})
    fault_limit = fields.Integer(allow_none=True)
    pass_rationale = fields.String()
    criteria = fields.List(fields.Nested(CriterionSchema), required=True, metadata={"minItems": 1})
    fault_types = fields.List(fields.Nested(FaultTypeSchema))


_ITEMS = {"type": "array", "items": {"type": "object"}, "nullable": True}  # null or left out: none
# The keys of the engine's evidence (competencies/engine/evidence.py), which refuses any other.
EVIDENCE_DOCUMENT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "judgements": {**_ITEMS, "description": '[{"criterion", "level", "comment", "not_applicable"}]'},
        "faults": {**_ITEMS, "description": '[{"fault", "severity", "note"}]'},
        "observation_id": {"type": "string"},
        "observed_at": {
            "type": "string",
            "pattern": engine.MOMENT_PATTERN,
            "description": "A date, or date and time, like 2026-03-03T10:30 (without an offset, UTC)",
        },
        "observer": {"type": "string"},
        "setting": {"type": "string"},
    },
}


class TrySchema(Schema):
    evidence = fields.Dict(required=True, metadata={"description": "Sample evidence", **EVIDENCE_DOCUMENT})
    version = fields.Integer(load_default=None, strict=True, metadata={"description": "The newest unless given"})


class ScenarioSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    purpose = fields.String(required=True)
    modules = fields.List(fields.String(), required=True, attribute="module_keys")
    sources = fields.List(fields.String(), required=True)
    observers = fields.List(fields.String(), required=True, metadata={"description": "Who may observe it"})
    rubric = fields.Function(
        lambda s: url_for("competencies_api.get_rubric", rubric_id=s.rubric_id),
        required=True,
        metadata={"type": "string"},
    )


class VersionSummarySchema(Schema):
    number = fields.Integer(required=True)
    published = fields.Function(lambda v: v.published_at is not None, required=True, metadata={"type": "boolean"})
    in_use = fields.Boolean(required=True)


class RubricSummarySchema(Schema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    title = fields.String(required=True)
    modules = fields.List(fields.String(), required=True, attribute="module_keys")
    scenario = fields.String(required=True, allow_none=True, attribute="scenario_key")
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True)
    lock_version = fields.Function(
        lambda r: _lock_version(r.draft) if r.draft else None,
        required=True,
        metadata={
            "type": "integer",
            "nullable": True,
            "description": "The draft's lock (its ETag); null without a draft",
        },
    )
    url = fields.Function(
        lambda r: url_for("competencies_api.get_rubric", rubric_id=r.id), required=True, metadata={"type": "string"}
    )


class RubricSchema(RubricSummarySchema):
    latest = fields.Nested(RubricDefinitionSchema, required=True, attribute="latest.definition")


class PublishedRubricSchema(RubricSummarySchema):
    published = fields.Function(lambda r: r.published[-1].number, required=True, metadata={"type": "integer"})


class TryResultSchema(Schema):
    version = fields.Integer(required=True)
    outcome = fields.String(required=True, metadata={"enum": [o.value for o in engine.Outcome]})
    percent = fields.Float(required=True)
    reasons = fields.List(fields.String(), required=True, metadata={"description": "The reasons in English"})
    result = fields.Dict(
        required=True,
        metadata={
            "description": "The stored form: reason codes with parameters, "
            "the rubric's key, version and fingerprint, the engine version"
        },
    )


# ---- helpers -------------------------------------------------------------------------


def _lock_version(draft: RubricVersion) -> int:
    """The draft's lock (its ETag): the version counter every saved change raises."""
    return draft.lock_version


def _rubric(rubric_id: int) -> Rubric:
    return authoring.get_rubric(rubric_id) or api.fail(404, "No rubric has this id")


def _version(rubric: Rubric, number: int | None) -> RubricVersion:
    if number is None:
        return rubric.latest
    found = next((v for v in rubric.versions if v.number == number), None)
    return found or api.fail(404, f"This rubric has no version {number}")


def _tagged(rubric: Rubric, status: int = 200) -> tuple[Rubric, int, dict[str, str]]:
    draft = rubric.draft
    return rubric, status, ({"ETag": api.etag(_lock_version(draft))} if draft else {})


def _located(errors: list[tuple[str, str]], prefix: str = "") -> list[Problem]:
    return [Problem(f"{prefix}{path}" if path else prefix.rstrip("."), message) for path, message in errors]


# ---- routes --------------------------------------------------------------------------


@bp.get("/scenarios")
@bp.response(200, ScenarioSchema(many=True))
def scenarios() -> Any:
    """The library of observed scenarios, each with the rubric that scores it."""
    return services.list_scenarios()


@bp.get("/rubrics")
@bp.response(200, RubricSummarySchema(many=True))
def list_rubrics() -> Any:
    """Rubrics with their versions and the draft's lock_version."""
    return authoring.list_rubrics()


@bp.post("/rubrics")
@api.documented_import(bp, RubricDefinitionSchema, RubricSummarySchema)
def create_rubric() -> Any:
    """A new draft rubric from a rubric in the engine's format; every problem located.

    With ``?dry_run=true`` nothing is saved: the answer is the preview of what would be created."""
    return api.imported(rubric_imports.RUBRIC_JSON, lambda rubric: _tagged(rubric, 201))


@bp.get("/rubrics/<int:rubric_id>")
@bp.response(200, RubricSchema, headers=api.ETAG_HEADER)
def get_rubric(rubric_id: int) -> Any:
    """A rubric's summary and its newest version's definition."""
    return _tagged(_rubric(rubric_id))


@bp.get("/rubrics/<int:rubric_id>/versions/<int:number>")
@bp.response(200, RubricDefinitionSchema)
def get_version(rubric_id: int, number: int) -> Any:
    """One version's definition in the engine's format."""
    return _version(_rubric(rubric_id), number).definition


@bp.post("/rubrics/<int:rubric_id>/publish")
@bp.arguments(api.LockSchema, required=False)
@bp.response(200, PublishedRubricSchema)
@api.documented_lock(bp)
def publish(data: dict[str, Any], rubric_id: int) -> Any:
    """Publish the draft once the engine finds nothing wrong with it."""
    rubric = _rubric(rubric_id)
    if rubric.draft is None:
        api.fail(409, "This rubric has no draft: its newest version is published")
    seen = api.checked_lock(_lock_version(rubric.draft), data["lock_version"])
    authoring.publish(rubric_id, seen)  # a refusal (Invalid; Conflict is 409) is answered by the blueprint
    return rubric


@bp.post("/rubrics/<int:rubric_id>/try")
@bp.arguments(TrySchema)
@bp.response(200, TryResultSchema)
@bp.alt_response(409, schema=api.ErrorsSchema, description="The rubric version cannot score: fix the rubric first")
def try_rubric(data: dict[str, Any], rubric_id: int) -> Any:
    """Score sample evidence with a version; nothing is saved."""
    version = _version(_rubric(rubric_id), data["version"])
    try:
        rubric = services.rubric_of(version)  # parsed once: scored with, then explained with
        result = services.try_rubric(rubric, data["evidence"])
    except engine.RubricError as error:
        raise api.ApiError(409, _located(error.problems, "rubric.")) from None
    except engine.EvidenceError as error:
        raise api.ApiError(400, _located(error.problems, "evidence.")) from None
    return {
        "version": version.number,
        "outcome": result.outcome.value,
        "percent": result.percent,
        "reasons": list(services.explained(result, rubric)),
        "result": result.to_dict(),
    }


def init_app(app: Flask) -> None:
    api.register(app, bp)
