"""The JSON API's common ground, on flask-smorest: bearer tokens by role, strict JSON bodies,
one error shape, the draft's lock as ETag / If-Match, and the OpenAPI 3 document and its page.

API routes never accept the session cookie, so a browser cannot be tricked into calling them
(no CSRF exposure); scripts send ``Authorization: Bearer <token>`` from ``flask users token``.
Every error, whatever raised it, answers ``{"errors": [{"path": …, "message": …}]}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

import flask_smorest
from apispec import BasePlugin
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    jsonify,
    render_template,
    request,
)
from marshmallow import Schema, ValidationError, fields
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import HTTPException

from core import importing
from core.access import public
from core.accounts import api_tokens
from core.accounts.models import User
from core.documents import parse_json  # strict: UTF-8 only, no repeated keys, NaN, huge numbers or deep nesting
from core.extensions import csrf
from core.problems import Invalid, Problem, from_marshmallow
from core.roles import Role

API_PREFIX = "/api/v1"
API_BLUEPRINTS = "api_blueprints"
LOCK_HEADER = "If-Match"
CHANGED_SINCE = "This record changed since you read it (its ETag is no longer {seen}): read it again, then retry"

# ---- errors --------------------------------------------------------------------------


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


# ---- bodies --------------------------------------------------------------------------


def json_body(optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object, parsed strictly (UTF-8 only, no repeated keys).

    ``optional``: no body at all reads as ``{}`` (the schema then names any missing field).
    """
    raw = request.get_data(cache=True)  # over MAX_CONTENT_LENGTH: a 413, before reading it
    if optional and not raw:
        return {}
    if not request.is_json or not raw.strip():
        fail(400, "Send a JSON body with Content-Type: application/json")
    body = parse_json(raw)
    if not isinstance(body, dict):
        fail(400, "Send a JSON object ({…}), not an array or a single value")
    return body


class _Parser(FlaskParser):
    """webargs, reading bodies through ``json_body`` and answering problems in the API's shape."""

    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req: Any, schema: Schema) -> Any:
        return json_body(optional=True)

    def handle_error(self, error: ValidationError, req: Any, schema: Schema, **_kwargs: Any) -> NoReturn:
        messages = error.messages
        # webargs files messages under their location ({"json": {...}}); paths start inside it.
        if isinstance(messages, dict) and len(messages) == 1 and next(iter(messages)) in {"json", "query"}:
            messages = next(iter(messages.values()))
        raise ApiError(400, from_marshmallow(messages))


# What X-Pagination holds, as sent: a header's value is text, here a JSON object (flask-smorest
# documents it as the object itself, which no header can be).
PAGINATION_HEADER = {
    "description": "The page's place, as JSON text: "
    '{"total", "total_pages", "first_page", "last_page", "page", "previous_page", "next_page"} '
    "(whole numbers; previous_page and next_page only when there is one)",
    "schema": {"type": "string"},
}


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = _Parser()
    # ?page= and ?page_size= too: a bad one is a located 400 like any other argument, not a bare 422.
    PAGINATION_ARGUMENTS_PARSER = _Parser()

    def _document_pagination_metadata(self, spec: Any, resp_doc: dict[str, Any]) -> None:
        resp_doc.setdefault("headers", {})[self.PAGINATION_HEADER_NAME] = PAGINATION_HEADER


