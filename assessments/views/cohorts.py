"""Cohorts: pages for designers and administrators to start one, enrol its trainees one by one,
choose its assessment settings, and move a scenario to a new rubric version."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from assessments import services
from assessments.case_study_rules import in_words
from assessments.forms import CohortForm, EnrolmentForm, MoveRubricForm, settings_form
from assessments.models import Cohort
from assessments.services import cohorts as cohort_services
from assessments.services.case_study import dates_of
from assessments.views.base import bp
from assessments.views.enrolments import enrolment_input, mentor_choices
from core.access import roles_required
from core.accounts.roles import STAFF, Role
from core.clock import today
from core.forms import sent_lock_version
from core.problems import Invalid, blame_fields

ENROLMENT_FIELDS = {"cohort_id": "trainee_id"}


@bp.route("/cohorts", methods=["GET", "POST"])
@roles_required(*STAFF)
def cohorts():  # type: ignore[no-untyped-def]
    """Cohorts, and a form to start one on a published programme version."""
    form = CohortForm()
    form.programme_version_id.choices = [
        SelectChoice(v.id, f"{v.name} ({v.label})") for v in services.published_versions()
    ]
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(form.name.data, form.programme_version_id.data)
        except Invalid as error:
            blame_fields(form, error, "name")
        else:
            flash("Cohort created. Enrol its trainees.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=cohort.id))
    return render_template("assessments/cohorts.html", cohorts=services.list_cohorts(), form=form)


def _cohort(cohort_id: int) -> Cohort:
    return services.get_cohort(cohort_id) or abort(404)


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    """A cohort's trainees with their SENCO deadline status, and a form to enrol one."""
    found = cohort_services.cohort_with_enrolments(cohort_id) or abort(404)
    form = EnrolmentForm()
    # The page offers only trainees not yet on the cohort; a stale form naming one who is still
    # validates, so the service says plainly that they are already enrolled.
    enrolled = {e.trainee_id for e in found.enrolments}
    form.trainee_id.choices = [
        SelectChoice(p.id, f"{p.name} ({p.email})")
        for p in services.people_with(Role.TRAINEE)
        if request.method == "POST" or p.id not in enrolled
    ]
    form.mentor_ids.choices = mentor_choices()
    if form.validate_on_submit():
        given = enrolment_input(form, form.trainee_id.data)
        if given is not None:
            try:
                services.enrol(found.id, given, today())
            except Invalid as error:
                blame_fields(form, error, "trainee_id", ENROLMENT_FIELDS)
            else:
                flash("Trainee enrolled.", "success")
                return redirect(url_for("assessments.cohort", cohort_id=found.id))
    duties = {e.id: services.senco_duty(e, today()) for e in found.enrolments}
    return render_template(
        "assessments/cohort.html",
        cohort=found,
        form=form,
        duties=duties,
        can_add_people=current_user.has_role(Role.ADMIN),
        frozen_since=cohort_services.frozen_since(found.id),
        case_studies={e.id: in_words(dates_of(e.case_study)) for e in found.enrolments},
    )


def _pin_choices(found: Cohort) -> dict[str, tuple[str, list[SelectChoice]]]:
    return {
        s.key: (
            s.title,
            [SelectChoice(v.id, cohort_services.version_label(v)) for v in cohort_services.rubric_versions_for(s)],
        )
        for s in cohort_services.scenarios_of_version(found.programme_version)
    }


@bp.route("/cohorts/<int:cohort_id>/settings", methods=["GET", "POST"])
@roles_required(*STAFF)
def cohort_settings(cohort_id: int):  # type: ignore[no-untyped-def]
    """How observations add up, the sign-off policy and each scenario's rubric version; read-only
    once the first observation is submitted, with the reason."""
    found = _cohort(cohort_id)
    since = cohort_services.frozen_since(found.id)
    current = cohort_services.settings_of(found)
    pins = _pin_choices(found)
    values = {
        "method": current.method,
        "decay_weight": current.decay_weight,
        "times": current.times,
        **current.sign_off,
        "lock_version": found.lock_version,
        **{f"pin_{k}": v for k, v in current.pins.items()},
    }
    form = settings_form(pins, request.form if request.method == "POST" else None, **values)
    if since is not None and request.method == "POST":  # a page opened before the first submission
        flash(
            "Nothing was saved: these settings were fixed when the cohort’s first observation was submitted.", "error"
        )
    if since is None and request.method == "POST" and form.validate():
        given = cohort_services.CohortSettings(
            form.method.data,
            form.decay_weight.data.strip(),
            form.times.data,
            {k: getattr(form, k).data for k in cohort_services.SIGN_OFF_FIELDS},
            {k: getattr(form, f"pin_{k}").data for k in pins if getattr(form, f"pin_{k}").data is not None},
        )
        try:
            cohort_services.update_settings(found.id, given, sent_lock_version(form.lock_version))
        except Invalid as error:
            blame_fields(form, error, "method")
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=found.id))
    return render_template(
        "assessments/cohort_settings.html",
        cohort=found,
        form=form,
        frozen_since=since,
        pins=pins,
        settings=current,
        scenarios=cohort_services.scenarios_of_version(found.programme_version),
        current_rubric=cohort_services.current_rubric,
    )


@bp.route("/cohorts/<int:cohort_id>/rubrics/<scenario_key>/move", methods=["GET", "POST"])
@roles_required(*STAFF)
def move_rubric(cohort_id: int, scenario_key: str):  # type: ignore[no-untyped-def]
    """Move one scenario of the cohort to another rubric version: the page says how earlier
    observations count, and the move is made only when confirmed."""
    found = _cohort(cohort_id)
    option = cohort_services.move_options(found, scenario_key) or abort(404)
    form = MoveRubricForm(lock_version=found.lock_version)
    form.rubric_version_id.choices = [SelectChoice(v.id, cohort_services.version_label(v)) for v in option.newer]
    if form.validate_on_submit():
        try:
            cohort_services.move_rubric(
                found.id,
                scenario_key,
                form.rubric_version_id.data,
                current_user.id,
                sent_lock_version(form.lock_version),
            )
        except Invalid as error:
            blame_fields(form, error, "rubric_version_id")
        else:
            flash(
                f"‘{option.scenario.title}’ now uses the version you chose. {cohort_services.HOW_EARLIER_COUNT}",
                "success",
            )
            return redirect(url_for("assessments.cohort_settings", cohort_id=found.id))
    return render_template(
        "assessments/move_rubric.html",
        cohort=found,
        option=option,
        form=form,
        how_earlier_count=cohort_services.HOW_EARLIER_COUNT,
        label=cohort_services.version_label,
    )
