"""Imports through the JSON API: a whole document in the import pipeline's formats creates a
draft; ``?dry_run=true`` answers the preview instead and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import Response, jsonify, request
from marshmallow import Schema, fields

from core import importing
from core.api.authentication import current_api_user
from core.api.bodies import json_body
from core.api.errors import fail
from core.api.locks import ETAG_HEADER


class PreviewLineSchema(Schema):
    label = fields.String(required=True)
    value = fields.String(required=True)


class DryRunSchema(Schema):
    dry_run = fields.Boolean(required=True)
    preview = fields.List(fields.Nested(PreviewLineSchema), required=True)


DRY_RUN_PARAMETER = {
    "in": "query",
    "name": "dry_run",
    "required": False,
    "schema": {"type": "boolean"},
    "description": "true: check the document and answer the preview; nothing is saved. Once, true or false",
}


DRY_RUN_VALUES = {"true": True, "false": False}


def dry_run_requested() -> bool:
    """``?dry_run=true`` or ``false`` (or none); anything else, or the parameter twice, is a 400 at
    ``dry_run``: a mistyped ``dry_run=ture`` must never save what was meant as a preview."""
    given = request.args.getlist("dry_run")
    if not given:
        return False
    if len(given) > 1 or given[0] not in DRY_RUN_VALUES:
        fail(400, "Send dry_run once, as true or false", "dry_run")
    return DRY_RUN_VALUES[given[0]]


def dry_run_answer(preview: list[tuple[str, str]]) -> Response:
    return jsonify(DryRunSchema().dump({"dry_run": True, "preview": [{"label": k, "value": v} for k, v in preview]}))


def documented_import(bp: flask_smorest.Blueprint, document: type[Schema], created: type[Schema]) -> Any:
    """Document a POST that creates a draft from a whole ``document`` (the import pipeline's
    formats): the body, ``?dry_run``, 201 with ``created`` and its ETag, or 200 with the preview."""

    def decorator(view: Any) -> Any:
        view = bp.alt_response(
            200, schema=DryRunSchema, description="dry_run=true: what would be created; nothing is saved"
        )(view)
        view = bp.response(201, created, headers=ETAG_HEADER)(view)
        return bp.doc(
            requestBody={"required": True, "content": {"application/json": {"schema": document}}},
            parameters=[DRY_RUN_PARAMETER],
        )(view)

    return decorator


def imported(fmt: importing.Format[Any], answer: Callable[[Any], Any]) -> Any:
    """Import the request's JSON body in ``fmt`` for the signed-in API user: ``answer(created)``,
    or with ``?dry_run=true`` the preview and nothing saved; every problem located (400)."""
    dry_run = dry_run_requested()
    result = importing.import_document(fmt, json_body(), current_api_user().id, dry_run)
    return dry_run_answer(result.preview) if dry_run else answer(result.created)
