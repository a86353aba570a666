"""How the JSON API reads what it is sent: the body as a JSON object, parsed strictly, and the
arguments of every route (webargs) answering their problems in the API's one error shape."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import request
from marshmallow import Schema, ValidationError, fields
from webargs.flaskparser import FlaskParser

from core.api.errors import ApiError, fail
from core.documents import parse_json  # strict: UTF-8 only, no repeated keys, NaN, huge numbers or deep nesting
from core.problems import from_marshmallow


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


class BodyParser(FlaskParser):
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


class Boolean(fields.Boolean):
    """A JSON ``true`` or ``false`` only, as the document says: marshmallow's would take 1, "yes" or
    "on" (and ``truthy={True}`` still lets 1 in, since 1 == True)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
