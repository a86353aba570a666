"""The case-study assessment: designers and administrators record every date and the result;
the trainee records the date they submitted. Also adding a mentor to an enrolment."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from assessments import services
from assessments.case_study_rules import CaseStudyDates, CaseStudyResult, in_words
from assessments.forms import AddMentorForm, CaseStudyForm, SubmissionForm
from assessments.models import Enrolment
from assessments.services import case_study, enrolment_mentors
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import STAFF, Role
from core.clock import today
from core.extensions import db
from core.forms import sent_lock_version
from core.problems import Invalid, blame_fields


def _enrolment(enrolment_id: int) -> Enrolment:
    return db.session.get(Enrolment, enrolment_id) or abort(404)


@bp.route("/enrolments/<int:enrolment_id>/case-study", methods=["GET", "POST"])
@roles_required(*STAFF)
def case_study_page(enrolment_id: int):  # type: ignore[no-untyped-def]
    """Record the case-study assessment's window, submission and result for one trainee."""
    enrolment = _enrolment(enrolment_id)
    current = case_study.dates_of(enrolment.case_study)
    form = CaseStudyForm(
        data={
            **current.__dict__,
            "result": current.result.value if current.result else "",
            "lock_version": case_study.version_of(enrolment.case_study),
        }
    )
    if form.validate_on_submit():
        given = CaseStudyDates(
            form.window_opens.data,
            form.window_closes.data,
            form.submitted_on.data,
            CaseStudyResult(form.result.data) if form.result.data else None,
            form.result_on.data,
        )
        try:
            case_study.record(enrolment.id, given, current_user.id, today(), sent_lock_version(form.lock_version))
        except Invalid as error:
            blame_fields(form, error, "result")
        else:
            flash(f"Case-study assessment saved: {in_words(given)}.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=enrolment.cohort_id))
    return render_template("assessments/case_study.html", enrolment=enrolment, form=form, status=in_words(current))


@bp.route("/my-training/<int:enrolment_id>/case-study", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def my_case_study(enrolment_id: int):  # type: ignore[no-untyped-def]
    """The trainee records the date they submitted their case study (their provider records the rest)."""
    enrolment = case_study.trainee_enrolment(enrolment_id, current_user.id) or abort(404)
    current = case_study.dates_of(enrolment.case_study)
    form = SubmissionForm(
        data={"submitted_on": current.submitted_on, "lock_version": case_study.version_of(enrolment.case_study)}
    )
    if current.result is None and form.validate_on_submit():
        try:
            case_study.record_submission(
                enrolment.id, current_user.id, form.submitted_on.data, today(), sent_lock_version(form.lock_version)
            )
        except Invalid as error:
            blame_fields(form, error, "submitted_on")
        else:
            flash("Date of submission saved.", "success")
            return redirect(url_for("assessments.my_training"))
    return render_template(
        "assessments/my_case_study.html", enrolment=enrolment, form=form, current=current, status=in_words(current)
    )


@bp.route("/enrolments/<int:enrolment_id>/mentors", methods=["GET", "POST"])
@roles_required(*STAFF)
def add_mentor(enrolment_id: int):  # type: ignore[no-untyped-def]
    """Add a mentor to a trainee's enrolment: a second observer, or a replacement."""
    enrolment = _enrolment(enrolment_id)
    form = AddMentorForm()
    form.mentor_id.choices = [
        SelectChoice(p.id, f"{p.name} ({p.email})")
        for p in services.people_with(Role.MENTOR)
        if p not in enrolment.mentors
    ]
    if form.validate_on_submit():
        try:
            enrolment_mentors.add_mentor(enrolment.id, form.mentor_id.data)
        except Invalid as error:
            blame_fields(form, error, "mentor_id")
        else:
            flash("Mentor added.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=enrolment.cohort_id))
    return render_template("assessments/add_mentor.html", enrolment=enrolment, form=form)
