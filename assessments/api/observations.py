"""The API's observations (a mentor of the trainee; the trainee reads submitted ones)."""

from __future__ import annotations

from typing import Any

from assessments import schemas, services
from assessments.api.base import (
    IDEMPOTENCY_PARAMETER,
    REPLAYED,
    REPLAYED_HEADER,
    bp,
    caller_id,
    first_and_size,
    idempotency_key_sent,
    judged,
    one_page,
    own_draft,
    own_enrolment,
    own_observation,
    reads_as_trainee,
    tagged,
)
from assessments.models import Observation
from assessments.services import moderation, scope, submissions
from assessments.services.observations import agreed_results
from core import api
from core.accounts.roles import Role
from core.audit import Action, Subject, record_read
from core.clock import today

# ---- observations (a mentor of the trainee; the trainee reads submitted ones) ---------------


@bp.get("/enrolments/<int:enrolment_id>/observations")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.ObservationSchema(many=True))
@bp.paginate()
def enrolment_observations(enrolment_id: int, pagination_parameters: Any) -> list[Observation]:
    """An enrolment's observations, oldest first; a trainee sees submitted ones only."""
    found = scope.observations_for(enrolment_id, caller_id(), *first_and_size(pagination_parameters))
    items, total = found or api.fail(404, "No enrolment of yours has this id")
    enrolment = own_enrolment(enrolment_id)
    if reads_as_trainee(enrolment):
        # Held observations are left out (and out of the total); a page may then hold fewer than page_size.
        held = moderation.held_of_enrolment(enrolment.id)
        items, total = [o for o in items if o.id not in held], total - len(held)
    agreed = agreed_results([o.id for o in items])
    return one_page(([judged(o, agreed) for o in items], total), pagination_parameters)


@bp.post("/enrolments/<int:enrolment_id>/observations")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.ObservationInSchema)
@bp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@bp.response(201, schemas.ObservationSchema, headers={**api.ETAG_HEADER, **REPLAYED})
def record_observation(data: dict[str, Any], enrolment_id: int) -> Any:
    """Record an observation of your trainee as a draft, or submitted at once with ``"submit": true``.

    The engine scores it as it is saved: the answer holds the outcome and its reasons. The
    same idempotency key again answers the record it first made (``Idempotent-Replayed: true``)."""
    key = idempotency_key_sent(data["idempotency_key"])
    own_enrolment(enrolment_id)
    given = services.ObservationInput(
        data["scenario_key"],
        data["observed_on"],
        data["setting"],
        tuple(data.get("present", ())),
        _evidence(data.get("evidence")),
        key,
        submit=data["submit"],
    )
    recorded = submissions.record_once(enrolment_id, caller_id(), given, today())
    return tagged(recorded.observation, 201, **{REPLAYED_HEADER: "true" if recorded.replayed else "false"})


def _evidence(given: dict[str, Any] | None) -> dict[str, Any]:
    return {"judgements": [], "faults": [], **(given or {})}


@bp.get("/observations/<int:observation_id>")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
def get_observation(observation_id: int) -> Any:
    """One observation with the engine's outcome and reasons; its ETag is its lock_version."""
    found = own_observation(observation_id)
    record_read(Action.OBSERVATION_VIEWED, Subject("observation", found.id), found.enrolment.trainee_id, via="api")
    return tagged(found)


@bp.patch("/observations/<int:observation_id>")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.ObservationChangesSchema, required=False)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def change_observation(data: dict[str, Any], observation_id: int) -> Any:
    """Change a draft: only the fields sent change, and it is scored again. A submitted one is 409. Needs If-Match."""
    found = own_draft(observation_id)
    seen = api.checked_lock(found.lock_version, data.pop("lock_version"))
    given = services.ObservationInput(
        found.scenario_key,
        data.get("observed_on", found.observed_on),
        data.get("setting", found.setting),
        tuple(data.get("present", found.present)),
        _evidence(data["evidence"]) if "evidence" in data else found.evidence,
        found.idempotency_key,
        lock_version=seen,
    )
    return tagged(submissions.change_draft(found.id, caller_id(), given, today()))


@bp.post("/observations/<int:observation_id>/submit")
@api.roles(Role.MENTOR)
@bp.arguments(api.LockSchema, required=False)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def submit_observation(data: dict[str, Any], observation_id: int) -> Any:
    """Submit a draft: it is locked for good and counts towards sign-off. Submitting again answers the same record."""
    found = own_observation(observation_id)
    if found.submitted:
        return tagged(found)  # a retry of a submit that worked: the same answer
    own_draft(observation_id)
    seen = api.checked_lock(found.lock_version, data["lock_version"])
    return tagged(services.submit_observation(found.id, caller_id(), seen))


@bp.post("/observations/<int:observation_id>/amendments")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.AmendmentInSchema)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def amend_observation(data: dict[str, Any], observation_id: int) -> Any:
    """Correct a submitted observation you made, with a reason: only the fields sent change, it is
    re-scored with the rubric version that scored it, and a revision keeps before and after. Needs If-Match."""
    found = own_observation(observation_id)
    seen = api.checked_lock(found.lock_version, data.pop("lock_version"))
    given = services.AmendmentInput(
        data.get("observed_on", found.observed_on),
        data.get("setting", found.setting),
        tuple(data.get("present", found.present)),
        _evidence(data["evidence"]) if "evidence" in data else found.evidence,
        data.get("present_notes", found.present_notes),
    )
    return tagged(services.amend_observation(found.id, caller_id(), given, data["reason"], seen, today()))


@bp.get("/observations/<int:observation_id>/revisions")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.RevisionSchema(many=True))
def observation_revisions(observation_id: int) -> list[Any]:
    """Every correction of the observation, oldest first, with what each changed in words."""
    return services.history(own_observation(observation_id))
