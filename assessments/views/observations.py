"""Mentors: their trainees, and observing and scoring them."""

from __future__ import annotations

import secrets

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assessments import services
from assessments.case_study_rules import in_words
from assessments.forms import NextStepForm, ReviewNextStepForm, answers_of, evidence_of, observation_form
from assessments.models import Observation
from assessments.reminders import Audience
from assessments.services import dashboard, feedback, moderation, reminders, scope
from assessments.services.case_study import dates_of
from assessments.services.observations import history
from assessments.training_status import WITHDRAWN_NO_OBSERVATION
from assessments.views.base import bp
from competencies import services as competency_services
from core.access import roles_required
from core.accounts.roles import Role
from core.audit import Action, Subject, record_read
from core.clock import today
from core.forms import NO_LOCK_SENT, sent_lock_version
from core.paging import page_number
from core.problems import Invalid, blame_fields
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number

OBSERVATION_FIELDS = {
    "scenario_key": "setting",
    "evidence": "setting",
    "idempotency_key": "setting",
    "observation_id": "setting",
}


@bp.route("/observations")
@roles_required(Role.MENTOR)
def observations() -> str:
    """The mentor's home: what needs them today, their trainees (a page at a time) with progress and what is due,
    open requests, drafts, open next steps and SENCO deadlines close."""
    found = dashboard.mentor_dashboard(current_user.id, page_number(request.args.get("page")), today())
    needs = reminders.needs_of(current_user.id, Audience.MENTOR, today())
    return render_template("assessments/observations.html", dashboard=found, needs=needs)


def _my_trainee(enrolment_id: int):  # type: ignore[no-untyped-def]
    """The enrolment if the signed-in mentor mentors it; 404 otherwise (another mentor's trainee)."""
    return services.enrolment_for_mentor(enrolment_id, current_user.id) or abort(404)


@bp.route("/trainees/<int:enrolment_id>")
@roles_required(Role.MENTOR)
def trainee(enrolment_id: int) -> str:
    """One trainee's scenarios, their observations, and what sign-off still needs."""
    enrolment = _my_trainee(enrolment_id)
    return render_template(
        "assessments/trainee.html",
        enrolment=enrolment,
        progress=services.progress(enrolment, reader_id=current_user.id),
        duty=services.senco_duty(enrolment, today()),
        next_steps=feedback.open_next_steps([enrolment.id]),
        criterion_title=feedback.criterion_title,
        case_study=in_words(dates_of(enrolment.case_study)),
    )


def _observation_page(enrolment, scenario, observation: Observation | None):  # type: ignore[no-untyped-def]
    version = services.current_rubric(scenario, enrolment.cohort) or abort(404)  # the cohort's pinned version
    rubric = competency_services.rubric_of(version)
    values = {}
    if observation is not None and request.method == "GET":
        values = _answers(observation, rubric)
    elif request.method == "GET":
        values = {"idempotency_key": secrets.token_urlsafe(24)}
    form = observation_form(
        rubric, list(scenario.present), request.form if request.method == "POST" else None, **values
    )
    if request.method == "POST" and form.validate():
        lock = sent_lock_version(form.lock_version) if observation is not None else None
        given = services.ObservationInput(
            scenario.key,
            form.observed_on.data,
            form.setting.data or "",
            tuple(form.present.data or ()),
            evidence_of(form, rubric),
            form.idempotency_key.data or secrets.token_urlsafe(24),
            submit=bool(form.submit_observation.data),
            lock_version=lock,
            present_notes=form.present_notes.data or "",
        )
        try:
            saved = services.record_observation(
                enrolment.id, current_user.id, given, today(), observation.id if observation else None
            )
        except Invalid as error:
            blame_fields(form, error, "setting", OBSERVATION_FIELDS)
        else:
            flash(
                "Observation submitted." if saved.submitted else "Draft saved. Submit it when it is complete.",
                "success",
            )
            return redirect(url_for("assessments.observation", observation_id=saved.id))
    steps = feedback.open_next_steps([enrolment.id], scenario.key)
    return render_template(
        "assessments/observation_form.html",
        enrolment=enrolment,
        scenario=scenario,
        rubric=rubric,
        form=form,
        observation=observation,
        next_steps=steps,
        review_form=ReviewNextStepForm(),
        criterion_title=feedback.criterion_title,
    )


def _answers(observation: Observation, rubric) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The form's starting values from a stored observation."""
    return {
        **answers_of(observation.evidence, rubric),
        "observed_on": observation.observed_on,
        "setting": observation.setting,
        "present": observation.present,
        "present_notes": observation.present_notes,
        "idempotency_key": observation.idempotency_key,
        "lock_version": observation.lock_version,
    }


