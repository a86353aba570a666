"""The JSON API's common ground, on flask-smorest: bearer tokens by role, strict JSON bodies,
one error shape, the draft's lock as ETag / If-Match, and the OpenAPI 3 document and its page.

API routes never accept the session cookie, so a browser cannot be tricked into calling them
(no CSRF exposure); scripts send ``Authorization: Bearer <token>`` from ``flask users token``.
Every error, whatever raised it, answers ``{"errors": [{"path": …, "message": …}]}``.

One module a subject, every name importable from here (the rooms write ``api.fail``,
``api.checked_lock`` and so on):

- :mod:`~core.api.errors`: the one error shape;
- :mod:`~core.api.bodies`: strict JSON bodies and arguments;
- :mod:`~core.api.locks`: the draft's lock as ETag / If-Match;
- :mod:`~core.api.authentication`: bearer tokens and roles;
- :mod:`~core.api.dry_run`: imports, and ``?dry_run=true`` previews;
- :mod:`~core.api.blueprints`: the API's blueprints;
- :mod:`~core.api.document`: the OpenAPI document, its page, and registering a blueprint in it.
"""

from __future__ import annotations

from core.api.authentication import authenticate, current_api_user, roles
from core.api.blueprints import PAGINATION_HEADER, ApiBlueprint, api_blueprint
from core.api.bodies import BodyParser, Boolean, json_body
from core.api.document import API_BLUEPRINTS, Api, UniqueSchemaNames, docs, docs_page, init_app, register
from core.api.dry_run import (
    DRY_RUN_PARAMETER,
    DRY_RUN_VALUES,
    DryRunSchema,
    PreviewLineSchema,
    documented_import,
    dry_run_answer,
    dry_run_requested,
    imported,
)
from core.api.errors import (
    API_PREFIX,
    HTTP_MESSAGES,
    ApiError,
    ErrorSchema,
    ErrorsSchema,
    error_response,
    fail,
    http_error_response,
    is_api_request,
)
from core.api.locks import (
    CHANGED_SINCE,
    ETAG_HEADER,
    ETAG_PATTERN,
    IF_MATCH_PARAMETER,
    LOCK_HEADER,
    LOCK_RESPONSES,
    LockQuerySchema,
    LockSchema,
    checked_lock,
    documented_lock,
    etag,
    required_lock,
)

__all__ = [
    "API_BLUEPRINTS",
    "API_PREFIX",
    "CHANGED_SINCE",
    "DRY_RUN_PARAMETER",
    "DRY_RUN_VALUES",
    "ETAG_HEADER",
    "ETAG_PATTERN",
    "HTTP_MESSAGES",
    "IF_MATCH_PARAMETER",
    "LOCK_HEADER",
    "LOCK_RESPONSES",
    "PAGINATION_HEADER",
    "Api",
    "ApiBlueprint",
    "ApiError",
    "BodyParser",
    "Boolean",
    "DryRunSchema",
    "ErrorSchema",
    "ErrorsSchema",
    "LockQuerySchema",
    "LockSchema",
    "PreviewLineSchema",
    "UniqueSchemaNames",
    "api_blueprint",
    "authenticate",
    "checked_lock",
    "current_api_user",
    "docs",
    "docs_page",
    "documented_import",
    "documented_lock",
    "dry_run_answer",
    "dry_run_requested",
    "error_response",
    "etag",
    "fail",
    "http_error_response",
    "imported",
    "init_app",
    "is_api_request",
    "json_body",
    "register",
    "required_lock",
    "roles",
]
