"""Scenario and rubric pages for course designers."""
from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from competencies import api as competencies_api
from competencies import authoring, cli, engine, services
from competencies.forms import CriterionForm, ImportRubricForm, RubricForm, evidence_of, try_form
from competencies.models import Rubric
from competencies.rubric_imports import RUBRIC_JSON
from core import importing
from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.content import register_loader
from core.layout import navigation
from core.problems import Invalid, Problem
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
        result = services.try_rubric(rubric, evidence_of(form, rubric))
    modules = {m.key: m for m in catalogue_service.get_modules(found.module_keys)}
    return render_template("competencies/scenario.html", scenario=found, version=version, rubric=rubric,
                           form=form, result=result, modules=modules, models=engine.RubricModel,
                           own_rubrics=authoring.rubrics_for_scenario(found.key))


# ---- designers' own rubrics ----------------------------------------------------------------


def _rubric(rubric_id: int) -> Rubric:
    return authoring.get_rubric(rubric_id) or abort(404)


def _settings(form: RubricForm) -> authoring.Settings:
    return authoring.Settings(form.title.data, engine.RubricModel(form.model.data), float(form.threshold.data),
                              form.fault_limit.data, tuple(form.module_keys.data or ()), form.scenario_key.data or None)


def _choices(form: RubricForm) -> None:
    form.module_keys.choices = [SelectChoice(m.key, m.title) for m in catalogue_service.shipped_catalogue().modules]
    form.scenario_key.choices = [SelectChoice("", "None")] + [SelectChoice(s.key, s.title) for s in services.list_scenarios()]


def _blame(form: FlaskForm, error: authoring.AuthoringError) -> None:
    for field_name, message in error.problems:
        field = getattr(form, field_name, None) or form.title
        field.errors = [*field.errors, message]


@bp.route("/rubrics")
def rubrics() -> str:
    """Every rubric, the library's and the designers' own."""
    return render_template("competencies/rubrics.html", rubrics=authoring.list_rubrics())


@bp.route("/rubrics/new", methods=["GET", "POST"])
def new_rubric():  # type: ignore[no-untyped-def]
    """Start a rubric: its title, how it is scored, and the modules it assesses."""
    form = RubricForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            rubric = authoring.create_rubric(_settings(form))
        except authoring.AuthoringError as error:
            _blame(form, error)
        else:
            flash("Rubric started. Add its criteria, try it, then publish it.", "success")
            return redirect(url_for("competencies.rubric", rubric_id=rubric.id))
    return render_template("competencies/rubric_form.html", form=form, rubric=None)


@bp.route("/rubrics/<int:rubric_id>/settings", methods=["GET", "POST"])
def rubric_settings(rubric_id: int):  # type: ignore[no-untyped-def]
    """Change a draft's title, pass mark or fault limit, and its modules."""
    rubric = _rubric(rubric_id)
    definition = rubric.latest.definition
    form = RubricForm(data={"title": rubric.title, "model": definition["model"], "threshold": definition["threshold"],
                            "fault_limit": definition["fault_limit"], "module_keys": rubric.module_keys,
                            "scenario_key": rubric.scenario_key or ""}
                      if request.method == "GET" else None)
    _choices(form)
    if form.validate_on_submit():
        try:
            authoring.update_settings(rubric, _settings(form))
        except authoring.AuthoringError as error:
            _blame(form, error)
        else:
            return redirect(url_for("competencies.rubric", rubric_id=rubric.id))
    return render_template("competencies/rubric_form.html", form=form, rubric=rubric)


@bp.route("/rubrics/<int:rubric_id>", methods=["GET", "POST"])
def rubric(rubric_id: int):  # type: ignore[no-untyped-def]
    """A rubric's newest version: its criteria, what stops it being published, and a try-out."""
    found = _rubric(rubric_id)
    version = found.latest
    try:  # parsed once per request, then reused for the form and the try-out
        checked, problems = services.rubric_of(version), []
    except engine.RubricError as error:
        checked, problems = None, error.errors
    form = try_form(checked, request.form if request.method == "POST" else None) if checked else None
    result = None
    if checked is not None and form is not None and request.method == "POST" and form.validate():
        result = services.try_rubric(checked, evidence_of(form, checked))
    modules = catalogue_service.get_modules(found.module_keys)
    scenario = services.get_scenario(found.scenario_key) if found.scenario_key else None
    return render_template("competencies/rubric.html", rubric=found, version=version, problems=problems,
                           checked=checked, form=form, result=result, models=engine.RubricModel,
                           lock=FlaskForm(), modules=modules, scenario=scenario)


def _criterion_input(form: CriterionForm) -> authoring.CriterionInput:
    return authoring.CriterionInput(form.title.data, float(form.weight.data), form.critical_level.data, form.parsed_levels())


