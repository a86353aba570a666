"""Trainees: their own progress, observations, self-assessment, reflections and requests."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assessments import services
from assessments.case_study_rules import in_words
from assessments.forms import ReflectionForm, ratings_of, self_assessment_form
from assessments.models import Observation
from assessments.reminders import Audience
from assessments.services import appeals, feedback, moderation, reminders, requests
from assessments.services.case_study import dates_of
from assessments.services.observations import history
from assessments.views.base import bp
from competencies import engine
from competencies import services as competency_services
from core.access import roles_required
from core.accounts.roles import Role
from core.audit import Action, Subject, record_read
from core.clock import today
from core.problems import Invalid, blame_fields


@bp.route("/my-training")
@roles_required(Role.TRAINEE)
def my_training() -> str:
    """The trainee's home: what needs them today, the SENCO deadline, each scenario's progress, what sign-off needs,
    their requests and open next steps."""
    enrolments = services.trainee_enrolments(current_user.id)
    held = frozenset().union(*(moderation.held_observations(c) for c in {e.cohort_id for e in enrolments}))
    progress = services.progress_of(enrolments, submitted_only=True, held=held)
    found = [(e, services.senco_duty(e, today()), progress[e.id]) for e in enrolments]
    return render_template(
        "assessments/my_training.html",
        enrolments=found,
        outcomes=engine.Outcome,
        requests=requests.requests_of_trainee(current_user.id),
        next_steps=feedback.open_next_steps([e.id for e in enrolments], held=held),
        awaiting=feedback.awaiting_self_assessment([e.id for e in enrolments]),
        criterion_title=feedback.criterion_title,
        case_studies={e.id: in_words(dates_of(e.case_study)) for e in enrolments},
        needs=reminders.needs_of(current_user.id, Audience.TRAINEE, today()),
    )


def _mine(observation_id: int) -> Observation:
    found = feedback.observation_for_trainee(observation_id, current_user.id) or abort(404)
    if found.id in moderation.held_observations(found.enrolment.cohort_id):
        abort(404)  # awaiting moderation in a cohort that holds results back: not readable yet
    return found


def _model_of(found: Observation) -> engine.RubricModel:
    return competency_services.rubric_of(found.rubric_version).model


def _page(found: Observation, rate_form=None, reflection_form=None) -> str:  # type: ignore[no-untyped-def]
    criteria = feedback.rateable_criteria(found)
    failed = next((f for f in (rate_form, reflection_form) if f is not None and f.errors), None)
    return render_template(
        "assessments/my_observation.html",
        form=failed,  # the error summary's form
        observation=found,
        view=services.explained(found, moderation.agreed_result_of(found.id)),
        scenario=competency_services.get_scenario(found.scenario_key),
        visible=feedback.feedback_visible(found),
        rate_form=rate_form or self_assessment_form(criteria, model=_model_of(found)),
        criteria=criteria,
        reflection_form=reflection_form or ReflectionForm(formdata=None, reflection=found.reflection),
        side_by_side=feedback.side_by_side(found),
        marks=feedback.marks_of(found),
        next_step=feedback.next_step_of(found.id),
        criterion_title=feedback.criterion_title,
        revisions=history(found),
        appeal=appeals.appeal_of_observation(found.id),
        may_appeal=appeals.may_appeal(found, current_user.id),
    )


@bp.route("/my-training/observations/<int:observation_id>")
@roles_required(Role.TRAINEE)
def my_observation(observation_id: int) -> str:
    """One of the trainee's observations. While the mentor's record is a draft it shows no marks
    and the trainee may rate themselves; once submitted, the marks, side by side with theirs."""
    page = _page(_mine(observation_id))
    record_read(Action.OBSERVATION_VIEWED, Subject("observation", observation_id), current_user.id)
    return page


@bp.route("/my-training/observations/<int:observation_id>/self-assessment", methods=["POST"])
@roles_required(Role.TRAINEE)
def self_assess(observation_id: int):  # type: ignore[no-untyped-def]
    """The trainee's own levels on a draft observation's criteria, before the mentor's marks are shown."""
    found = _mine(observation_id)
    criteria = feedback.rateable_criteria(found)
    form = self_assessment_form(criteria, request.form, model=_model_of(found))
    if form.validate_on_submit():
        try:
            feedback.self_assess(found.id, current_user.id, ratings_of(form, criteria))
        except Invalid as error:
            aliases = {f"ratings.{c.key}": f"r{i}" for i, c in enumerate(criteria)}
            blame_fields(form, error, "r0" if criteria else "rate", aliases)
        else:
            flash(
                "Your ratings are saved. You will see them beside your mentor’s when they submit the observation.",
                "success",
            )
            return redirect(url_for("assessments.my_observation", observation_id=found.id))
    return _page(found, rate_form=form)


@bp.route("/my-training/observations/<int:observation_id>/reflection", methods=["POST"])
@roles_required(Role.TRAINEE)
def reflect(observation_id: int):  # type: ignore[no-untyped-def]
    """The trainee's reflection on an observation, read by them and their mentors only."""
    found = _mine(observation_id)
    form = ReflectionForm()
    if form.validate_on_submit():
        try:
            feedback.reflect(found.id, current_user.id, form.reflection.data or "")
        except Invalid as error:
            blame_fields(form, error, "reflection")
        else:
            flash("Reflection saved.", "success")
            return redirect(url_for("assessments.my_observation", observation_id=found.id))
    return _page(found, reflection_form=form)
