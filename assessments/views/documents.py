"""Printed documents of the assessments room: the personal training plan and the record of an
observation, as PDF downloads (stored, with an ETag: a repeat download is a cheap 304)."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from assessments.services import plans, scope
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import Role
from core.audit import Action, Subject, record_read
from core.clock import today
from core.printing import safe_filename, send_pdf

EVERY_ROLE = (Role.TRAINEE, Role.MENTOR, Role.DESIGNER, Role.ADMIN)


@bp.route("/enrolments/<int:enrolment_id>/training-plan.pdf")
@roles_required(*EVERY_ROLE)
def training_plan_pdf(enrolment_id: int) -> Response:
    """The trainee's plan: for the trainee, their mentors, designers and administrators; 404 for anyone else."""
    enrolment = scope.enrolment_for(enrolment_id, current_user.id) or abort(404)
    # The trainee's own copy leaves out results their cohort holds back until moderated.
    document = plans.training_plan_pdf(
        enrolment.id, today(), for_trainee=enrolment.trainee_id == current_user.id
    ) or abort(404)
    filename = safe_filename("training-plan", enrolment.trainee.name)
    record_read(
        Action.PDF_DOWNLOADED, Subject("enrolment", enrolment.id), enrolment.trainee_id, document="training_plan"
    )
    return send_pdf(document, filename)


@bp.route("/observations/<int:observation_id>/record.pdf")
@roles_required(*EVERY_ROLE)
def observation_record_pdf(observation_id: int) -> Response:
    """The record of a submitted observation, for those who may see the trainee's plan; 404 for a draft."""
    record = plans.observation_record(observation_id) or abort(404)
    enrolment_id = plans.enrolment_of_observation(observation_id)
    enrolment = None if enrolment_id is None else scope.enrolment_for(enrolment_id, current_user.id)
    if enrolment is None:
        abort(404)
    if plans.record_held_from(observation_id, current_user.id):
        abort(404)  # awaiting moderation in a cohort that holds results back, as on the trainee's page
    document = plans.observation_record_pdf(observation_id) or abort(404)
    record_read(
        Action.PDF_DOWNLOADED,
        Subject("observation", observation_id),
        enrolment.trainee_id,
        document="observation_record",
    )
    return send_pdf(document, safe_filename("observation", record.scenario, record.observed_on))
