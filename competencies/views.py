"""Scenario and rubric pages for course designers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from wtforms.fields.choices import SelectChoice

from competencies import documents, engine, services
from competencies.forms import CriterionForm, FaultTypeForm, ImportRubricForm, RubricForm, evidence_of, try_form
from competencies.models import Rubric
from competencies.services import authoring
from competencies.services.imports import RUBRIC_JSON
from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.import_pages import ImportPages
from core.problems import Invalid, blame_fields
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number
from curriculum.forms import LockedForm
from curriculum.services import catalogue as catalogue_service

bp = Blueprint("competencies", __name__, url_prefix="/competencies", template_folder="templates")
restrict_blueprint(bp, Role.DESIGNER)


@bp.route("/")
def index() -> str:
    """The scenario library: real situations trainees are observed in, like a driving test."""
    return render_template(
        "competencies/index.html",
        scenarios=services.list_scenarios(),
        models=engine.RubricModel,
        words_of=engine.words_of,
    )


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
    return render_template(
        "competencies/scenario.html",
        scenario=found,
        version=version,
        rubric=rubric,
        form=form,
        result=result,
        reasons=services.explained(result, rubric) if result else (),
        modules=modules,
        models=engine.RubricModel,
        must_reach=engine.must_reach,
        own_rubrics=authoring.rubrics_for_scenario(found.key),
    )


# ---- designers' own rubrics ----------------------------------------------------------------


def _rubric(rubric_id: int) -> Rubric:
    return authoring.get_rubric(rubric_id) or abort(404)


def _settings(form: RubricForm) -> authoring.Settings:
    return authoring.Settings(
        form.title.data,
        engine.RubricModel(form.model.data),
        form.pass_mark.data,
        form.pass_level.data,
        form.fault_limit.data,
        form.pass_rationale.data or "",
        tuple(form.module_keys.data or ()),
        form.scenario_key.data or None,
    )


def _choices(form: RubricForm) -> None:
    form.module_keys.choices = [SelectChoice(m.key, m.title) for m in catalogue_service.shipped_catalogue().modules]
    form.scenario_key.choices = [SelectChoice("", "None")] + [
        SelectChoice(s.key, s.title) for s in services.list_scenarios()
    ]


@bp.route("/rubrics")
def rubrics() -> str:
    """Every rubric: the provider's own first, then the built-in library's."""
    library, own = authoring.rubrics_by_origin()
    return render_template("competencies/rubrics.html", library=library, own=own)


@bp.route("/rubrics/new", methods=["GET", "POST"])
def new_rubric():  # type: ignore[no-untyped-def]
    """Start a rubric: its title, how it is scored (with that model's pass mark, level or fault
    limit), and the modules it assesses."""
    form = RubricForm()
    _choices(form)
    if request.method == "GET":
        form.pass_mark.data = authoring.DEFAULT_PASS_MARK
        form.pass_level.data = authoring.DEFAULT_PASS_LEVEL
        form.fault_limit.data = engine.DVSA_MINOR_FAULT_LIMIT
    if form.validate_on_submit():
        try:
            rubric = authoring.create_rubric(_settings(form))
        except Invalid as error:
            blame_fields(form, error, "title")  # a problem no field names goes on the title
        else:
            flash("Rubric started. Add its criteria, try it, then publish it.", "success")
            return redirect(url_for("competencies.rubric", rubric_id=rubric.id))
    return render_template("competencies/rubric_form.html", form=form, rubric=None, words_of=engine.words_of)


@bp.route("/rubrics/<int:rubric_id>/settings", methods=["GET", "POST"])
def rubric_settings(rubric_id: int):  # type: ignore[no-untyped-def]
    """Change a draft's title, its pass mark, pass level or fault limit, and its modules."""
    rubric = _rubric(rubric_id)
    definition = rubric.latest.definition
    model = definition["model"]
    form = RubricForm(
        data={
            "title": rubric.title,
            "model": model,
            "fault_limit": definition.get("fault_limit"),
            "pass_mark": definition.get("threshold") if model == "analytic" else None,
            "pass_level": definition.get("threshold") if model == "entrustment" else None,
            "pass_rationale": definition.get("pass_rationale", ""),
            "module_keys": rubric.module_keys,
            "scenario_key": rubric.scenario_key or "",
            "lock_version": rubric.latest.lock_version,
        }
        if request.method == "GET"
        else None
    )
    _choices(form)
    if form.validate_on_submit():
        try:
            authoring.update_settings(rubric.id, form.seen_lock_version(), _settings(form))
        except Invalid as error:
            blame_fields(form, error, "title")  # a problem no field names goes on the title
        else:
            return redirect(url_for("competencies.rubric", rubric_id=rubric.id))
    return render_template("competencies/rubric_form.html", form=form, rubric=rubric, words_of=engine.words_of)


