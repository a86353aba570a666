"""The DfE's NPQ Registration API v3 contract, as the tests check traffic against it.

The document is vendored unchanged in tests/fixtures/dfe_npq_api_v3/swagger.yaml (see SOURCE.md
there). It has quirks that stop a validator from reading it as written; ``derived_document``
makes the few in-memory changes that work around them, each named in ``QUIRKS`` and in SOURCE.md.

``validate_request`` and ``validate_response`` return readable problems, each starting with the
JSON path or parameter it is about; an empty list means the traffic is what the document allows.
They never raise for bad traffic: a test asserts on the list.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml
from jsonschema.exceptions import ValidationError
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.request.exceptions import SecurityValidationError

DOCUMENT_PATH = Path(__file__).resolve().parent / "fixtures" / "dfe_npq_api_v3" / "swagger.yaml"

# What derived_document changes, and why (the same list is in SOURCE.md).
QUIRKS = (
    "Schemas carry `required: true` / `required: false` inside a property (51 places). In OpenAPI 3.0 "
    "`required` is a list on the object; a boolean makes jsonschema raise TypeError and makes Prism skip "
    "body validation without a word. The booleans are dropped; the objects' own `required` lists stay.",
    "Query parameters with `style: deepObject` (filter, page) do not say `explode: true`; OpenAPI 3.0 "
    "only defines deepObject exploded, and openapi-core refuses the unexploded form. `explode: true` is added.",
    "A declaration's `has_passed` is typed `string`, but the DfE's serializer (app/serializers/api/"
    "declaration_serializer.rb, `has_passed?`) sends true, false or null. The property accepts a boolean "
    "as well as a string, so a client is checked against what the service really sends.",
    "Properties marked `nullable: true` with an `enum` (an application's status, funding_choice, "
    "ineligible_for_funding_reason, schedule_identifier; a declaration's ineligible_for_funding_reason) "
    "do not list null in the enum, so by OpenAPI 3.0.3 null is refused although the document's own "
    "examples send it. null is added to those enums.",
)


def _drop_boolean_required(node: Any) -> int:
    """Remove ``required: <bool>`` from schemas (not from parameters or request bodies, where a
    boolean ``required`` is right). Returns how many were removed."""
    removed = 0
    if isinstance(node, dict):
        if isinstance(node.get("required"), bool) and "in" not in node and "content" not in node:
            del node["required"]
            removed += 1
        for value in node.values():
            removed += _drop_boolean_required(value)
    elif isinstance(node, list):
        for value in node:
            removed += _drop_boolean_required(value)
    return removed


def _explode_deep_objects(document: dict[str, Any]) -> int:
    exploded = 0
    for path_item in document["paths"].values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("style") == "deepObject" and "explode" not in parameter:
                    parameter["explode"] = True
                    exploded += 1
    return exploded


@cache
def original_document() -> dict[str, Any]:
    """The vendored document as written (read once)."""
    with DOCUMENT_PATH.open(encoding="utf-8") as stream:
        document: dict[str, Any] = yaml.safe_load(stream)
    return document


def _null_in_nullable_enums(node: Any) -> int:
    added = 0
    if isinstance(node, dict):
        if node.get("nullable") is True and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
            added += 1
        for value in node.values():
            added += _null_in_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            added += _null_in_nullable_enums(value)
    return added


def _has_passed_as_sent(document: dict[str, Any]) -> None:
    attributes = document["components"]["schemas"]["ParticipantDeclaration"]["properties"]["attributes"]
    has_passed = attributes["properties"]["has_passed"]
    del has_passed["type"]
    has_passed["anyOf"] = [{"type": "boolean", "nullable": True}, {"type": "string", "nullable": True}]


def prism_document() -> dict[str, Any]:
    """The document with only the first quirk worked around: Prism reads the rest as written, but
    skips body validation silently where a schema holds a boolean ``required``."""
    document = copy.deepcopy(original_document())
    _drop_boolean_required(document)
    return document


def derived_document() -> dict[str, Any]:
    """A fresh copy of the document with the QUIRKS worked around (callers may change it)."""
    document = copy.deepcopy(original_document())
    _drop_boolean_required(document)
    _explode_deep_objects(document)
    _has_passed_as_sent(document)
    _null_in_nullable_enums(document)
    return document


@cache
def contract() -> OpenAPI:
    """The document loaded once by openapi-core (its own spec check runs here and passes)."""
    return OpenAPI.from_dict(derived_document())


def server_url() -> str:
    """The document's server; traffic is validated as if sent there, whatever host it went to."""
    return str(original_document()["servers"][0]["url"]).rstrip("/")


