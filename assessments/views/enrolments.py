"""Enrolments: changing one, and enrolling many from a CSV file through the shared import
pipeline (check and preview, then confirm; all or nothing)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from assessments import services
from assessments import training_status as status_rules
from assessments.enrolment_rules import format_periods
from assessments.forms import EnrolmentForm, EnrolmentImportForm
from assessments.models import Enrolment
from assessments.services import enrolment_imports, enrolments, training_status
from assessments.views.base import bp
from assessments.views.training_status import CHANGES
from core import importing
from core.access import roles_required
from core.accounts.roles import STAFF, Role
from core.clock import today
from core.forms import sent_lock_version
from core.problems import Invalid, Problem, blame_fields


def mentor_choices() -> list[SelectChoice]:
    return [SelectChoice(p.id, f"{p.name} ({p.email})") for p in services.people_with(Role.MENTOR)]


def enrolment_input(form: EnrolmentForm, trainee_id: int) -> services.EnrolmentInput | None:
    """The form's answers for the service, or None when earlier service could not be read (the
    field then carries its error)."""
    periods = form.periods()
    if periods is None:
        return None
    return services.EnrolmentInput(
        trainee_id,
        tuple(form.mentor_ids.data or ()),
        form.school.data or "",
        form.became_senco.data,
        form.earlier_senco_months.data or 0,
        form.nasenco_started.data,
        form.nasenco_completed.data,
        periods,
        bool(form.head_teacher.data),
    )


def _enrolment(enrolment_id: int) -> Enrolment:
    return enrolments.get_enrolment(enrolment_id) or abort(404)


@bp.route("/enrolments/<int:enrolment_id>/change", methods=["GET", "POST"])
@roles_required(*STAFF)
def change_enrolment(enrolment_id: int):  # type: ignore[no-untyped-def]
    """Change a trainee's mentors, school and SENCO history; a second editor is told it changed."""
    found = _enrolment(enrolment_id)
    form = EnrolmentForm(
        school=found.school,
        became_senco=found.became_senco,
        head_teacher=found.head_teacher,
        earlier_service=format_periods(enrolments.periods_of(found)),
        earlier_senco_months=found.earlier_senco_months,
        nasenco_started=found.nasenco_started,
        nasenco_completed=found.nasenco_completed,
        mentor_ids=[m.id for m in found.mentors],
        lock_version=found.lock_version,
    )
    del form.trainee_id  # the trainee of an enrolment stays; enrol them again on another cohort instead
    form.mentor_ids.choices = mentor_choices()
    form.submit.label.text = "Save changes"
    if form.validate_on_submit():
        given = enrolment_input(form, found.trainee_id)
        if given is not None:
            try:
                enrolments.update_enrolment(found.id, given, sent_lock_version(form.lock_version), today())
            except Invalid as error:
                blame_fields(form, error, "school")
            else:
                flash("Enrolment saved.", "success")
                return redirect(url_for("assessments.cohort", cohort_id=found.cohort_id))
    return render_template(
        "assessments/enrolment_form.html",
        enrolment=found,
        form=form,
        duty=services.senco_duty(found, today()),
        status_changes=training_status.history(found.id),
        status_actions=status_actions(found),
        reason_label=status_rules.reason_label,
    )


def status_actions(found: Enrolment) -> list[tuple[str, str]]:
    """(button words, URL) of each change of training status the rule allows now."""
    return [
        (
            status_rules.ACTION_NAMES[to],
            url_for("assessments.change_training_status", enrolment_id=found.id, change=name),
        )
        for to in status_rules.allowed_changes(found.status)
        for name, target in CHANGES.items()
        if target is to
    ]


def import_too_large(message: str):  # type: ignore[no-untyped-def]
    form = EnrolmentImportForm(formdata=None)
    form.document.errors = [message]
    return render_template(
        "assessments/import_enrolments.html",
        form=form,
        problems=[],
        cohort=None,
        column_notes=enrolment_imports.COLUMN_NOTES,
    ), 413


@bp.route("/cohorts/<int:cohort_id>/enrolments/import", methods=["GET", "POST"])
@roles_required(*STAFF)
def import_enrolments(cohort_id: int):  # type: ignore[no-untyped-def]
    """Check a CSV file of enrolments: every problem is listed by line and column, nothing saved yet."""
    cohort = services.get_cohort(cohort_id) or abort(404)
    form = EnrolmentImportForm()
    problems: list[Problem] = []
    if form.validate_on_submit():
        try:
            staged_id, _ = importing.stage(
                enrolment_imports.enrolment_csv(cohort.id, today()), form.document.data.read(), current_user.id
            )
        except Invalid as error:
            problems = error.problems
            form.document.errors = ["The file has problems, listed below. Nothing was imported."]
        else:
            return redirect(url_for("assessments.confirm_enrolments", cohort_id=cohort.id, staged_id=staged_id))
    return render_template(
        "assessments/import_enrolments.html",
        form=form,
        problems=problems,
        cohort=cohort,
        column_notes=enrolment_imports.COLUMN_NOTES,
    ), 400 if problems else 200


@bp.route("/cohorts/<int:cohort_id>/enrolments/import/<staged_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def confirm_enrolments(cohort_id: int, staged_id: str):  # type: ignore[no-untyped-def]
    """Who a checked file enrols, and the button that enrols them all."""
    cohort = services.get_cohort(cohort_id) or abort(404)
    fmt = enrolment_imports.enrolment_csv(cohort.id, today())
    form = FlaskForm()
    try:
        if form.validate_on_submit():
            count = len(importing.confirm(fmt, staged_id, current_user.id).draft.rows)
            flash(f"{count:,} {'trainee' if count == 1 else 'trainees'} enrolled.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=cohort.id))
        preview = importing.staged_preview(fmt, staged_id, current_user.id).preview
    except Invalid as error:
        flash(" ".join(p.message for p in error.problems[:3]), "error")
        return redirect(url_for("assessments.import_enrolments", cohort_id=cohort.id))
    except IntegrityError:  # someone enrolled one of them between the check and the save
        flash("Someone enrolled one of these trainees meanwhile. Nothing was imported. Check the file again.", "error")
        return redirect(url_for("assessments.import_enrolments", cohort_id=cohort.id))
    return render_template(
        "import_preview.html",
        form=form,
        preview=preview,
        what="enrolments",
        back_url=url_for("assessments.import_enrolments", cohort_id=cohort.id),
    )


@bp.route("/enrolments/template.csv")
@roles_required(*STAFF)
def enrolment_template() -> Response:
    """A CSV file to fill in: the columns the import reads and one example row."""
    return Response(
        enrolment_imports.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=enrolments-template.csv"},
    )
