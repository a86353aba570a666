"""The JSON API's OpenAPI 3 document (flask-smorest) and its page: what every call documents, one
name per schema, the blueprints registered in it, and Swagger UI served from this app."""

from __future__ import annotations

from typing import Any

import flask_smorest
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Blueprint, Flask, Response, render_template
from marshmallow import Schema

from core.access import public
from core.api.blueprints import ApiBlueprint
from core.api.errors import API_PREFIX, ErrorsSchema
from core.extensions import csrf

API_BLUEPRINTS = "api_blueprints"


class _CommonErrors(BasePlugin):
    """Document the answers every call can give: 401 and 403, 404 for an id, 413 for a body."""

    def operation_helper(self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any) -> None:
        for operation in (operations or {}).values():
            responses = operation.setdefault("responses", {})
            responses.setdefault(401, "UNAUTHORIZED")
            responses.setdefault(403, "FORBIDDEN")
            if path and "{" in path:
                responses.setdefault(404, "NOT_FOUND")
            if "requestBody" in operation:
                responses.setdefault(400, "BAD_REQUEST")
                responses.setdefault(413, "REQUEST_ENTITY_TOO_LARGE")


class UniqueSchemaNames:
    """Name each schema in the document by its class, refusing two classes of one name.

    apispec's default would let a second ``ProgrammeSchema`` quietly stand for the first.
    """

    def __init__(self) -> None:
        self.classes: dict[str, type[Schema]] = {}

    def __call__(self, schema: Any) -> str:
        found = resolve_schema_cls(schema)
        cls = found[0] if isinstance(found, list) else found
        name = resolver(cls)
        known = self.classes.setdefault(name, cls)
        if known is not cls:
            raise ValueError(
                f"Two schemas are called {name} in the API document: "
                f"{known.__module__}.{known.__qualname__} and {cls.__module__}.{cls.__qualname__}; rename one"
            )
        return name


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorsSchema

    def _register_error_handlers(self) -> None:
        """Keep the site's HTML error pages: API errors are handled by ``api_blueprint`` and core.errors."""


def _spec_config() -> dict[str, Any]:
    return {
        "API_TITLE": "NPQ SENCO designer",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": API_PREFIX,
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_SPEC_OPTIONS": {
            "info": {
                "description": "For course designers' scripts. Send Authorization: Bearer <token> "
                '(flask users token). Errors: {"errors": [{"path", "message"}]}.'
            },
            "security": [{"bearer": []}],
        },
    }


docs_page = Blueprint("api_docs_page", __name__, url_prefix=API_PREFIX)


@docs_page.get("/docs")
@public
def docs() -> str:
    """Swagger UI over /api/v1/openapi.json, from files this app serves (no other host)."""
    return render_template("api/docs.html")


def init_app(app: Flask) -> None:
    """The OpenAPI document (public: it describes the calls, not anyone's data) and its page."""
    for key, value in _spec_config().items():
        app.config.setdefault(key, value)
    plugins = {
        "marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=UniqueSchemaNames()),
        "extra_plugins": [_CommonErrors()],
    }
    rest_api = Api(app, spec_kwargs=plugins)
    rest_api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    app.extensions["senco_api"] = rest_api

    @public
    def openapi_json() -> Response:
        return rest_api._openapi_json()  # flask-smorest's view, marked public for core.access

    app.view_functions["api-docs.openapi_json"] = openapi_json
    app.register_blueprint(docs_page)


def register(app: Flask, bp: ApiBlueprint) -> None:
    csrf.exempt(bp)
    app.extensions["senco_api"].register_blueprint(bp)
    app.extensions.setdefault(API_BLUEPRINTS, set()).add(bp.name)
