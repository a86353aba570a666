"""Pages for mentors (observing trainees) and trainees (their progress)."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template

from core.access import roles_required
from core.accounts.roles import Role
from assessments import models  # noqa: F401  (the tables, for migrations)
from core.layout import navigation

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="templates")


@bp.route("/observations")
@roles_required(Role.MENTOR)
def observations() -> str:
    """The mentor's home: the trainees they observe."""
    return render_template("assessments/observations.html")


@bp.route("/my-training")
@roles_required(Role.TRAINEE)
def my_training() -> str:
    """The trainee's home: their programme and progress."""
    return render_template("assessments/my_training.html")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    nav = navigation(app)
    nav.add("Observations", "assessments.observations", Role.MENTOR, section="/assessments/observations")
    nav.add("My training", "assessments.my_training", Role.TRAINEE, section="/assessments/my-training")
    nav.set_home(Role.MENTOR, "assessments.observations")
    nav.set_home(Role.TRAINEE, "assessments.my_training")