@bp.route("/rubrics/<int:rubric_id>", methods=["GET", "POST"])
def rubric(rubric_id: int):  # type: ignore[no-untyped-def]
    """A rubric's newest version: its criteria and fault types, what stops it being published,
    and a try-out."""
    found = _rubric(rubric_id)
    version = found.latest
    try:  # parsed once per request, then reused for the form and the try-out
        checked, problems = services.rubric_of(version), []
    except engine.RubricError:
        checked, problems = None, authoring.described_problems(version.definition)
    form = try_form(checked, request.form if request.method == "POST" else None) if checked else None
    result = None
    if checked is not None and form is not None and request.method == "POST" and form.validate():
        result = services.try_rubric(checked, evidence_of(form, checked))
    modules = catalogue_service.get_modules(found.module_keys)
    scenario = services.get_scenario(found.scenario_key) if found.scenario_key else None
    titles = {c["key"]: c["title"] for c in version.definition["criteria"]}
    return render_template(
        "competencies/rubric.html",
        rubric=found,
        version=version,
        problems=problems,
        checked=checked,
        form=form,
        result=result,
        models=engine.RubricModel,
        reasons=services.explained(result, checked) if result and checked else (),
        lock=LockedForm(lock_version=version.lock_version),
        modules=modules,
        scenario=scenario,
        titles=titles,
        printable=documents.scenarios_printed_with(found.id),
    )


def _criterion_input(form: CriterionForm) -> authoring.CriterionInput:
    return authoring.CriterionInput(form.title.data, form.weight.data, form.critical_level.data, form.parsed_levels())


def _part(found: Rubric, part: str, key: str | None) -> dict | None:  # type: ignore[type-arg]
    """The criterion or fault type with ``key`` in the newest version (404 if there is none)."""
    if key is None:
        return None
    return next((item for item in found.latest.definition.get(part, []) if item["key"] == key), None) or abort(404)


@bp.route("/rubrics/<int:rubric_id>/criteria/new", methods=["GET", "POST"])
@bp.route("/rubrics/<int:rubric_id>/criteria/<key>", methods=["GET", "POST"])
def criterion(rubric_id: int, key: str | None = None):  # type: ignore[no-untyped-def]
    """Add a criterion to the draft, or change one (addressed by its key)."""
    found = _rubric(rubric_id)
    existing = _part(found, "criteria", key)
    form = CriterionForm()
    if request.method == "GET":
        form.lock_version.data = found.latest.lock_version
        if existing:
            form.title.data, form.weight.data = existing["title"], existing.get("weight", 1)
            form.critical_level.data = existing.get("critical_level")
            form.levels.data = "\n".join(f"{lv['label']}: {lv['descriptor']}" for lv in existing.get("levels", []))
    model = found.latest.definition["model"]
    if model != engine.RubricModel.ANALYTIC.value:
        form.weight.validators = []  # weights count only in the analytic model: the view leaves the field out
    if form.validate_on_submit():
        try:
            if key is None:
                authoring.add_criterion(found.id, form.seen_lock_version(), _criterion_input(form))
            else:
                authoring.update_criterion(found.id, form.seen_lock_version(), key, _criterion_input(form))
        except Invalid as error:
            blame_fields(form, error, "title")  # a problem no field names goes on the title
        else:
            return redirect(url_for("competencies.rubric", rubric_id=found.id) + "#criteria")
    return render_template("competencies/criterion_form.html", form=form, rubric=found, key=key, model=model)


def _fault_type_input(form: FaultTypeForm) -> authoring.FaultTypeInput:
    return authoring.FaultTypeInput(
        form.title.data,
        engine.FaultSeverity(form.severity.data),
        form.criterion.data or None,
        form.fails_alone.data == "yes",
        form.why.data or "",
    )


