"""The API's enrolments (staff: all; a mentor: their trainees; a trainee: their own)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from assessments import schemas, services
from assessments.api.base import bp, caller_id, first_and_size, one_page, own_enrolment, reads_as_trainee, tagged
from assessments.models import Enrolment
from assessments.services import enrolments, moderation, scope
from core import api
from core.accounts.roles import STAFF
from core.clock import today

# ---- enrolments (staff: all; a mentor: their trainees; a trainee: their own) ---------------


@bp.get("/enrolments")
@bp.response(200, schemas.EnrolmentSchema(many=True))
@bp.paginate()
def list_enrolments(pagination_parameters: Any) -> list[Enrolment]:
    """The enrolments you may read: every one for staff, your trainees' for a mentor, your own for a trainee."""
    return one_page(scope.enrolments_for(caller_id(), *first_and_size(pagination_parameters)), pagination_parameters)


@bp.get("/enrolments/<int:enrolment_id>")
@bp.response(200, schemas.EnrolmentSchema, headers=api.ETAG_HEADER)
def get_enrolment(enrolment_id: int) -> Any:
    """One enrolment; its ETag is its lock_version."""
    return tagged(own_enrolment(enrolment_id))


@bp.patch("/enrolments/<int:enrolment_id>")
@api.roles(*STAFF)
@bp.arguments(schemas.EnrolmentChangesSchema, required=False)
@bp.response(200, schemas.EnrolmentSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def change_enrolment(data: dict[str, Any], enrolment_id: int) -> Any:
    """Change the school, mentors or SENCO history; only the fields sent change. Needs If-Match."""
    enrolment = own_enrolment(enrolment_id)
    seen = api.checked_lock(enrolment.lock_version, data.pop("lock_version"))
    # The page's own change, with its fuller checks (earlier service, head teacher), on the fields sent.
    given = replace(
        enrolments.input_of(enrolment), **{k: tuple(v) if k == "mentor_ids" else v for k, v in data.items()}
    )
    return tagged(enrolments.update_enrolment(enrolment.id, given, seen, today()))


@bp.get("/enrolments/<int:enrolment_id>/progress")
@bp.response(200, schemas.ProgressSchema)
def get_progress(enrolment_id: int) -> dict[str, Any]:
    """Each scenario's progress by the cohort's sign-off policy, what is still missing, and the SENCO deadline.

    Only the trainee's mentors see drafts in it; everyone else, submitted observations only."""
    enrolment = own_enrolment(enrolment_id)
    submitted_only = scope.submitted_only(enrolment, caller_id())
    held = frozenset(moderation.held_observations(enrolment.cohort_id)) if reads_as_trainee(enrolment) else frozenset()
    return schemas.progress_document(
        enrolment,
        services.progress(enrolment, submitted_only=submitted_only, held=held, reader_id=caller_id()),
        services.senco_duty(enrolment, today()),
        submitted_only,
    )
