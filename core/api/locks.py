"""Concurrency in the JSON API: a draft's ``lock_version`` is its ETag, sent back as ``If-Match`` or
``lock_version``; a change without it is refused (428), and a stale one is 412 or 409."""

from __future__ import annotations

import re
from typing import Any

import flask_smorest
from flask import request
from marshmallow import Schema, fields

from core.api.errors import ErrorsSchema, fail

LOCK_HEADER = "If-Match"
CHANGED_SINCE = "This record changed since you read it (its ETag is no longer {seen}): read it again, then retry"


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