@bp.route("/rubrics/<int:rubric_id>/criteria/new", methods=["GET", "POST"])
@bp.route("/rubrics/<int:rubric_id>/criteria/<int:index>", methods=["GET", "POST"])
def criterion(rubric_id: int, index: int | None = None):  # type: ignore[no-untyped-def]
    """Add a criterion to the draft, or change one."""
    found = _rubric(rubric_id)
    existing = found.latest.definition["criteria"][index] if index is not None and index < len(found.latest.definition["criteria"]) else None
    if index is not None and existing is None:
        abort(404)
    data = None
    if request.method == "GET" and existing:
        data = {"title": existing["title"], "weight": existing.get("weight", 1), "critical_level": existing.get("critical_level"),
                "levels": "\n".join(f"{lv['label']}: {lv['descriptor']}" for lv in existing.get("levels", []))}
    form = CriterionForm(data=data) if data else CriterionForm()
    if form.validate_on_submit():
        try:
            if index is None:
                authoring.add_criterion(found, _criterion_input(form))
            else:
                authoring.update_criterion(found, index, _criterion_input(form))
        except authoring.AuthoringError as error:
            _blame(form, error)
        else:
            return redirect(url_for("competencies.rubric", rubric_id=found.id) + "#criteria")
    return render_template("competencies/criterion_form.html", form=form, rubric=found, index=index,
                           analytic=found.latest.definition["model"] == engine.RubricModel.ANALYTIC.value)


def _rubric_action(rubric_id: int, act) -> Response:  # type: ignore[no-untyped-def]
    found = _rubric(rubric_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        message = act(found)
    except authoring.AuthoringError as error:
        flash("Not done: " + "; ".join(m for _, m in error.problems), "error")
    else:
        flash(message, "success")
    return redirect(url_for("competencies.rubric", rubric_id=found.id))


@bp.route("/rubrics/<int:rubric_id>/criteria/<int:index>/remove", methods=["POST"])
def remove_criterion(rubric_id: int, index: int) -> Response:
    """Take a criterion out of the draft."""
    def act(rubric: Rubric) -> str:
        authoring.remove_criterion(rubric, index)
        return "Criterion removed."
    return _rubric_action(rubric_id, act)


@bp.route("/rubrics/<int:rubric_id>/publish", methods=["POST"])
def publish_rubric(rubric_id: int) -> Response:
    """Publish the draft once the engine finds nothing wrong with it."""
    return _rubric_action(rubric_id, lambda r: f"Version {authoring.publish(r).number} published. It will never change.")


@bp.route("/rubrics/<int:rubric_id>/draft", methods=["POST"])
def new_rubric_draft(rubric_id: int) -> Response:
    """Start a new draft version from the newest published one."""
    return _rubric_action(rubric_id, lambda r: f"Draft version {authoring.start_draft(r).number} started.")


@bp.route("/rubrics/<int:rubric_id>/export.json")
def export_rubric(rubric_id: int) -> Response:
    """Download the newest version (or ?version=N) as JSON in the engine's format."""
    found = _rubric(rubric_id)
    number = request.args.get("version", type=int)
    version = next((v for v in found.versions if v.number == number), None) if number else found.latest
    if version is None:
        abort(404)
    response = jsonify(version.definition)
    response.headers["Content-Disposition"] = f'attachment; filename="rubric-{found.key}-v{version.number}.json"'
    return response


@bp.route("/rubrics/import", methods=["GET", "POST"])
def import_rubric():  # type: ignore[no-untyped-def]
    """Check a rubric file; every problem is listed with its place, and nothing is saved yet."""
    form = ImportRubricForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            staged_id, _ = importing.stage(RUBRIC_JSON, form.document.data.read(), current_user.id)
        except Invalid as error:
            problems = error.problems
            form.document.errors = ["The file has problems, listed below. Nothing was imported."]
        else:
            return redirect(url_for("competencies.confirm_import", staged_id=staged_id))
    return render_template("competencies/import.html", form=form, problems=problems), 400 if problems else 200


@bp.route("/rubrics/import/<staged_id>", methods=["GET", "POST"])
def confirm_import(staged_id: str):  # type: ignore[no-untyped-def]
    """What a checked rubric file will create, and the button that creates it."""
    form = FlaskForm()
    try:
        if form.validate_on_submit():
            found = importing.confirm(RUBRIC_JSON, staged_id, current_user.id).created
            flash("Rubric imported as a draft. Try it, then publish it.", "success")
            return redirect(url_for("competencies.rubric", rubric_id=found.id))
        preview = importing.staged_preview(RUBRIC_JSON, staged_id, current_user.id).preview
    except Invalid as error:
        flash(" ".join(p.message for p in error.problems[:3]), "error")
        return redirect(url_for("competencies.import_rubric"))
    return render_template("import_preview.html", form=form, preview=preview, what="rubric",
                           back_url=url_for("competencies.import_rubric"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    competencies_api.init_app(app)
    app.cli.add_command(cli.scenarios)
    register_loader(app, "Scenarios", services.load_library)
    navigation(app).add("Scenarios and rubrics", "competencies.index", Role.DESIGNER, section="/competencies")
