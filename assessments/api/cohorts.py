"""The API's cohorts (designers and administrators)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from assessments import schemas, services
from assessments.api.base import bp, first_and_size, one_page, tagged
from assessments.models import Cohort, Enrolment
from assessments.services import scope
from core import api
from core.accounts.roles import STAFF
from core.clock import today

# ---- cohorts (designers and administrators) ----------------------------------------------


@bp.get("/cohorts")
@api.roles(*STAFF)
@bp.response(200, schemas.CohortSchema(many=True))
@bp.paginate()
def list_cohorts(pagination_parameters: Any) -> list[Cohort]:
    """Cohorts, oldest first, a page at a time."""
    return one_page(scope.cohorts(*first_and_size(pagination_parameters)), pagination_parameters)


@bp.post("/cohorts")
@api.roles(*STAFF)
@bp.arguments(schemas.CohortInSchema)
@bp.response(201, schemas.CohortSchema)
def create_cohort(data: dict[str, Any]) -> Cohort:
    """Start a cohort on a published programme version, with its sign-off policy (the usual one unless given)."""
    return services.create_cohort(data["name"], data["programme_version_id"], data.get("sign_off"))


@bp.get("/cohorts/<int:cohort_id>")
@api.roles(*STAFF)
@bp.response(200, schemas.CohortSchema, headers=api.ETAG_HEADER)
def get_cohort(cohort_id: int) -> Any:
    """One cohort, with its programme version and policies. Its ETag changes when they do."""
    cohort = services.get_cohort(cohort_id) or api.fail(404, "No cohort has this id")
    dumped = json.dumps(schemas.CohortSchema().dump(cohort), sort_keys=True, default=str)
    return cohort, 200, {"ETag": f'"c{hashlib.sha256(dumped.encode()).hexdigest()[:20]}"'}


@bp.get("/cohorts/<int:cohort_id>/enrolments")
@api.roles(*STAFF)
@bp.response(200, schemas.EnrolmentSchema(many=True))
@bp.paginate()
def cohort_enrolments(cohort_id: int, pagination_parameters: Any) -> list[Enrolment]:
    """A cohort's enrolments, a page at a time."""
    services.get_cohort(cohort_id) or api.fail(404, "No cohort has this id")
    return one_page(scope.cohort_enrolments(cohort_id, *first_and_size(pagination_parameters)), pagination_parameters)


@bp.post("/cohorts/<int:cohort_id>/enrolments")
@api.roles(*STAFF)
@bp.arguments(schemas.EnrolmentInSchema)
@bp.response(201, schemas.EnrolmentSchema, headers=api.ETAG_HEADER)
def enrol(data: dict[str, Any], cohort_id: int) -> Any:
    """Enrol a trainee on the cohort with one or more mentors and their SENCO history."""
    services.get_cohort(cohort_id) or api.fail(404, "No cohort has this id")
    given = services.EnrolmentInput(
        data["trainee_id"],
        tuple(data["mentor_ids"]),
        data.get("school", ""),
        data.get("became_senco"),
        data.get("earlier_senco_months", 0),
        data.get("nasenco_started"),
        data.get("nasenco_completed"),
        head_teacher=data.get("head_teacher", False),
    )
    return tagged(services.enrol(cohort_id, given, today()), 201)