@bp.route("/trainees/<int:enrolment_id>/observations/new/<scenario_key>", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def new_observation(enrolment_id: int, scenario_key: str):  # type: ignore[no-untyped-def]
    enrolment = _my_trainee(enrolment_id)
    scenario = next((s for s in services.scenarios_of(enrolment) if s.key == scenario_key), None) or abort(404)
    if not enrolment.may_be_observed:  # withdrawn: said before the mentor fills in a form that cannot be saved
        flash(WITHDRAWN_NO_OBSERVATION, "error")
        return redirect(url_for("assessments.trainee", enrolment_id=enrolment.id))
    return _observation_page(enrolment, scenario, None)


def _my_observation(observation_id: int) -> Observation:
    return services.get_observation_for_mentor(observation_id, current_user.id) or abort(404)


@bp.route("/observations/<int:observation_id>/change", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def change_observation(observation_id: int):  # type: ignore[no-untyped-def]
    found = _my_observation(observation_id)
    if not scope.owns_draft(found, current_user.id):  # submitted, or another mentor's draft
        abort(404)
    scenario = competency_services.get_scenario(found.scenario_key) or abort(404)
    return _observation_page(found.enrolment, scenario, found)


@bp.route("/observations/<int:observation_id>")
@roles_required(Role.MENTOR)
def observation(observation_id: int) -> str:
    """One observation: who observed, its outcome and reasons, the trainee's self-assessment and
    reflection, its next step; a draft can be changed or submitted, a submitted one corrected."""
    found = _my_observation(observation_id)
    trainee_id = found.enrolment.trainee_id
    page = _observation_view(found, _next_step_form(found))
    record_read(Action.OBSERVATION_VIEWED, Subject("observation", observation_id), trainee_id)
    return page


def _next_step_form(found: Observation, data=None) -> NextStepForm:  # type: ignore[no-untyped-def]
    step = feedback.next_step_of(found.id)
    form = NextStepForm(
        formdata=data, criterion_key=step.criterion_key if step else None, text=step.text if step else None
    )
    rubric = competency_services.rubric_of(found.rubric_version)
    form.criterion_key.choices = [("", "Choose a criterion")] + [(c.key, c.title) for c in rubric.criteria]
    return form


def _observation_view(found: Observation, next_step_form: NextStepForm) -> str:
    return render_template(
        "assessments/observation.html",
        view=services.explained(found),
        scenario=competency_services.get_scenario(found.scenario_key),
        next_step=feedback.next_step_of(found.id),
        next_step_form=next_step_form,
        side_by_side=feedback.side_by_side(found),
        marks=feedback.marks_of(found),
        can_correct=found.observer_id == current_user.id,
        can_change=scope.owns_draft(found, current_user.id),
        form=next_step_form if next_step_form.errors else None,  # the error summary's form
        moderation=moderation.item_of_observation(found.id),
    )


@bp.route("/observations/<int:observation_id>/next-step", methods=["POST"])
@roles_required(Role.MENTOR)
def set_next_step(observation_id: int):  # type: ignore[no-untyped-def]
    """Set (or replace) the one next step of a submitted observation."""
    found = _my_observation(observation_id)
    if not found.submitted:
        abort(404)
    form = _next_step_form(found, request.form)
    if form.validate():
        try:
            feedback.set_next_step(found.id, current_user.id, form.criterion_key.data, form.text.data or "")
        except Invalid as error:
            blame_fields(form, error, "text")
        else:
            flash("Next step set. The next observation of this scenario shows it first.", "success")
            return redirect(url_for("assessments.observation", observation_id=found.id))
    return _observation_view(found, form)


@bp.route("/next-steps/<int:next_step_id>/review", methods=["POST"])
@roles_required(Role.MENTOR)
def review_next_step(next_step_id: int) -> Response:
    """Mark a next step done, or not yet (it stays open), from the next observation's page."""
    form = ReviewNextStepForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        step = feedback.review_next_step(next_step_id, current_user.id, bool(form.done.data), today())
    except Invalid:
        abort(404)
    flash("Next step marked done." if form.done.data else "Next step kept open: not yet.", "success")
    return redirect(
        url_for("assessments.new_observation", enrolment_id=step.enrolment_id, scenario_key=step.scenario_key)
    )


@bp.route("/observations/<int:observation_id>/correct", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def correct_observation(observation_id: int):  # type: ignore[no-untyped-def]
    """Correct a submitted observation, with a reason: only the mentor who observed it."""
    found = _my_observation(observation_id)
    if not found.submitted or found.observer_id != current_user.id:
        abort(404)
    scenario = competency_services.get_scenario(found.scenario_key) or abort(404)
    rubric = competency_services.rubric_of(found.rubric_version)  # the pinned version, never a newer one
    values = _answers(found, rubric) if request.method == "GET" else {}
    form = observation_form(
        rubric, list(scenario.present), request.form if request.method == "POST" else None, correction=True, **values
    )
    if request.method == "POST" and form.validate():
        given = services.AmendmentInput(
            form.observed_on.data,
            form.setting.data or "",
            tuple(form.present.data or ()),
            evidence_of(form, rubric),
            form.present_notes.data or "",
        )
        try:
            services.amend_observation(
                found.id,
                current_user.id,
                given,
                form.reason.data or "",
                sent_lock_version(form.lock_version),
                today(),
            )
        except Invalid as error:
            blame_fields(form, error, "reason", OBSERVATION_FIELDS)
        else:
            flash("Correction saved. The history shows what changed and why.", "success")
            return redirect(url_for("assessments.observation", observation_id=found.id))
    return render_template(
        "assessments/observation_form.html",
        enrolment=found.enrolment,
        scenario=scenario,
        rubric=rubric,
        form=form,
        observation=found,
        correction=True,
        next_steps=[],
    )


@bp.route("/observations/<int:observation_id>/history")
@roles_required(Role.MENTOR)
def observation_history(observation_id: int) -> str:
    """Every correction of an observation: who, when, why, and what changed, in words."""
    found = _my_observation(observation_id)
    return render_template("assessments/history.html", observation=found, revisions=history(found), mentor=True)


@bp.route("/observations/<int:observation_id>/submit", methods=["POST"])
@roles_required(Role.MENTOR)
def submit_observation(observation_id: int) -> Response:
    found = _my_observation(observation_id)
    if not found.submitted and not scope.owns_draft(found, current_user.id):
        abort(404)
    try:
        services.submit_observation(
            found.id, current_user.id, whole_number(request.form.get("lock_version"), RECORD_NUMBER_MAX) or NO_LOCK_SENT
        )
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash("Observation submitted.", "success")
    return redirect(url_for("assessments.observation", observation_id=found.id))
