"""The assessments API's blueprint and what its routes share: paging, the caller's records, the
judgement in force after moderation and the idempotency key.
"""

from __future__ import annotations

from typing import Any

from flask import request

from assessments.models import Enrolment, Observation
from assessments.services import moderation, scope, submissions
from assessments.services.observations import NOT_YOUR_DRAFT
from core import api
from core.accounts.roles import Role

bp = api.api_blueprint(
    "assessments_api",
    "assessments.api",  # the name the blueprint had before the module became a package
    Role.DESIGNER,
    Role.ADMIN,
    Role.MENTOR,
    Role.TRAINEE,
    description="Cohorts, enrolments, observations and progress",
)
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": IDEMPOTENCY_HEADER,
    "required": False,
    "schema": {"type": "string", "pattern": submissions.IDEMPOTENCY_KEY_PATTERN},
    "description": "A key you make for this observation (8–64 letters, digits, . : - _; a UUID will do). "
    "Required here or as idempotency_key in the body. Sending it again answers the same record.",
}
REPLAYED = {
    REPLAYED_HEADER: {
        "description": "true when the key had been used: the answer is the first request's record",
        "schema": {"type": "string"},
    }
}


# ---- helpers ---------------------------------------------------------------------------


def caller_id() -> int:
    return api.current_api_user().id


def one_page(found: tuple[list[Any], int], pagination_parameters: Any) -> list[Any]:
    items, total = found
    pagination_parameters.item_count = total
    return items


def first_and_size(pagination_parameters: Any) -> tuple[int, int]:
    return pagination_parameters.first_item, pagination_parameters.page_size


def tagged(record: Enrolment | Observation, status: int = 200, **headers: str) -> tuple[Any, int, dict[str, str]]:
    answer = judged(record) if isinstance(record, Observation) else record
    return answer, status, {"ETag": api.etag(record.lock_version), **headers}


def own_enrolment(enrolment_id: int) -> Enrolment:
    return scope.enrolment_for(enrolment_id, caller_id()) or api.fail(404, "No enrolment of yours has this id")


def own_observation(observation_id: int) -> Observation:
    found = scope.observation_for(observation_id, caller_id()) or api.fail(404, "No observation of yours has this id")
    if reads_as_trainee(found.enrolment) and found.id in moderation.held_observations(found.enrolment.cohort_id):
        api.fail(404, "No observation of yours has this id")  # awaiting moderation in a cohort that holds results back
    return found


def own_draft(observation_id: int) -> Observation:
    """A draft the caller may change or submit: theirs alone. Another mentor's draft is 404 (or 403
    where the provider lets co-mentors read drafts: they may see it, not change it)."""
    found = own_observation(observation_id)
    if found.submitted:
        api.fail(409, "This observation was submitted and can no longer be changed")
    if not scope.owns_draft(found, caller_id()):
        api.fail(403, NOT_YOUR_DRAFT, "observation_id")
    return found


# ---- moderation: what a trainee reads (held results, the agreed judgement) -------------------


def reads_as_trainee(enrolment: Enrolment) -> bool:
    """The trainee of the enrolment (not also one of its mentors): held results are kept from them."""
    return enrolment.trainee_id == caller_id() and not scope.mentors(enrolment, caller_id())


class _AsJudged:
    """An observation answered with the judgement in force: the agreed one after moderation takes
    the place of the mentor's ``result`` (everything else is the observation's own)."""

    def __init__(self, observation: Observation, agreed: dict[str, Any] | None, in_force: bool) -> None:
        self.own_observation = observation
        self.agreed_result = agreed
        self.result = agreed if agreed is not None and in_force else observation.result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.own_observation, name)


def judged(observation: Observation, agreed: dict[int, dict[str, Any]] | None = None) -> Any:
    """For the trainee, the agreed judgement replaces the mentor's (as in their progress); a mentor
    reads their own marks as recorded, with the agreed outcome beside them. ``agreed``: the agreed
    judgements of a whole page, looked up at once."""
    found = agreed.get(observation.id) if agreed is not None else moderation.agreed_result_of(observation.id)
    return _AsJudged(observation, found, reads_as_trainee(observation.enrolment))


def idempotency_key_sent(body_key: str | None) -> str:
    header = request.headers.get(IDEMPOTENCY_HEADER)
    if header is not None and body_key is not None and header != body_key:
        api.fail(
            400, f"The {IDEMPOTENCY_HEADER} header and idempotency_key disagree: send one of them", "idempotency_key"
        )
    key = header if header is not None else body_key
    if key is None:
        api.fail(
            400,
            f"Send an {IDEMPOTENCY_HEADER} header (or idempotency_key) so that a retry cannot record "
            "the observation twice",
            "idempotency_key",
        )
    if not submissions.is_idempotency_key(key):
        api.fail(400, submissions.KEY_MESSAGE, "idempotency_key")
    return key
