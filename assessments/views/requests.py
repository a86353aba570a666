"""Requests to be observed: a trainee asks one of their mentors; the mentor accepts or declines."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from assessments import services
from assessments.forms import AcceptRequestForm, DeclineRequestForm, RequestForm
from assessments.services import requests
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import Role
from core.clock import today
from core.problems import Invalid, blame_fields


@bp.route("/my-training/<int:enrolment_id>/ask", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def ask_for_observation(enrolment_id: int):  # type: ignore[no-untyped-def]
    """The trainee asks one of their mentors to observe them in a scenario, with an optional note."""
    enrolment = services.enrolment_for_trainee(enrolment_id, current_user.id) or abort(404)
    form = RequestForm()
    form.mentor_id.choices = [SelectChoice(m.id, m.name) for m in enrolment.mentors]
    form.scenario_key.choices = [SelectChoice("", "Choose a scenario")] + [
        SelectChoice(s.key, s.title) for s in services.scenarios_of(enrolment)
    ]
    if form.validate_on_submit():
        try:
            requests.ask(
                enrolment.id, current_user.id, form.mentor_id.data, form.scenario_key.data, form.note.data or ""
            )
        except Invalid as error:
            blame_fields(form, error, "scenario_key")
        else:
            flash("Request sent. Your mentor will accept it with a date, or tell you why not.", "success")
            return redirect(url_for("assessments.my_training"))
    return render_template("assessments/ask.html", enrolment=enrolment, form=form)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def observation_request(request_id: int):  # type: ignore[no-untyped-def]
    """A request made to the mentor: accept it with a date, or decline it with a reason."""
    found = requests.request_for_mentor(request_id, current_user.id) or abort(404)
    accept = AcceptRequestForm(formdata=request.form if "accept" in request.form else None)
    decline = DeclineRequestForm(formdata=request.form if "decline" in request.form else None)
    if "accept" in request.form and accept.validate_on_submit():
        try:
            requests.accept(found.id, current_user.id, accept.planned_on.data, today())
        except Invalid as error:
            blame_fields(accept, error, "planned_on")
        else:
            flash("Request accepted. Record the observation when it happens.", "success")
            return redirect(url_for("assessments.observations"))
    elif "decline" in request.form and decline.validate_on_submit():
        try:
            requests.decline(found.id, current_user.id, decline.reason.data or "")
        except Invalid as error:
            blame_fields(decline, error, "reason")
        else:
            flash("Request declined. Your trainee can read your reason.", "success")
            return redirect(url_for("assessments.observations"))
    scenario = next((s for s in services.scenarios_of(found.enrolment) if s.key == found.scenario_key), None)
    form = accept if accept.errors else decline if decline.errors else None  # the error summary's form
    return render_template(
        "assessments/request.html", found=found, scenario=scenario, accept=accept, decline=decline, form=form
    )