# ---------------------------------------------------------------------------------------------
# Readable problems


def _json_path(parts: Iterable[Any], whole: str = "(whole body)") -> str:
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in parts)
    return path.lstrip(".") or whole


def _schema_problem(error: ValidationError, prefix: str) -> list[str]:
    """One jsonschema error as readable lines naming the JSON path (the missing or unexpected
    property itself, not its parent, for required / additionalProperties)."""
    where = list(error.absolute_path)
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _closest_branch(error, prefix)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [f"{prefix}{_json_path([*where, missing])}: is required but missing"]
    if error.validator == "additionalProperties":
        known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        extras = [name for name in error.instance if name not in known] if isinstance(error.instance, dict) else []
        return [f"{prefix}{_json_path([*where, name])}: is not allowed here" for name in extras] or [
            f"{prefix}{_json_path(where)}: {error.message}"
        ]
    return [f"{prefix}{_json_path(where)}: {error.message}"]


def _closest_branch(error: ValidationError, prefix: str) -> list[str]:
    """For anyOf (the declaration request's started / retained / completed shapes) report the
    branch with fewest errors, so a started declaration is not told it lacks has_passed; on a tie,
    the branch whose enums (declaration_type) the body matches."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    best = min(branches.values(), key=lambda errors: (len(errors), sum(e.validator == "enum" for e in errors)))
    lines: list[str] = []
    for sub in best:
        lines.extend(_schema_problem(sub, prefix))
    return lines


def _schema_errors(exc: BaseException | None) -> list[ValidationError]:
    while exc is not None:
        errors = getattr(exc, "schema_errors", None)
        if errors:
            return list(errors)
        exc = exc.__cause__
    return []


def _problems(errors: Iterable[BaseException], prefix: str) -> list[str]:
    lines: list[str] = []
    for error in errors:
        schema_errors = _schema_errors(error)
        name = getattr(error, "name", None)
        location = getattr(error, "location", None)
        where = f"{location} parameter {name!r}" if name and location else type(error).__name__
        if schema_errors:
            for schema_error in schema_errors:
                if name:
                    lines.append(f"{where}{_json_path(schema_error.absolute_path, '')}: {schema_error.message}")
                else:
                    lines.extend(_schema_problem(schema_error, prefix))
        elif isinstance(error, SecurityValidationError):
            lines.append("header 'Authorization': missing (the document asks for the api_key scheme)")
        else:
            cause = error.__cause__
            detail = f"{error}" + (f" ({cause})" if cause and str(cause) not in str(error) else "")
            lines.append(f"{where}: {detail}")
    return lines


# ---------------------------------------------------------------------------------------------
# Requests and responses


def _parse_body(body: bytes | str | Mapping[str, Any] | list[Any] | None) -> bytes | None:
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


def _request(method: str, url: str, headers: Mapping[str, str] | None, body: Any) -> MockRequest:
    parts = urlsplit(url)
    return MockRequest(
        server_url(),
        method.lower(),
        parts.path,
        # Pairs, not a dict, so a repeated key reaches the validator as sent.
        args=parse_qsl(parts.query, keep_blank_values=True),  # type: ignore[arg-type]
        headers=dict(headers or {}),
        data=_parse_body(body),
        content_type=_content_type(headers, default="application/json"),
    )


def _content_type(headers: Mapping[str, str] | None, default: str) -> str:
    for name, value in (headers or {}).items():
        if name.lower() == "content-type":
            return value.split(";")[0].strip()
    return default


def validate_request(
    method: str, url: str, headers: Mapping[str, str] | None = None, body: Any = None
) -> list[str]:
    """What is wrong with this request by the document (empty: nothing). ``body`` may be bytes,
    text or a JSON-able value."""
    request = _request(method, url, headers, body)
    result = contract().unmarshal_request(request)
    return _problems(result.errors, "request body ")


def validate_response(
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str] | None = None,
    body: Any = None,
) -> list[str]:
    """What is wrong with this response to this request by the document (empty: nothing)."""
    request = _request(method, url, {}, None)
    response = MockResponse(
        _parse_body(body) or b"",
        status_code=status,
        headers=dict(headers or {}),
        content_type=_content_type(headers, default="application/json"),
    )
    result = contract().unmarshal_response(request, response)
    return _problems(result.errors, "response body ")
