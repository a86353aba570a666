"""Scenario and rubric pages for course designers."""
from __future__ import annotations

from flask import Blueprint, Flask, abort, render_template, request

from competencies import cli, engine, services
from competencies.forms import evidence_of, try_form
from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.content import register_loader
from core.layout import navigation
from curriculum import catalogue_service

bp = Blueprint("competencies", __name__, url_prefix="/competencies", template_folder="templates")
restrict_blueprint(bp, Role.DESIGNER)


@bp.route("/")
def index() -> str:
    """The scenario library: real situations trainees are observed in, like a driving test."""
    return render_template("competencies/index.html", scenarios=services.list_scenarios(), models=engine.RubricModel)


@bp.route("/scenarios/<key>", methods=["GET", "POST"])
def scenario(key: str) -> str:
    """One scenario with its rubric, and a form to try the rubric on sample judgements."""
    found = services.get_scenario(key) or abort(404)
    version = found.rubric.latest
    rubric = services.rubric_of(version)
    form = try_form(rubric, request.form if request.method == "POST" else None)
    result = None
    if request.method == "POST" and form.validate():
        result = services.try_rubric(version, evidence_of(form, rubric))
    modules = {m.key: m for m in (catalogue_service.get_module(k) for k in found.module_keys) if m is not None}
    return render_template("competencies/scenario.html", scenario=found, version=version, rubric=rubric,
                           form=form, result=result, modules=modules, models=engine.RubricModel)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(cli.scenarios)
    register_loader(app, "Scenarios", services.load_library)
    navigation(app).add("Scenarios and rubrics", "competencies.index", Role.DESIGNER, section="/competencies")
