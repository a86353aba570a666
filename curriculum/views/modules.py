"""Pages for a draft's modules: adding them from the catalogue, writing one of one's own, setting
hours, block and prerequisites, moving one up or down, and taking one out."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from core.problems import Invalid
from curriculum import prerequisites, services
from curriculum.forms import AddModulesForm, LockedForm, ModuleForm, OwnModuleForm
from curriculum.models import Programme, ProgrammeModule
from curriculum.services import catalogue as catalogue_service
from curriculum.views.base import bp, draft_or_409, field_error, programme_or_404
from curriculum.views.programme_page import one_button_change, refused


def _add_modules_page(programme: Programme, form: AddModulesForm, status: int = 200):  # type: ignore[no-untyped-def]
    draft = draft_or_409(programme)
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
    programme = programme_or_404(programme_id)
    return _add_modules_page(
        programme, AddModulesForm(lock_version=draft_or_409(programme).lock_version, formdata=None)
    )


@bp.route("/programmes/<int:programme_id>/modules", methods=["POST"])
def add_catalogue_modules(programme_id: int):  # type: ignore[no-untyped-def]
    """Copy the chosen catalogue modules into the draft, then go back where the person was:
    the programme's modules, or the catalogue module page the button was on."""
    programme = programme_or_404(programme_id)
    draft_or_409(programme)
    form = AddModulesForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _add_modules_page(programme, form, 400)
    try:
        added = services.add_catalogue_modules(programme.id, form.seen_lock_version(), form.catalogue_key.data)
    except Invalid as error:
        return refused(programme, error)
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
    programme = programme_or_404(programme_id)
    draft = draft_or_409(programme)
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
            field_error(form, error, "title")
        else:
            flash(f"‘{module.title}’ added.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id))
    return render_template("curriculum/own_module.html", form=form, programme=programme)


@bp.route("/programmes/<int:programme_id>/modules/<key>", methods=["GET", "POST"])
def edit_module(programme_id: int, key: str):  # type: ignore[no-untyped-def]
    """Set a module's hours, block and prerequisites."""
    programme = programme_or_404(programme_id)
    draft = draft_or_409(programme)
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
            field_error(form, error, "hours")
        else:
            flash(f"‘{module.title}’ saved.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id) + f"#module-{key}")
    return render_template("curriculum/module_form.html", form=form, programme=programme, module=module)


@bp.route("/programmes/<int:programme_id>/modules/<key>/move", methods=["POST"])
def move_module(programme_id: int, key: str) -> Response:
    """Move a module one place up or down (works without JavaScript)."""
    offset = -1 if request.form.get("direction") == "up" else 1

    def act(lock: int | None) -> str:
        services.move_module(programme_id, lock, key, offset)
        return ""

    return one_button_change(programme_id, act)


@bp.route("/programmes/<int:programme_id>/modules/<key>/remove")
def confirm_remove(programme_id: int, key: str) -> str:
    """Ask before taking a module out of the draft."""
    programme = programme_or_404(programme_id)
    draft = draft_or_409(programme)
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
        title = (draft_or_409(programme_or_404(programme_id)).module(key) or abort(404)).title
        services.remove_module(programme_id, lock, key)
        return f"‘{title}’ removed."

    return one_button_change(programme_id, act)
