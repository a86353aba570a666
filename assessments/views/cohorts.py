"""Cohorts and enrolment: pages for designers and administrators."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from assessments import services
from assessments.case_study_rules import in_words
from assessments.forms import CohortForm, EnrolmentForm
from assessments.services.case_study import dates_of
from assessments.views.base import bp, today
from core.access import roles_required
from core.accounts.roles import Role
from core.problems import Invalid, blame_fields


@bp.route("/cohorts", methods=["GET", "POST"])
@roles_required(Role.DESIGNER, Role.ADMIN)
def cohorts():  # type: ignore[no-untyped-def]
    """Cohorts, and a form to start one on a published programme version."""
    form = CohortForm()
    form.programme_version_id.choices = [SelectChoice(v.id, f"{v.name} ({v.label})") for v in services.published_versions()]
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(form.name.data, form.programme_version_id.data)
        except Invalid as error:
            blame_fields(form, error, "name")
        else:
            flash("Cohort created. Enrol its trainees.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=cohort.id))
    return render_template("assessments/cohorts.html", cohorts=services.list_cohorts(), form=form)


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@roles_required(Role.DESIGNER, Role.ADMIN)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    """A cohort's trainees, and a form to enrol one with a mentor."""
    found = services.get_cohort(cohort_id) or abort(404)
    form = EnrolmentForm()
    form.trainee_id.choices = [SelectChoice(p.id, f"{p.name} ({p.email})") for p in services.people_with(Role.TRAINEE)]
    form.mentor_id.choices = [SelectChoice(p.id, f"{p.name} ({p.email})") for p in services.people_with(Role.MENTOR)]
    if form.validate_on_submit():
        given = services.EnrolmentInput(form.trainee_id.data, (form.mentor_id.data,), form.school.data or "",
                                        form.became_senco.data, form.earlier_senco_months.data or 0)
        try:
            services.enrol(found.id, given, today())
        except Invalid as error:
            blame_fields(form, error, "trainee_id", {"mentor_ids": "mentor_id"})
        else:
            flash("Trainee enrolled.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=found.id))
    return render_template("assessments/cohort.html", cohort=found, form=form,
                           case_studies={e.id: in_words(dates_of(e.case_study)) for e in found.enrolments})
