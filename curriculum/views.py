"""Curriculum pages for course designers."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template

from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.layout import navigation

bp = Blueprint("curriculum", __name__, url_prefix="/curriculum", template_folder="templates")
restrict_blueprint(bp, Role.DESIGNER)


@bp.route("/")
def index() -> str:
    """The course designer's home: their programmes."""
    return render_template("curriculum/index.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    nav = navigation(app)
    nav.add("Programmes", "curriculum.index", Role.DESIGNER, section="/curriculum")
    nav.set_home(Role.DESIGNER, "curriculum.index")
