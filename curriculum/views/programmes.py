"""Pages for programmes: the course designer's list, starting a programme, its page and details,
publishing the draft and starting a new one."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.problems import Invalid
from curriculum import services
from curriculum.forms import LockedForm, ProgrammeForm
from curriculum.views.base import bp, draft_or_409, field_error, programme_or_404
from curriculum.views.programme_page import one_button_change, show_programme


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
            field_error(form, error, "name")
        else:
            flash("Programme created. Add modules from the catalogue or write your own.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id))
    return render_template("curriculum/programme_form.html", form=form, programme=None)


def _details(form: ProgrammeForm) -> services.ProgrammeDetails:
    return services.ProgrammeDetails(form.name.data, form.provider.data, form.cohort_start.data, form.length_weeks.data)


@bp.route("/programmes/<int:programme_id>")
def programme(programme_id: int):  # type: ignore[no-untyped-def]
    """A programme's current draft (or newest version) with its analysis."""
    return show_programme(programme_or_404(programme_id))


@bp.route("/programmes/<int:programme_id>/details", methods=["GET", "POST"])
def edit_details(programme_id: int):  # type: ignore[no-untyped-def]
    """Change the draft's name, provider, cohort start or length."""
    programme = programme_or_404(programme_id)
    draft = draft_or_409(programme)
    form = ProgrammeForm(obj=draft) if request.method == "GET" else ProgrammeForm()
    if request.method == "GET":
        form.lock_version.data = draft.lock_version
    if form.validate_on_submit():
        try:
            services.update_details(programme.id, form.seen_lock_version(), _details(form))
        except Invalid as error:
            field_error(form, error, "name")
        else:
            flash("Programme details saved.", "success")
            return redirect(url_for("curriculum.programme", programme_id=programme.id))
    return render_template("curriculum/programme_form.html", form=form, programme=programme)


@bp.route("/programmes/<int:programme_id>/publish")
def confirm_publish(programme_id: int) -> str:
    """Ask before publishing: a published version can never change."""
    programme = programme_or_404(programme_id)
    draft = draft_or_409(programme)
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

    return one_button_change(programme_id, act)


@bp.route("/programmes/<int:programme_id>/draft", methods=["POST"])
def start_draft(programme_id: int) -> Response:
    """Start a new draft from the newest published version."""

    def act(_lock: int | None) -> str:
        services.start_draft(programme_id)
        return "A new draft has been started from the newest version."

    return one_button_change(programme_id, act, needs_draft=False)
