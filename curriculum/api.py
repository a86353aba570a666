"""JSON API for course designers: the same operations as the pages, for providers' scripts.

Bodies and errors are JSON; every error names its path. See README "JSON API".
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Flask, Response, abort, jsonify, request, url_for
from marshmallow import Schema, fields, validate

from core import api
from core.accounts.roles import Role
from curriculum import catalogue_service, programme_imports, services
from curriculum.diff import diff
from curriculum.models import Programme, ProgrammeVersion

bp = api.api_blueprint("curriculum_api", __name__, Role.DESIGNER)


class LockSchema(Schema):
    lock_version = fields.Integer(load_default=None, strict=True)


class AddModuleSchema(LockSchema):
    catalogue_key = fields.String(required=True, validate=validate.Length(1, 80))


class ModuleChangesSchema(LockSchema):
    hours = fields.Integer(required=True, strict=True)
    block = fields.String(load_default="", validate=validate.Length(max=120))
    prerequisites = fields.List(fields.String(), load_default=list)


def _programme(programme_id: int) -> Programme:
    return services.get_programme(programme_id) or abort(404, "No programme has this id")


def _summary(programme: Programme) -> dict[str, Any]:
    current = programme.current
    return {
        "id": programme.id,
        "name": current.name,
        "provider": current.provider,
        "has_draft": programme.draft is not None,
        "published_versions": [v.number for v in programme.published],
        "lock_version": programme.draft.lock_version if programme.draft else None,
        "url": url_for("curriculum_api.get_programme", programme_id=programme.id),
    }


def _version(programme: Programme, label: str) -> ProgrammeVersion:
    if label == "draft" and programme.draft is not None:
        return programme.draft
    found = services.get_version(programme, int(label)) if label.isascii() and label.isdigit() and len(label) < 10 else None
    return found or abort(404, f"This programme has no version ‘{label}’")


def _draft(programme: Programme) -> ProgrammeVersion:
    if programme.draft is None:
        abort(409, "This programme has no draft: start one with POST …/draft")
    return programme.draft


def _run(action) -> Any:  # type: ignore[no-untyped-def]
    return action()  # a refusal (Invalid, or Conflict for 409) is answered by the blueprint's handler


@bp.get("/catalogue/modules")
def catalogue_modules() -> Response:
    """Catalogue modules, filtered by ?q=, ?area=, ?npq= as on the catalogue page."""
    found = catalogue_service.browse(catalogue_service.Filters.from_args(request.args))
    return jsonify([
        {"key": m.key, "area": a.key, "title": m.title, "summary": m.summary, "suggested_hours": m.suggested_hours,
         "scenarios": m.scenario_keys,
         "outcomes": [{"key": o.key, "kind": o.kind, "text": o.text, "npq_areas": o.npq_areas,
                       "survey_outcomes": o.survey_outcomes, "sources": o.sources} for o in m.outcomes]}
        for a in found["areas"] for m in a.modules
    ])


@bp.get("/programmes")
def list_programmes() -> Response:
    return jsonify([_summary(p) for p in services.list_programmes()])


@bp.post("/programmes")
def create_programme():  # type: ignore[no-untyped-def]
    """Create a programme from a programme document (schema version 1); it becomes a draft.

    With ``?dry_run=true`` nothing is saved: the answer is the preview of what would be created."""
    dry_run = request.args.get("dry_run", "").lower() in ("true", "1")
    result = programme_imports.import_programme(api.current_api_user().id, request.get_data(), dry_run=dry_run)
    if dry_run:
        return jsonify({"dry_run": True, "preview": [{"label": k, "value": v} for k, v in result.preview]}), 200
    return jsonify(_summary(result.created)), 201


@bp.get("/programmes/<int:programme_id>")
def get_programme(programme_id: int) -> Response:
    programme = _programme(programme_id)
    return jsonify(_summary(programme) | {"document": services.export_version(programme.current)})


@bp.get("/programmes/<int:programme_id>/versions/<label>")
def get_version(programme_id: int, label: str) -> Response:
    return jsonify(services.export_version(_version(_programme(programme_id), label)))


@bp.get("/programmes/<int:programme_id>/analysis")
def get_analysis(programme_id: int) -> Response:
    result = catalogue_service.analyse(_programme(programme_id).current)
    return jsonify(asdict(result))


@bp.get("/programmes/<int:programme_id>/compare")
def compare(programme_id: int) -> Response:
    programme = _programme(programme_id)
    before = _version(programme, request.args.get("from", ""))
    after = _version(programme, request.args.get("to", ""))
    return jsonify(asdict(diff(services.export_version(before), services.export_version(after))))


@bp.post("/programmes/<int:programme_id>/draft/modules")
def add_module(programme_id: int):  # type: ignore[no-untyped-def]
    programme = _programme(programme_id)
    data = api.load_json(AddModuleSchema())
    _run(lambda: services.add_catalogue_module(_draft(programme), data["lock_version"], data["catalogue_key"]))
    return jsonify(_summary(programme)), 201


@bp.patch("/programmes/<int:programme_id>/draft/modules/<key>")
def change_module(programme_id: int, key: str) -> Response:
    programme = _programme(programme_id)
    data = api.load_json(ModuleChangesSchema())
    changes = services.ModuleChanges(data["hours"], data["block"], frozenset(data["prerequisites"]))
    _run(lambda: services.update_module(_draft(programme), data["lock_version"], key, changes))
    return jsonify(_summary(programme))


@bp.delete("/programmes/<int:programme_id>/draft/modules/<key>")
def remove_module(programme_id: int, key: str) -> Response:
    programme = _programme(programme_id)
    lock = request.args.get("lock_version", type=int)
    _run(lambda: services.remove_module(_draft(programme), lock, key))
    return jsonify(_summary(programme))


@bp.post("/programmes/<int:programme_id>/publish")
def publish(programme_id: int) -> Response:
    programme = _programme(programme_id)
    data = api.load_json(LockSchema())
    version = _run(lambda: services.publish(_draft(programme), data["lock_version"], api.current_api_user()))
    return jsonify(_summary(programme) | {"published": version.number})


@bp.post("/programmes/<int:programme_id>/draft")
def start_draft(programme_id: int):  # type: ignore[no-untyped-def]
    programme = _programme(programme_id)
    _run(lambda: services.start_draft(programme))
    return jsonify(_summary(programme)), 201


def init_app(app: Flask) -> None:
    api.register(app, bp)
