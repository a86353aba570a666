"""The room's blueprint, shared by the page modules beside it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="../templates")