@bp.route("/rubrics/<int:rubric_id>/fault-types/new", methods=["GET", "POST"])
@bp.route("/rubrics/<int:rubric_id>/fault-types/<key>", methods=["GET", "POST"])
def fault_type(rubric_id: int, key: str | None = None):  # type: ignore[no-untyped-def]
    """Add a fault type a mentor can record, or change one (addressed by its key)."""
    found = _rubric(rubric_id)
    existing = _part(found, "fault_types", key)
    form = FaultTypeForm()
    form.criterion.choices = [SelectChoice("", "Any part of the observation")] + [
        SelectChoice(c["key"], c["title"]) for c in found.latest.definition["criteria"]
    ]
    if request.method == "GET":
        form.lock_version.data = found.latest.lock_version
        if existing:
            form.title.data, form.severity.data = existing["title"], existing.get("severity", "minor")
            form.fails_alone.data = "yes" if existing.get("fails_alone") else "no"
            form.criterion.data, form.why.data = existing.get("criterion") or "", existing.get("why", "")
    if form.validate_on_submit():
        try:
            if key is None:
                authoring.add_fault_type(found.id, form.seen_lock_version(), _fault_type_input(form))
            else:
                authoring.update_fault_type(found.id, form.seen_lock_version(), key, _fault_type_input(form))
        except Invalid as error:
            blame_fields(form, error, "title")  # a problem no field names goes on the title
        else:
            return redirect(url_for("competencies.rubric", rubric_id=found.id) + "#fault-types")
    return render_template("competencies/fault_type_form.html", form=form, rubric=found, key=key)


def _rubric_action(rubric_id: int, act: Callable[[int | None], str]) -> Response:
    """Run a one-button change to the draft (``act`` takes the lock_version the person saw);
    a refusal is flashed on the rubric's page."""
    found = _rubric(rubric_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        message = act(form.seen_lock_version())
    except Invalid as error:
        flash("Not done: " + "; ".join(m for _, m in error.problems), "error")
    else:
        flash(message, "success")
    return redirect(url_for("competencies.rubric", rubric_id=found.id))


@bp.route("/rubrics/<int:rubric_id>/criteria/<key>/remove", methods=["POST"])
def remove_criterion(rubric_id: int, key: str) -> Response:
    """Take a criterion out of the draft."""

    def act(seen: int | None) -> str:
        authoring.remove_criterion(rubric_id, seen, key)
        return "Criterion removed."

    return _rubric_action(rubric_id, act)


@bp.route("/rubrics/<int:rubric_id>/fault-types/<key>/remove", methods=["POST"])
def remove_fault_type(rubric_id: int, key: str) -> Response:
    """Take a fault type out of the draft."""

    def act(seen: int | None) -> str:
        authoring.remove_fault_type(rubric_id, seen, key)
        return "Fault type removed."

    return _rubric_action(rubric_id, act)


@bp.route("/rubrics/<int:rubric_id>/publish", methods=["POST"])
def publish_rubric(rubric_id: int) -> Response:
    """Publish the draft once the engine finds nothing wrong with it."""
    return _rubric_action(
        rubric_id, lambda seen: f"Version {authoring.publish(rubric_id, seen).number} published. It will never change."
    )


@bp.route("/rubrics/<int:rubric_id>/draft", methods=["POST"])
def new_rubric_draft(rubric_id: int) -> Response:
    """Start a new draft version from the newest published one."""
    return _rubric_action(rubric_id, lambda _seen: f"Draft version {authoring.start_draft(rubric_id).number} started.")


@bp.route("/rubrics/<int:rubric_id>/export.json")
def export_rubric(rubric_id: int) -> Response:
    """Download the newest version (or ?version=N) as JSON in the engine's format."""
    found = _rubric(rubric_id)
    number = whole_number(request.args.get("version"), RECORD_NUMBER_MAX)
    version = next((v for v in found.versions if v.number == number), None) if number else found.latest
    if version is None:
        abort(404)
    response = jsonify(version.definition)
    response.headers["Content-Disposition"] = f'attachment; filename="rubric-{found.key}-v{version.number}.json"'
    return response


RUBRIC_IMPORT = ImportPages(
    RUBRIC_JSON,
    "rubric",
    ImportRubricForm,
    "competencies/import.html",
    "competencies.import_rubric",
    "competencies.confirm_import",
    lambda rubric: url_for("competencies.rubric", rubric_id=rubric.id),
    "Rubric imported as a draft. Try it, then publish it.",
)


@bp.route("/rubrics/import", methods=["GET", "POST"])
def import_rubric() -> ResponseReturnValue:
    """Check a rubric file; every problem is listed with its place, and nothing is saved yet."""
    return RUBRIC_IMPORT.choose()


@bp.route("/rubrics/import/<staged_id>", methods=["GET", "POST"])
def confirm_import(staged_id: str) -> ResponseReturnValue:
    """What a checked rubric file will create, and the button that creates it."""
    return RUBRIC_IMPORT.confirm(staged_id)
