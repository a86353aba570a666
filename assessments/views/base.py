"""The room's blueprint, shared by the page modules beside it."""

from __future__ import annotations

from flask import Blueprint, request

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="../templates")


def page_number() -> int:
    """The ``page`` query argument as a page number from 1; anything else (text, huge, negative) is page 1."""
    found = whole_number(request.args.get("page"))
    return found if found is not None and 0 < found < 1_000_000 else 1


def whole_number(text: str | None) -> int | None:
    """``text`` as a whole number if it is one in ASCII digits (``"²".isdigit()`` is true, yet not a number)."""
    text = text or ""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None
