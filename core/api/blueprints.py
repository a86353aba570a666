"""The JSON API's blueprints: each route needs a bearer token of a person holding the blueprint's
roles, reads its arguments strictly, answers in the one error shape, and is never cached."""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Response
from werkzeug.exceptions import HTTPException

from core.api.authentication import authenticate
from core.api.bodies import BodyParser
from core.api.errors import API_PREFIX, ApiError, error_response, http_error_response
from core.problems import Invalid
from core.roles import Role

# What X-Pagination holds, as sent: a header's value is text, here a JSON object (flask-smorest
# documents it as the object itself, which no header can be).
PAGINATION_HEADER = {
    "description": "The page's place, as JSON text: "
    '{"total", "total_pages", "first_page", "last_page", "page", "previous_page", "next_page"} '
    "(whole numbers; previous_page and next_page only when there is one)",
    "schema": {"type": "string"},
}


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = BodyParser()
    # ?page= and ?page_size= too: a bad one is a located 400 like any other argument, not a bare 422.
    PAGINATION_ARGUMENTS_PARSER = BodyParser()

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER


def _no_store(response: Response) -> Response:
    # Answers to a token are about a person's work: never kept by a cache on the way.
    response.headers["Cache-Control"] = "no-store"
    return response


def api_blueprint(name: str, import_name: str, *roles: Role, description: str = "") -> ApiBlueprint:
    """A blueprint whose every route needs a bearer token of a person holding one of ``roles``."""
    bp = ApiBlueprint(name, import_name, url_prefix=API_PREFIX, description=description)
    bp.before_request(lambda: authenticate(roles))
    bp.after_request(_no_store)
    bp.register_error_handler(ApiError, lambda error: error_response(error.status, error.errors))
    # A broken rule from any service or reader: 400, or 409 for a Conflict (changed since read).
    bp.register_error_handler(Invalid, lambda error: error_response(error.status, error.problems))
    bp.register_error_handler(HTTPException, http_error_response)
    return bp
