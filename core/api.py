"""The JSON API's common ground: bearer-token authentication by role, and JSON errors.

API routes never accept the session cookie, so a browser cannot be tricked into calling them
(no CSRF exposure); scripts send ``Authorization: Bearer <token>`` from ``flask users token``.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, g, jsonify, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from core.accounts import services
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import csrf
from core.documents import parse_object
from core.problems import Invalid, api_errors
from core.validation import LocatedError, located

API_BLUEPRINTS = "api_blueprints"


class ApiError(Exception):
    def __init__(self, status: int, errors: list[LocatedError]) -> None:
        super().__init__(errors)
        self.status = status
        self.errors = errors


def error_response(status: int, errors: list[LocatedError]):  # type: ignore[no-untyped-def]
    body = {"errors": [{"path": e.path, "message": e.message} for e in errors]}
    return jsonify(body), status


def current_api_user() -> User:
    return g.api_user


def load_json(schema: Schema) -> dict[str, Any]:
    """The request body validated by ``schema``; a 400 listing every located problem otherwise."""
    if not request.is_json:
        raise ApiError(400, [LocatedError("", "Send a JSON body with Content-Type: application/json")])
    body = parse_object(request.get_data())  # strict: UTF-8 only, no repeated keys, NaN or deep nesting
    try:
        return schema.load(body)
    except ValidationError as error:
        raise ApiError(400, located(error.messages)) from None


def api_blueprint(name: str, import_name: str, *roles: Role, url_prefix: str = "/api/v1") -> Blueprint:
    """A blueprint whose every route needs a bearer token of a person holding one of ``roles``."""
    bp = Blueprint(name, import_name, url_prefix=url_prefix)

    @bp.before_request
    def _authenticate():  # type: ignore[no-untyped-def]
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        user = services.user_for_token(token) if token else None
        if user is None:
            response, status = error_response(401, [LocatedError("", "Send a valid API token: Authorization: Bearer <token>")])
            response.headers["WWW-Authenticate"] = "Bearer"
            return response, status
        if roles and not user.has_role(*roles):
            return error_response(403, [LocatedError("", "Your account does not have the role this API needs")])
        g.api_user = user
        return None

    @bp.errorhandler(ApiError)
    def _api_error(error: ApiError):  # type: ignore[no-untyped-def]
        return error_response(error.status, error.errors)

    @bp.errorhandler(Invalid)
    def _invalid(error: Invalid):  # type: ignore[no-untyped-def]
        return jsonify(api_errors(error)), error.status

    @bp.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        return error_response(error.code or 500, [LocatedError("", error.description or error.name)])

    return bp


def register(app: Flask, bp: Blueprint) -> None:
    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.extensions.setdefault(API_BLUEPRINTS, set()).add(bp.name)
