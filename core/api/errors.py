"""The JSON API's one error shape: every error, whatever raised it, answers
``{"errors": [{"path": …, "message": …}]}``, an HTTP error under the API's address included."""

from __future__ import annotations

from typing import NoReturn

from flask import Response, current_app, jsonify, request
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from core.problems import Problem

API_PREFIX = "/api/v1"


class ApiError(Exception):
    def __init__(self, status: int, errors: list[Problem]) -> None:
        super().__init__(errors)
        self.status = status
        self.errors = errors


def fail(status: int, message: str, path: str = "") -> NoReturn:
    raise ApiError(status, [Problem(path, message)])


class ErrorSchema(Schema):
    path = fields.String(
        required=True, metadata={"description": "Where: a JSON path such as modules[0].hours, or empty"}
    )
    message = fields.String(required=True)


class ErrorsSchema(Schema):
    errors = fields.List(fields.Nested(ErrorSchema), required=True)


def error_response(status: int, errors: list[Problem]) -> Response:
    response = jsonify({"errors": [{"path": e.path, "message": e.message} for e in errors]})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


HTTP_MESSAGES = {
    404: "Nothing is at this address. Check the id or key in it.",
    405: "This address does not take that method: see /api/v1/openapi.json",
    413: "The body is too large: send less than {limit_mb} MB",
    429: "Too many requests: wait a few minutes, then try again",
    500: "Something went wrong on the server and nothing was saved. Try again later.",
}


def http_error_response(error: HTTPException) -> Response:
    """An HTTP error (404, 405, 413, 429, 500 …) under /api/ as JSON, never the HTML page."""
    status = error.code or 500
    message = HTTP_MESSAGES.get(status, error.description or error.name)
    if status == 413:
        message = message.format(limit_mb=current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
    response = error_response(status, [Problem("", message)])
    if error.response is None:
        for name, value in error.get_headers():  # e.g. Allow on 405, Retry-After on 429
            if name.lower() != "content-type":
                response.headers[name] = value
    return response


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
