"""Scenario and rubric pages for course designers."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template

from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.layout import navigation

bp = Blueprint("competencies", __name__, url_prefix="/competencies", template_folder="templates")
restrict_blueprint(bp, Role.DESIGNER)


@bp.route("/")
def index() -> str:
    """The scenario library and the rubrics that score it."""
    return render_template("competencies/index.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    navigation(app).add("Scenarios and rubrics", "competencies.index", Role.DESIGNER, section="/competencies")
