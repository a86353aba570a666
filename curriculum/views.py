"""Curriculum pages for course designers: the catalogue, programmes, versions and their exchange."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.content import titles
from core.import_pages import ImportPages
from core.problems import Conflict, Invalid, blame_fields, problems_of
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number
from curriculum import prerequisites, rules, services
from curriculum.diff import diff
from curriculum.forms import AddModulesForm, ImportForm, LockedForm, ModuleForm, OwnModuleForm, ProgrammeForm
from curriculum.models import Programme, ProgrammeModule, ProgrammeVersion
from curriculum.services import catalogue as catalogue_service
from curriculum.services.imports import PROGRAMME_JSON

ANCHOR = re.compile(r"#[A-Za-z0-9_-]{1,100}")

bp = Blueprint("curriculum", __name__, url_prefix="/curriculum", template_folder="templates")
restrict_blueprint(bp, Role.DESIGNER)


def _programme(programme_id: int) -> Programme:
    programme = services.get_programme(programme_id)
    if programme is None:
        abort(404)
    return programme


def _draft(programme: Programme) -> ProgrammeVersion:
    if programme.draft is None:
        abort(409)
    return programme.draft


# The services locate problems by the API's names; a few form fields are named otherwise.
FIELD_NAMES = {"prerequisites": "prerequisite_keys"}


def _field_error(form: Any, error: Invalid, default: str) -> None:
    blame_fields(form, error, default, FIELD_NAMES)


def _show(programme: Programme, errors: list[str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    """The programme page; ``errors`` come from an action that was refused."""
    version = programme.current
    page_errors = [{"text": e, "href": "#modules"} for e in errors or []]
    return (
        render_template(
            "curriculum/programme.html",
            programme=programme,
            version=version,
            next_number=services.next_version_number(programme),
            total_hours=services.total_hours(version),
            analysis=catalogue_service.analyse(version),
            lock=LockedForm(lock_version=version.lock_version),
            page_errors=page_errors,
            out_of_order=_out_of_order(version),
            **_version_choices(programme),
        ),
        status,
    )


def _out_of_order(version: ProgrammeVersion) -> list[tuple[ProgrammeModule, ProgrammeModule]]:
    """Modules that run before one of their prerequisites, with that prerequisite."""
    pairs = prerequisites.out_of_order(
        [m.key for m in version.modules], {m.key: set(m.prerequisite_keys) for m in version.modules}
    )
    return [(version.module(key), version.module(needed)) for key, needed in pairs]


def _version_choices(programme: Programme) -> dict[str, Any]:
    """The versions a person may compare, newest last, and the two compared by default."""
    labels = [(str(v.number), v.label) for v in programme.published]
    if programme.draft is not None and programme.published:
        labels.append(("draft", "Draft"))
    return {
        "version_choices": labels,
        "compare_from": labels[-2][0] if len(labels) > 1 else None,
        "compare_to": labels[-1][0] if labels else None,
    }


def _refused(programme: Programme, error: Invalid):  # type: ignore[no-untyped-def]
    status = 409 if isinstance(error, Conflict) else 400
    return _show(programme, [p.message for p in problems_of(error)], status)


@bp.route("/")
def index() -> str:
    """The course designer's home: their programmes."""
    return render_template("curriculum/index.html", programmes=services.list_programmes())