class Boolean(fields.Boolean):
    """A JSON ``true`` or ``false`` only, as the document says: marshmallow's would take 1, "yes" or
    "on" (and ``truthy={True}`` still lets 1 in, since 1 == True)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


# ---- imports: ?dry_run=true answers the preview and saves nothing ------------------------


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


# ---- concurrency: the draft's lock_version is its ETag -------------------------------


class LockSchema(Schema):
    """``lock_version`` in a body; the ``If-Match`` header carries the same number."""

    lock_version = fields.Integer(
        load_default=None,
        strict=True,
        metadata={"description": "The draft's lock_version (its ETag) as last seen; or send If-Match"},
    )


class LockQuerySchema(Schema):
    lock_version = fields.Integer(load_default=None, metadata={"description": "Or send If-Match"})


# An ETag as this API sends it ("7"), weak (W/"7") or bare (7) accepted alike; ASCII digits only.
ETAG_PATTERN = r'^(W/)?"?([0-9]{1,18})"?$'
_ETAG = re.compile(ETAG_PATTERN)

IF_MATCH_PARAMETER = {
    "in": "header",
    "name": LOCK_HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": ETAG_PATTERN},
    "description": 'The draft\'s ETag as last seen, e.g. "7". Required unless lock_version is sent.',
}
ETAG_HEADER = {"ETag": {"description": "The draft's lock_version, quoted", "schema": {"type": "string"}}}


def etag(lock_version: int) -> str:
    return f'"{lock_version}"'


def required_lock(lock_version: int | None) -> int:
    """The lock the client last saw, from ``lock_version`` or ``If-Match``; 428 if neither.

    A change without it would overwrite whatever someone else saved meanwhile, so it is refused.
    """
    header = request.headers.get(LOCK_HEADER)
    from_header = None
    if header is not None:
        tag = _ETAG.fullmatch(header.strip())
        if tag is None:
            fail(400, f'Send {LOCK_HEADER} as the ETag you were given, for example "3"', LOCK_HEADER)
        from_header = int(tag.group(2))
    if from_header is not None and lock_version is not None and from_header != lock_version:
        fail(400, f"{LOCK_HEADER} and lock_version disagree: send one of them", "lock_version")
    seen = from_header if from_header is not None else lock_version
    if seen is None:
        fail(
            428,
            f"Send the draft's lock_version (or its ETag in {LOCK_HEADER}) so that a change "
            "made by someone else since you read it is not overwritten",
            "lock_version",
        )
    return seen


def checked_lock(current: int, body_lock: int | None) -> int:
    """The lock the client saw (see ``required_lock``), refused unless it is ``current``.

    A stale ``If-Match`` is 412 at the header, as RFC 9110 §13.1.1 says of a failed precondition;
    a stale ``lock_version`` in the body or query is an ordinary conflict, 409 at the field.
    The services check again as they commit: a change saved in between is still a 409.
    """
    seen = required_lock(body_lock)
    if seen != current:
        message = CHANGED_SINCE.format(seen=etag(seen))
        if request.headers.get(LOCK_HEADER) is not None:
            fail(412, message, LOCK_HEADER)
        fail(409, message, "lock_version")
    return seen


LOCK_RESPONSES = {
    409: "lock_version names an older version (it changed since it was read), or it cannot change now "
    "(no draft; already submitted)",
    412: "If-Match names an older ETag: it changed since it was read",
    428: "Neither lock_version nor If-Match was sent",
}


def documented_lock(bp: flask_smorest.Blueprint) -> Any:
    """Document If-Match, 409, 412 and 428 on a change that needs the lock."""

    def decorator(view: Any) -> Any:
        view = bp.doc(parameters=[IF_MATCH_PARAMETER])(view)
        for status, description in LOCK_RESPONSES.items():
            view = bp.alt_response(status, schema=ErrorsSchema, description=description)(view)
        return view

    return decorator


# ---- authentication ------------------------------------------------------------------


def current_api_user() -> User:
    return g.api_user


def _authenticate(roles: tuple[Role, ...]) -> Response | None:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    user = api_tokens.user_for_token(token) if token else None
    if user is None:
        return error_response(401, [Problem("", "Send a valid API token: Authorization: Bearer <token>")])
    if roles and not user.has_role(*roles):
        return error_response(403, [Problem("", "Your account does not have the role this API needs")])
    g.api_user = user
    return None


def roles(*allowed: Role) -> Any:
    """Decorate an API view that only people holding one of ``allowed`` may call (403 otherwise).

    For a blueprint whose routes differ by role; the blueprint's own roles are checked first.
    Put it right under the route decorator, so the role is checked before the body is read:
    someone who may not call the operation learns nothing from its validation messages.
    """

    def decorator(view: Any) -> Any:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_api_user().has_role(*allowed):
                fail(403, "Your account does not have the role this API needs")
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(allowed)
        return wrapped

    return decorator


def _no_store(response: Response) -> Response:
    # Answers to a token are about a person's work: never kept by a cache on the way.
    response.headers["Cache-Control"] = "no-store"
    return response


def api_blueprint(name: str, import_name: str, *roles: Role, description: str = "") -> ApiBlueprint:
    """A blueprint whose every route needs a bearer token of a person holding one of ``roles``."""
    bp = ApiBlueprint(name, import_name, url_prefix=API_PREFIX, description=description)
    bp.before_request(lambda: _authenticate(roles))
    bp.after_request(_no_store)
    bp.register_error_handler(ApiError, lambda error: error_response(error.status, error.errors))
    # A broken rule from any service or reader: 400, or 409 for a Conflict (changed since read).
    bp.register_error_handler(Invalid, lambda error: error_response(error.status, error.problems))
    bp.register_error_handler(HTTPException, http_error_response)
    return bp


# ---- the OpenAPI document and its page -----------------------------------------------


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
