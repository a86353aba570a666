"""JSON API for course designers: the same operations as the pages, for providers' scripts.

Requests and answers are described by the marshmallow schemas below (and so in
/api/v1/openapi.json); every error names its path. A change to a draft needs the draft's
``lock_version`` (its ETag), in the body or as ``If-Match``: 428 without it, 412 for a stale
``If-Match``, 409 for a stale ``lock_version`` (``core.api.checked_lock``). See docs/api.md.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, url_for
from marshmallow import Schema, fields, validate

from core import api
from core.accounts.roles import Role
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number
from curriculum import exchange, rules, services
from curriculum.analysis import WarningCode
from curriculum.diff import diff
from curriculum.models import Programme, ProgrammeVersion
from curriculum.services import catalogue as catalogue_service
from curriculum.services import imports as programme_imports

bp = api.api_blueprint("curriculum_api", __name__, Role.DESIGNER, description="The catalogue and programmes")

# ---- what goes in --------------------------------------------------------------------


class CatalogueQuerySchema(Schema):
    q = fields.String(load_default="", metadata={"description": "Words that must all appear"})
    area = fields.String(load_default="", metadata={"description": "A curriculum area's key"})
    npq = fields.String(load_default="", metadata={"description": "An NPQ framework area's key"})


class CompareQuerySchema(Schema):
    from_ = fields.String(required=True, data_key="from", metadata={"description": "A version number, or draft"})
    to = fields.String(required=True, metadata={"description": "A version number, or draft"})


class AddModuleSchema(api.LockSchema):
    catalogue_key = fields.String(required=True, validate=validate.Length(1, 80))


class ModuleChangesSchema(api.LockSchema):
    hours = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(rules.HOURS_PER_MODULE_MIN, rules.HOURS_PER_MODULE_MAX, error=rules.HOURS_MESSAGE),
    )
    block = fields.String(load_default="", validate=validate.Length(max=rules.NAME_MAX_LENGTH))
    prerequisites = fields.List(fields.String(), load_default=list)


# ---- what comes out ------------------------------------------------------------------


def _typed(kind: str) -> dict[str, Any]:
    return {"type": kind}


class ProgrammeSummarySchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True, attribute="current.name")
    provider = fields.String(required=True, attribute="current.provider")
    has_draft = fields.Function(lambda p: p.draft is not None, required=True, metadata=_typed("boolean"))
    published_versions = fields.Function(
        lambda p: [v.number for v in p.published],
        required=True,
        metadata={"type": "array", "items": {"type": "integer"}},
    )
    lock_version = fields.Function(
        lambda p: p.draft.lock_version if p.draft else None,
        required=True,
        metadata={
            "type": "integer",
            "nullable": True,
            "description": "The draft's lock_version (also its ETag); null without a draft",
        },
    )
    url = fields.Function(
        lambda p: url_for("curriculum_api.get_programme", programme_id=p.id), required=True, metadata=_typed("string")
    )


class _Document(fields.Nested):
    """A version's programme document, written by the document format's own schema (exchange)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(exchange.ProgrammeDocumentSchema, **kwargs)

    def _serialize(self, nested_obj: ProgrammeVersion | None, attr: Any, obj: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        return None if nested_obj is None else services.export_version(nested_obj)


class ProgrammeDetailSchema(ProgrammeSummarySchema):
    document = _Document(required=True, attribute="current")


class PublishedSchema(ProgrammeSummarySchema):
    published = fields.Function(
        lambda p: p.published[-1].number,
        required=True,
        metadata={"type": "integer", "description": "The number the draft was published as: the newest"},
    )


class CatalogueOutcomeSchema(Schema):
    key = fields.String(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    npq_areas = fields.List(fields.String(), required=True)
    survey_outcomes = fields.List(fields.String(), required=True)
    sources = fields.List(fields.String(), required=True)


class CatalogueModuleSchema(Schema):
    key = fields.String(required=True)
    area = fields.String(required=True, attribute="area_key")
    title = fields.String(required=True)
    summary = fields.String(required=True)
    suggested_hours = fields.Integer(required=True)
    scenarios = fields.List(fields.String(), required=True, attribute="scenario_keys")
    outcomes = fields.List(fields.Nested(CatalogueOutcomeSchema), required=True)


class NamedItemSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)


class BenchmarkComparisonSchema(NamedItemSchema):
    hours = fields.Integer(required=True)
    ratio = fields.Float(required=True, metadata={"description": "Programme hours ÷ benchmark hours"})


class CoverageSchema(NamedItemSchema):
    outcome_count = fields.Integer(required=True)
    hours = fields.Integer(required=True)
    covered = fields.Boolean(required=True)
    group_title = fields.String(required=True)
    met_well_percent = fields.Integer(required=True, allow_none=True)


class WarningSchema(Schema):
    code = fields.Enum(WarningCode, by_value=True, required=True)
    message = fields.String(required=True)
    module_key = fields.String(required=True, allow_none=True)
    area_key = fields.String(required=True, allow_none=True)
    outcome_key = fields.String(required=True, allow_none=True)


class AnalysisSchema(Schema):
    total_hours = fields.Integer(required=True)
    length_weeks = fields.Integer(required=True)
    hours_per_week = fields.Float(required=True)
    benchmarks = fields.List(fields.Nested(BenchmarkComparisonSchema), required=True)
    npq_coverage = fields.List(fields.Nested(CoverageSchema), required=True)
    survey_coverage = fields.List(
        fields.Nested(CoverageSchema), required=True, metadata={"description": "Weakest first"}
    )
    mandatory_missing = fields.List(fields.Nested(NamedItemSchema), required=True)
    modules_without_scenario = fields.List(fields.String(), required=True, metadata={"description": "Module keys"})
    outcomes_without_source = fields.List(
        fields.List(fields.String()), required=True, metadata={"description": "[module key, outcome key] pairs"}
    )
    warnings = fields.List(fields.Nested(WarningSchema), required=True)


class FieldChangeSchema(Schema):
    label = fields.String(required=True)
    before = fields.Raw(required=True)
    after = fields.Raw(required=True)


class ModuleChangeSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    fields_ = fields.List(fields.Nested(FieldChangeSchema), required=True, data_key="fields", attribute="fields")
    outcomes_added = fields.List(fields.String(), required=True)
    outcomes_removed = fields.List(fields.String(), required=True)
    outcomes_changed = fields.List(
        fields.List(fields.String()), required=True, metadata={"description": "[before, after] pairs"}
    )


class ProgrammeDiffSchema(Schema):
    details = fields.List(fields.Nested(FieldChangeSchema), required=True)
    added = fields.List(fields.String(), required=True, metadata={"description": "Module titles"})
    removed = fields.List(fields.String(), required=True, metadata={"description": "Module titles"})
    changed = fields.List(fields.Nested(ModuleChangeSchema), required=True)
    moved = fields.Boolean(required=True)
    hours_before = fields.Integer(required=True)
    hours_after = fields.Integer(required=True)
    hours_changed = fields.List(
        fields.List(fields.Raw()), required=True, metadata={"description": "[title, before, after]"}
    )


# ---- helpers -------------------------------------------------------------------------


def _programme(programme_id: int) -> Programme:
    return services.get_programme(programme_id) or api.fail(404, "No programme has this id")


def _version(programme: Programme, label: str) -> ProgrammeVersion:
    if label == "draft" and programme.draft is not None:
        return programme.draft
    number = whole_number(label, RECORD_NUMBER_MAX)
    found = services.get_version(programme.id, number) if number is not None else None
    return found or api.fail(404, f"This programme has no version ‘{label}’")


def _draft(programme: Programme) -> ProgrammeVersion:
    return programme.draft or api.fail(409, "This programme has no draft: start one with POST …/draft")


def _draft_module(programme: Programme, key: str) -> ProgrammeVersion:
    """The draft, which must hold the module of the address (404 otherwise, like any unknown address)."""
    draft = _draft(programme)
    if draft.module(key) is None:
        api.fail(404, f"This programme's draft has no module ‘{key}’")
    return draft


def _tagged(programme: Programme, status: int = 200) -> tuple[Programme, int, dict[str, str]]:
    """The programme as an answer, with the draft's lock_version as its ETag."""
    draft = programme.draft
    return programme, status, ({"ETag": api.etag(draft.lock_version)} if draft else {})


def _run(action: Any) -> Any:
    return action()  # a refusal (Invalid, or Conflict for 409) is answered by the blueprint's handler


# ---- reading -------------------------------------------------------------------------


@bp.get("/catalogue/modules")
@bp.arguments(CatalogueQuerySchema, location="query", as_kwargs=True)
@bp.response(200, CatalogueModuleSchema(many=True))
def catalogue_modules(q: str, area: str, npq: str) -> list[Any]:
    """Catalogue modules with their outcomes, filtered as on the catalogue page."""
    found = catalogue_service.browse(catalogue_service.Filters(q.strip(), area.strip(), npq.strip()))
    return [m for a in found["areas"] for m in a.modules]


@bp.get("/programmes")
@bp.response(200, ProgrammeSummarySchema(many=True))
def list_programmes() -> list[Programme]:
    """Programmes, newest first, with their versions and the draft's lock_version."""
    return services.list_programmes()


@bp.get("/programmes/<int:programme_id>")
@bp.response(200, ProgrammeDetailSchema, headers=api.ETAG_HEADER)
def get_programme(programme_id: int) -> Any:
    """A programme's summary and its current version's document (the draft if there is one)."""
    return _tagged(_programme(programme_id))


@bp.get("/programmes/<int:programme_id>/versions/<label>")
@bp.response(200, exchange.ProgrammeDocumentSchema, headers=api.ETAG_HEADER)
def get_version(programme_id: int, label: str) -> Response:
    """One version's programme document: a number, or ``draft``."""
    programme = _programme(programme_id)
    version = _version(programme, label)
    # Already written by the document format's schema: sent as it is, not dumped twice.
    response = jsonify(services.export_version(version))
    if version.is_draft:
        response.headers["ETag"] = api.etag(version.lock_version)
    return response


@bp.get("/programmes/<int:programme_id>/analysis")
@bp.response(200, AnalysisSchema)
def get_analysis(programme_id: int) -> Any:
    """The analysis of the current version: hours, benchmarks, coverage and warnings."""
    return catalogue_service.analyse(_programme(programme_id).current)


@bp.get("/programmes/<int:programme_id>/compare")
@bp.arguments(CompareQuerySchema, location="query")
@bp.response(200, ProgrammeDiffSchema)
def compare(query: dict[str, str], programme_id: int) -> Any:
    """What changed between two versions (``from`` and ``to``: numbers, or ``draft``)."""
    programme = _programme(programme_id)
    before, after = _version(programme, query["from_"]), _version(programme, query["to"])
    return diff(services.export_version(before), services.export_version(after))


# ---- changing ------------------------------------------------------------------------


@bp.post("/programmes")
@api.documented_import(bp, exchange.ProgrammeDocumentSchema, ProgrammeSummarySchema)
def create_programme() -> Any:
    """Create a programme from a programme document (schema version 1); it becomes a draft.

    With ``?dry_run=true`` nothing is saved: the answer is the preview of what would be created."""
    return api.imported(programme_imports.PROGRAMME_JSON, lambda programme: _tagged(programme, 201))


@bp.post("/programmes/<int:programme_id>/draft/modules")
@bp.arguments(AddModuleSchema)
@bp.response(201, ProgrammeSummarySchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def add_module(data: dict[str, Any], programme_id: int) -> Any:
    """Add a catalogue module to the draft."""
    programme = _programme(programme_id)
    # No draft: 409, with what to do; then the lock, checked against the draft's.
    lock = api.checked_lock(_draft(programme).lock_version, data["lock_version"])
    _run(lambda: services.add_catalogue_module(programme_id, lock, data["catalogue_key"]))
    return _tagged(programme, 201)


@bp.patch("/programmes/<int:programme_id>/draft/modules/<key>")
@bp.arguments(ModuleChangesSchema)
@bp.response(200, ProgrammeSummarySchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def change_module(data: dict[str, Any], programme_id: int, key: str) -> Any:
    """Change a draft module's hours, block and prerequisites."""
    programme = _programme(programme_id)
    lock = api.checked_lock(_draft_module(programme, key).lock_version, data["lock_version"])
    changes = services.ModuleChanges(data["hours"], data["block"], frozenset(data["prerequisites"]))
    _run(lambda: services.update_module(programme_id, lock, key, changes))
    return _tagged(programme)


@bp.delete("/programmes/<int:programme_id>/draft/modules/<key>")
@bp.arguments(api.LockQuerySchema, location="query")
@bp.response(200, ProgrammeSummarySchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def remove_module(query: dict[str, Any], programme_id: int, key: str) -> Any:
    """Remove a module from the draft."""
    programme = _programme(programme_id)
    lock = api.checked_lock(_draft_module(programme, key).lock_version, query["lock_version"])
    _run(lambda: services.remove_module(programme_id, lock, key))
    return _tagged(programme)


@bp.post("/programmes/<int:programme_id>/publish")
@bp.arguments(api.LockSchema, required=False)
@bp.response(200, PublishedSchema)
@api.documented_lock(bp)
def publish(data: dict[str, Any], programme_id: int) -> Any:
    """Publish the draft: it gets the next number and never changes again."""
    programme = _programme(programme_id)
    lock = api.checked_lock(_draft(programme).lock_version, data["lock_version"])
    _run(lambda: services.publish(programme_id, lock, api.current_api_user().id))
    return programme


@bp.post("/programmes/<int:programme_id>/draft")
@bp.response(201, ProgrammeSummarySchema, headers=api.ETAG_HEADER)
def start_draft(programme_id: int) -> Any:
    """Start a draft from the newest version; if there is a draft already, it is the answer.

    Needs no lock_version: it changes nothing that anyone may have edited.
    """
    programme = _programme(programme_id)
    _run(lambda: services.start_draft(programme_id))
    return _tagged(programme, 201)


def init_app(app: Flask) -> None:
    api.register(app, bp)