@bp.route("/programmes/new", methods=["GET", "POST"])
def new_programme():  # type: ignore[no-untyped-def]
    """Start a programme: its name, provider, cohort start and length."""
    form = ProgrammeForm()
    if form.validate_on_submit():
        try:
            programme = services.create_programme(current_user.id, _details(form))
        except Invalid as error:
            _field_error(form, error, "name")
        else:
            flash("Programme created. Add modules from the catalogue or write your own.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id))
    return render_template("curriculum/programme_form.html", form=form, programme=None)


def _details(form: ProgrammeForm) -> services.ProgrammeDetails:
    return services.ProgrammeDetails(form.name.data, form.provider.data, form.cohort_start.data, form.length_weeks.data)


@bp.route("/programmes/<int:programme_id>")
def programme(programme_id: int):  # type: ignore[no-untyped-def]
    """A programme's current draft (or newest version) with its analysis."""
    return _show(_programme(programme_id))


@bp.route("/programmes/<int:programme_id>/details", methods=["GET", "POST"])
def edit_details(programme_id: int):  # type: ignore[no-untyped-def]
    """Change the draft's name, provider, cohort start or length."""
    programme = _programme(programme_id)
    draft = _draft(programme)
    form = ProgrammeForm(obj=draft) if request.method == "GET" else ProgrammeForm()
    if request.method == "GET":
        form.lock_version.data = draft.lock_version
    if form.validate_on_submit():
        try:
            services.update_details(programme.id, form.seen_lock_version(), _details(form))
        except Invalid as error:
            _field_error(form, error, "name")
        else:
            flash("Programme details saved.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id))
    return render_template("curriculum/programme_form.html", form=form, programme=programme)


def _add_modules_page(programme: Programme, form: AddModulesForm, status: int = 200):  # type: ignore[no-untyped-def]
    draft = _draft(programme)
    filters = catalogue_service.Filters.from_args(request.args)
    return render_template(
        "curriculum/add_modules.html",
        programme=programme,
        version=draft,
        form=form,
        filters=filters,
        **catalogue_service.browse(filters),
    ), status


@bp.route("/programmes/<int:programme_id>/add-modules")
def add_modules(programme_id: int):  # type: ignore[no-untyped-def]
    """The catalogue, filtered, with a checkbox for each module not yet in the draft."""
    programme = _programme(programme_id)
    return _add_modules_page(programme, AddModulesForm(lock_version=_draft(programme).lock_version, formdata=None))


@bp.route("/programmes/<int:programme_id>/modules", methods=["POST"])
def add_catalogue_modules(programme_id: int):  # type: ignore[no-untyped-def]
    """Copy the chosen catalogue modules into the draft, then go back where the person was:
    the programme's modules, or the catalogue module page the button was on."""
    programme = _programme(programme_id)
    _draft(programme)
    form = AddModulesForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _add_modules_page(programme, form, 400)
    try:
        added = services.add_catalogue_modules(programme.id, form.seen_lock_version(), form.catalogue_key.data)
    except Invalid as error:
        return _refused(programme, error)
    flash(_added_message(added), "success")
    if request.form.get("return_to") == "catalogue" and len(added) == 1:
        return redirect(url_for("curriculum.catalogue_module", key=added[0].key) + "#add-to-programme")
    return redirect(url_for("curriculum.programme", programme_id=programme.id) + f"#module-{added[0].key}")


def _added_message(added: list[ProgrammeModule]) -> str:
    hours = sum(m.hours for m in added)
    if len(added) == 1:
        return f"‘{added[0].title}’ added ({hours} hours)."
    if len(added) > 3:  # a long list of titles would hide the modules themselves: they are below
        return f"{len(added)} modules added ({hours} hours) at the end of the running order."
    return f"{len(added)} modules added ({hours} hours): " + ", ".join(f"‘{m.title}’" for m in added) + "."


@bp.route("/programmes/<int:programme_id>/modules/new", methods=["GET", "POST"])
def new_module(programme_id: int):  # type: ignore[no-untyped-def]
    """Write a module that is not in the catalogue."""
    programme = _programme(programme_id)
    draft = _draft(programme)
    form = OwnModuleForm()
    form.area_key.choices = [SelectChoice("", "None")] + [
        SelectChoice(k, t) for k, t in catalogue_service.area_choices()
    ]
    if request.method == "GET":
        form.lock_version.data = draft.lock_version
    if form.validate_on_submit():
        own = services.OwnModule(
            title=form.title.data,
            summary=form.summary.data or "",
            hours=form.hours.data,
            block=form.block.data or "",
            area_key=form.area_key.data or None,
            outcomes=form.parsed_outcomes(),
            sources=form.parsed_sources(),
        )
        try:
            module = services.add_own_module(programme.id, form.seen_lock_version(), own)
        except Invalid as error:
            _field_error(form, error, "title")
        else:
            flash(f"‘{module.title}’ added.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id))
    return render_template("curriculum/own_module.html", form=form, programme=programme)


@bp.route("/programmes/<int:programme_id>/modules/<key>", methods=["GET", "POST"])
def edit_module(programme_id: int, key: str):  # type: ignore[no-untyped-def]
    """Set a module's hours, block and prerequisites."""
    programme = _programme(programme_id)
    draft = _draft(programme)
    module = draft.module(key) or abort(404)
    form = ModuleForm(obj=module) if request.method == "GET" else ModuleForm()
    form.prerequisite_keys.choices = [SelectChoice(m.key, m.title) for m in draft.modules if m.key != key]
    if request.method == "GET":
        form.lock_version.data = draft.lock_version
        form.prerequisite_keys.data = list(module.prerequisite_keys)
    if form.validate_on_submit():
        changes = services.ModuleChanges(
            form.hours.data, form.block.data or "", frozenset(form.prerequisite_keys.data or [])
        )
        try:
            services.update_module(programme.id, form.seen_lock_version(), key, changes)
        except Invalid as error:
            _field_error(form, error, "hours")
        else:
            flash(f"‘{module.title}’ saved.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id) + f"#module-{key}")
    return render_template("curriculum/module_form.html", form=form, programme=programme, module=module)


def _action(programme_id: int, act: Callable[[int | None], str], needs_draft: bool = True) -> Response:
    """Run a one-button change to the draft (``act`` takes the lock_version the person saw);
    a refusal re-shows the programme with the reason."""
    programme = _programme(programme_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    if needs_draft:
        _draft(programme)
    try:
        message = act(form.seen_lock_version())
    except Invalid as error:
        return _refused(programme, error)
    if message:
        flash(message, "success")
    return redirect(
        url_for("curriculum.programme", programme_id=programme.id) + _anchor(request.form.get("anchor", ""))
    )


def _anchor(value: str) -> str:
    """A fragment from the page's own form (``#module-key``); anything else is dropped."""
    return value if ANCHOR.fullmatch(value) else ""


@bp.route("/programmes/<int:programme_id>/modules/<key>/move", methods=["POST"])
def move_module(programme_id: int, key: str) -> Response:
    """Move a module one place up or down (works without JavaScript)."""
    offset = -1 if request.form.get("direction") == "up" else 1

    def act(lock: int | None) -> str:
        services.move_module(programme_id, lock, key, offset)
        return ""

    return _action(programme_id, act)


@bp.route("/programmes/<int:programme_id>/modules/<key>/remove")
def confirm_remove(programme_id: int, key: str) -> str:
    """Ask before taking a module out of the draft."""
    programme = _programme(programme_id)
    draft = _draft(programme)
    module = draft.module(key) or abort(404)
    needed_by = [
        draft.module(k) for k in prerequisites.dependants({m.key: set(m.prerequisite_keys) for m in draft.modules}, key)
    ]
    return render_template(
        "curriculum/confirm_remove.html",
        programme=programme,
        module=module,
        needed_by=needed_by,
        lock=LockedForm(lock_version=draft.lock_version),
    )


@bp.route("/programmes/<int:programme_id>/modules/<key>/remove", methods=["POST"])
def remove_module(programme_id: int, key: str) -> Response:
    """Take a module out of the draft, unless another module needs it."""

    def act(lock: int | None) -> str:
        title = (_draft(_programme(programme_id)).module(key) or abort(404)).title
        services.remove_module(programme_id, lock, key)
        return f"‘{title}’ removed."

    return _action(programme_id, act)


@bp.route("/programmes/<int:programme_id>/publish")
def confirm_publish(programme_id: int) -> str:
    """Ask before publishing: a published version can never change."""
    programme = _programme(programme_id)
    draft = _draft(programme)
    return render_template(
        "curriculum/confirm_publish.html",
        programme=programme,
        version=draft,
        number=services.next_version_number(programme),
        lock=LockedForm(lock_version=draft.lock_version),
    )


@bp.route("/programmes/<int:programme_id>/publish", methods=["POST"])
def publish(programme_id: int) -> Response:
    """Publish the draft as the next numbered version."""

    def act(lock: int | None) -> str:
        version = services.publish(programme_id, lock, current_user.id)
        return f"Version {version.number} published. It can no longer change; edit to start a new draft."

    return _action(programme_id, act)


@bp.route("/programmes/<int:programme_id>/draft", methods=["POST"])
def start_draft(programme_id: int) -> Response:
    """Start a new draft from the newest published version."""

    def act(_lock: int | None) -> str:
        services.start_draft(programme_id)
        return "A new draft has been started from the newest version."

    return _action(programme_id, act, needs_draft=False)


@bp.route("/programmes/<int:programme_id>/versions/<int:number>")
def version(programme_id: int, number: int) -> str:
    """One published version, read-only."""
    programme = _programme(programme_id)
    version = services.get_version(programme.id, number) or abort(404)
    return render_template(
        "curriculum/version.html", programme=programme, version=version, analysis=catalogue_service.analyse(version)
    )


def _version_by_label(programme: Programme, label: str | None) -> ProgrammeVersion:
    if label == "draft" and programme.draft is not None:
        return programme.draft
    number = whole_number(label, RECORD_NUMBER_MAX)
    if number is not None:
        found = services.get_version(programme.id, number)
        if found is not None:
            return found
    abort(404)


@bp.route("/programmes/<int:programme_id>/compare")
def compare(programme_id: int) -> str:
    """What changed between two versions (or a version and the draft)."""
    programme = _programme(programme_id)
    before = _version_by_label(programme, request.args.get("from"))
    after = _version_by_label(programme, request.args.get("to"))
    changes = diff(services.export_version(before), services.export_version(after))
    return render_template(
        "curriculum/compare.html",
        programme=programme,
        before=before,
        after=after,
        changes=changes,
        **{
            **_version_choices(programme),
            "compare_from": request.args.get("from"),
            "compare_to": request.args.get("to"),
        },
    )


@bp.route("/programmes/<int:programme_id>/export.json")
def export(programme_id: int) -> Response:
    """Download a version (the current one unless ?version=N) as a programme document."""
    programme = _programme(programme_id)
    version = (
        _version_by_label(programme, request.args.get("version")) if request.args.get("version") else programme.current
    )
    response = jsonify(services.export_version(version))
    filename = f"programme-{programme.id}-{version.label.lower().replace(' ', '-')}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


PROGRAMME_IMPORT = ImportPages(
    PROGRAMME_JSON,
    "programme",
    ImportForm,
    "curriculum/import.html",
    "curriculum.import_programme",
    "curriculum.confirm_import",
    lambda programme: url_for("curriculum.programme", programme_id=programme.id),
    "Programme imported as a draft.",
)


@bp.route("/programmes/import", methods=["GET", "POST"])
def import_programme() -> ResponseReturnValue:
    """Check a programme document; every problem is listed with its place, and nothing is saved yet."""
    return PROGRAMME_IMPORT.choose()


@bp.route("/programmes/import/<staged_id>", methods=["GET", "POST"])
def confirm_import(staged_id: str) -> ResponseReturnValue:
    """What a checked document will create, and the button that creates it."""
    return PROGRAMME_IMPORT.confirm(staged_id)


@bp.route("/catalogue")
def catalogue() -> str:
    """Browse and search the built-in catalogue."""
    filters = catalogue_service.Filters.from_args(request.args)
    return render_template(
        "curriculum/catalogue.html",
        filters=filters,
        **catalogue_service.browse(filters),
        **catalogue_service.framework(),
    )


@bp.route("/catalogue/<key>")
def catalogue_module(key: str) -> str:
    """One catalogue module with its outcomes and their sources."""
    module = catalogue_service.get_module(key) or abort(404)
    scenario_titles = titles("scenario")  # the competencies room's scenarios, by key
    drafts = [p for p in services.list_programmes() if p.draft is not None]
    return render_template(
        "curriculum/catalogue_module.html",
        module=module,
        delivery=rules.delivery_in_words(module.delivery_modes),
        scenarios=[scenario_titles.get(k, k) for k in module.scenario_keys],
        drafts=drafts,
        lock_form=LockedForm,
        **catalogue_service.reference(),
    )
