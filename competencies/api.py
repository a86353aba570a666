"""JSON API for rubrics and the scenario library (course designers' tokens).

Rubrics travel in the engine's dict format (see competencies/engine/serialise.py); problems come
back as ``{"errors": [{"path": "criteria[1].levels[0].value", "message": …}]}``.
"""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, jsonify, request, url_for

from competencies import authoring, engine, services
from competencies.models import Rubric, RubricVersion
from core import api
from core.accounts.roles import Role
from core.validation import LocatedError

bp = api.api_blueprint("competencies_api", __name__, Role.DESIGNER)


def _rubric(rubric_id: int) -> Rubric:
    return authoring.get_rubric(rubric_id) or abort(404, "No rubric has this id")


def _summary(rubric: Rubric) -> dict[str, Any]:
    return {
        "id": rubric.id, "key": rubric.key, "title": rubric.title, "modules": rubric.module_keys,
        "scenario": rubric.scenario_key,
        "versions": [{"number": v.number, "published": v.published_at is not None, "in_use": v.in_use}
                     for v in rubric.versions],
        "lock_version": rubric.draft.lock_version if rubric.draft else None,
        "url": url_for("competencies_api.get_rubric", rubric_id=rubric.id),
    }


def _version(rubric: Rubric, number: int | None) -> RubricVersion:
    if number is None:
        return rubric.latest
    return next((v for v in rubric.versions if v.number == number), None) or abort(404, f"This rubric has no version {number}")


def _located(errors: list[tuple[str, str]], prefix: str = "") -> list[LocatedError]:
    return [LocatedError(f"{prefix}{path}" if path else prefix.rstrip("."), message) for path, message in errors]


@bp.get("/scenarios")
def scenarios() -> Response:
    return jsonify([
        {"key": s.key, "title": s.title, "purpose": s.purpose, "modules": s.module_keys, "sources": s.sources,
         "observers": s.observers, "rubric": url_for("competencies_api.get_rubric", rubric_id=s.rubric_id)}
        for s in services.list_scenarios()
    ])


@bp.get("/rubrics")
def list_rubrics() -> Response:
    return jsonify([_summary(r) for r in authoring.list_rubrics()])


@bp.post("/rubrics")
def create_rubric():  # type: ignore[no-untyped-def]
    """A new draft rubric from a rubric in the engine's format; every problem located."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise api.ApiError(400, [LocatedError("", "Send a rubric as a JSON object")])
    return jsonify(_summary(authoring.import_rubric(body))), 201


@bp.get("/rubrics/<int:rubric_id>")
def get_rubric(rubric_id: int) -> Response:
    rubric = _rubric(rubric_id)
    return jsonify(_summary(rubric) | {"latest": rubric.latest.definition})


@bp.get("/rubrics/<int:rubric_id>/versions/<int:number>")
def get_version(rubric_id: int, number: int) -> Response:
    return jsonify(_version(_rubric(rubric_id), number).definition)


@bp.post("/rubrics/<int:rubric_id>/publish")
def publish(rubric_id: int) -> Response:
    """Publish the draft; the body must carry the draft's ``lock_version`` as last read."""
    rubric = _rubric(rubric_id)
    body = request.get_json(silent=True)
    seen = body.get("lock_version") if isinstance(body, dict) else None
    if type(seen) is not int:
        raise api.ApiError(428, [LocatedError("lock_version", "Send the draft’s lock_version, as last read, to publish it")])
    try:
        version = authoring.publish(rubric, seen)
    except authoring.ConflictError as error:
        raise api.ApiError(409, _located(error.problems)) from None
    except authoring.AuthoringError as error:
        raise api.ApiError(400, _located(error.problems)) from None
    return jsonify(_summary(rubric) | {"published": version.number})


@bp.post("/rubrics/<int:rubric_id>/try")
def try_rubric(rubric_id: int) -> Response:
    """Score sample evidence with a version (the newest unless "version" is given); nothing is saved."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise api.ApiError(400, [LocatedError("", 'Send {"evidence": {"judgements": […], "faults": […]}}')])
    version = _version(_rubric(rubric_id), body.get("version"))
    try:
        result = services.try_rubric(version, body.get("evidence"))
    except engine.RubricError as error:
        raise api.ApiError(409, _located(error.problems, "rubric.")) from None
    except engine.EvidenceError as error:
        raise api.ApiError(400, _located(error.problems, "evidence.")) from None
    rubric = services.rubric_of(version)
    return jsonify({"version": version.number, "outcome": result.outcome.value, "percent": result.percent,
                    "reasons": list(services.explained(result, rubric)), "result": result.to_dict()})


def init_app(app: Flask) -> None:
    api.register(app, bp)
