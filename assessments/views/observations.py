"""Mentors: their trainees, and observing and scoring them."""
from __future__ import annotations

import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assessments import services
from assessments.case_study_rules import in_words
from assessments.forms import answers_of, evidence_of, observation_form
from assessments.models import Observation
from assessments.services.case_study import dates_of
from assessments.views.base import bp, today
from competencies import services as competency_services
from core.access import roles_required
from core.accounts.roles import Role
from core.problems import Invalid, blame_fields

OBSERVATION_FIELDS = {"scenario_key": "setting", "evidence": "setting", "idempotency_key": "setting"}




@bp.route("/observations")
@roles_required(Role.MENTOR)
def observations() -> str:
    """The mentor's home: the trainees they observe."""
    return render_template("assessments/observations.html", enrolments=services.mentor_enrolments(current_user.id))


def _my_trainee(enrolment_id: int):  # type: ignore[no-untyped-def]
    """The enrolment if the signed-in mentor mentors it; 404 otherwise (another mentor's trainee)."""
    return services.enrolment_for_mentor(enrolment_id, current_user.id) or abort(404)


@bp.route("/trainees/<int:enrolment_id>")
@roles_required(Role.MENTOR)
def trainee(enrolment_id: int) -> str:
    """One trainee's scenarios, their observations, and what sign-off still needs."""
    enrolment = _my_trainee(enrolment_id)
    return render_template("assessments/trainee.html", enrolment=enrolment, progress=services.progress(enrolment),
                           duty=services.senco_duty(enrolment, today()), case_study=in_words(dates_of(enrolment.case_study)))


def _observation_page(enrolment, scenario, observation: Observation | None):  # type: ignore[no-untyped-def]
    version = services.current_rubric(scenario) or abort(404)
    rubric = competency_services.rubric_of(version)
    values = {}
    if observation is not None and request.method == "GET":
        values = {**answers_of(observation.evidence, rubric), "observed_on": observation.observed_on,
                  "setting": observation.setting, "present": observation.present,
                  "idempotency_key": observation.idempotency_key, "lock_version": observation.lock_version}
    elif request.method == "GET":
        values = {"idempotency_key": secrets.token_urlsafe(24)}
    form = observation_form(rubric, list(scenario.present), request.form if request.method == "POST" else None, **values)
    if request.method == "POST" and form.validate():
        lock = int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None
        given = services.ObservationInput(scenario.key, form.observed_on.data, form.setting.data or "", tuple(form.present.data or ()),
                                          evidence_of(form, rubric), form.idempotency_key.data or secrets.token_urlsafe(24),
                                          submit=bool(form.submit_observation.data), lock_version=lock)
        try:
            saved = services.record_observation(enrolment.id, current_user.id, given, today(),
                                                observation.id if observation else None)
        except Invalid as error:
            blame_fields(form, error, "setting", OBSERVATION_FIELDS)
        else:
            flash("Observation submitted." if saved.submitted else "Draft saved. Submit it when it is complete.", "success")
            return redirect(url_for("assessments.observation", observation_id=saved.id))
    return render_template("assessments/observation_form.html", enrolment=enrolment, scenario=scenario, rubric=rubric,
                           form=form, observation=observation)


@bp.route("/trainees/<int:enrolment_id>/observations/new/<scenario_key>", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def new_observation(enrolment_id: int, scenario_key: str):  # type: ignore[no-untyped-def]
    enrolment = _my_trainee(enrolment_id)
    scenario = next((s for s in services.scenarios_of(enrolment) if s.key == scenario_key), None) or abort(404)
    return _observation_page(enrolment, scenario, None)


def _my_observation(observation_id: int) -> Observation:
    return services.get_observation_for_mentor(observation_id, current_user.id) or abort(404)


@bp.route("/observations/<int:observation_id>/change", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def change_observation(observation_id: int):  # type: ignore[no-untyped-def]
    found = _my_observation(observation_id)
    if found.submitted:
        abort(404)
    scenario = competency_services.get_scenario(found.scenario_key) or abort(404)
    return _observation_page(found.enrolment, scenario, found)


@bp.route("/observations/<int:observation_id>")
@roles_required(Role.MENTOR)
def observation(observation_id: int) -> str:
    """One observation: its outcome and reasons; a draft can be changed or submitted."""
    found = _my_observation(observation_id)
    return render_template("assessments/observation.html", view=services.explained(found),
                           scenario=competency_services.get_scenario(found.scenario_key))


@bp.route("/observations/<int:observation_id>/submit", methods=["POST"])
@roles_required(Role.MENTOR)
def submit_observation(observation_id: int) -> Response:
    found = _my_observation(observation_id)
    seen = request.form.get("lock_version", "")
    try:
        services.submit_observation(found.id, current_user.id, int(seen) if seen.isdigit() else -1)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash("Observation submitted.", "success")
    return redirect(url_for("assessments.observation", observation_id=found.id))
