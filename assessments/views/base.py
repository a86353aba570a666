"""The room's blueprint, shared by the page modules beside it."""

from __future__ import annotations

from datetime import date

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="../templates")


def today() -> date:
    """Today, in one place, so every page judges dates (future, deadlines) alike."""
    return date.today()
