"""JSON API for the assessments room: cohorts, enrolments, observations and progress.

The same people may do the same things as on the pages: designers and administrators run
cohorts and enrolments; a mentor records observations of their own trainees; a trainee reads
their own progress and submitted observations. Anything else is a 404, whether or not it
exists. Lists are paginated (``?page=``, ``?page_size=``, totals in ``X-Pagination``); a
record's ``lock_version`` is its ETag, and a change needs it back in ``If-Match`` (428 without;
412 if it is stale; 409 if sent as ``lock_version`` in the body and stale: every room's rule,
``core.api.checked_lock``). Creating an observation needs an idempotency key: sending the same
key again answers the record the first request made, never a second one. See README "JSON API".
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

from flask import Flask, request

from assessments import schemas, services
from assessments.models import Cohort, Enrolment, Observation, ObservationRequest
from assessments.services import enrolments, moderation, requests, scope, submissions
from assessments.services.observations import NOT_YOUR_DRAFT, agreed_results
from assessments.services.register import register_data
from assessments.views.base import today
from core import api
from core.accounts.roles import Role
from core.audit import Action, Subject, record_read

bp = api.api_blueprint(
    "assessments_api",
    __name__,
    Role.DESIGNER,
    Role.ADMIN,
    Role.MENTOR,
    Role.TRAINEE,
    description="Cohorts, enrolments, observations and progress",
)
STAFF = (Role.DESIGNER, Role.ADMIN)
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


def _me() -> int:
    return api.current_api_user().id


def _page(found: tuple[list[Any], int], pagination_parameters: Any) -> list[Any]:
    items, total = found
    pagination_parameters.item_count = total
    return items


def _offset(pagination_parameters: Any) -> tuple[int, int]:
    return pagination_parameters.first_item, pagination_parameters.page_size


def _tagged(record: Enrolment | Observation, status: int = 200, **headers: str) -> tuple[Any, int, dict[str, str]]:
    answer = _judged(record) if isinstance(record, Observation) else record
    return answer, status, {"ETag": api.etag(record.lock_version), **headers}


def _enrolment(enrolment_id: int) -> Enrolment:
    return scope.enrolment_for(enrolment_id, _me()) or api.fail(404, "No enrolment of yours has this id")


def _observation(observation_id: int) -> Observation:
    found = scope.observation_for(observation_id, _me()) or api.fail(404, "No observation of yours has this id")
    if _reads_as_trainee(found.enrolment) and found.id in moderation.held_observations(found.enrolment.cohort_id):
        api.fail(404, "No observation of yours has this id")  # awaiting moderation in a cohort that holds results back
    return found


def _own_draft(observation_id: int) -> Observation:
    """A draft the caller may change or submit: theirs alone. Another mentor's draft is 404 (or 403
    where the provider lets co-mentors read drafts: they may see it, not change it)."""
    found = _observation(observation_id)
    if found.submitted:
        api.fail(409, "This observation was submitted and can no longer be changed")
    if not scope.owns_draft(found, _me()):
        api.fail(403, NOT_YOUR_DRAFT, "observation_id")
    return found


# ---- moderation: what a trainee reads (held results, the agreed judgement) -------------------


def _reads_as_trainee(enrolment: Enrolment) -> bool:
    """The trainee of the enrolment (not also one of its mentors): held results are kept from them."""
    return enrolment.trainee_id == _me() and not scope.mentors(enrolment, _me())


class _AsJudged:
    """An observation answered with the judgement in force: the agreed one after moderation takes
    the place of the mentor's ``result`` (everything else is the observation's own)."""

    def __init__(self, observation: Observation, agreed: dict[str, Any] | None, in_force: bool) -> None:
        self._observation = observation
        self.agreed_result = agreed
        self.result = agreed if agreed is not None and in_force else observation.result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._observation, name)


def _judged(observation: Observation, agreed: dict[int, dict[str, Any]] | None = None) -> Any:
    """For the trainee, the agreed judgement replaces the mentor's (as in their progress); a mentor
    reads their own marks as recorded, with the agreed outcome beside them. ``agreed``: the agreed
    judgements of a whole page, looked up at once."""
    found = agreed.get(observation.id) if agreed is not None else moderation.agreed_result_of(observation.id)
    return _AsJudged(observation, found, _reads_as_trainee(observation.enrolment))


def _idempotency_key(body_key: str | None) -> str:
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


# ---- cohorts (designers and administrators) ----------------------------------------------


@bp.get("/cohorts")
@api.roles(*STAFF)
@bp.response(200, schemas.CohortSchema(many=True))
@bp.paginate()
def list_cohorts(pagination_parameters: Any) -> list[Cohort]:
    """Cohorts, oldest first, a page at a time."""
    return _page(scope.cohorts(*_offset(pagination_parameters)), pagination_parameters)


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
    return _page(scope.cohort_enrolments(cohort_id, *_offset(pagination_parameters)), pagination_parameters)


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
    return _tagged(services.enrol(cohort_id, given, today()), 201)


# ---- enrolments (staff: all; a mentor: their trainees; a trainee: their own) ---------------


@bp.get("/enrolments")
@bp.response(200, schemas.EnrolmentSchema(many=True))
@bp.paginate()
def list_enrolments(pagination_parameters: Any) -> list[Enrolment]:
    """The enrolments you may read: every one for staff, your trainees' for a mentor, your own for a trainee."""
    return _page(scope.enrolments_for(_me(), *_offset(pagination_parameters)), pagination_parameters)


@bp.get("/enrolments/<int:enrolment_id>")
@bp.response(200, schemas.EnrolmentSchema, headers=api.ETAG_HEADER)
def get_enrolment(enrolment_id: int) -> Any:
    """One enrolment; its ETag is its lock_version."""
    return _tagged(_enrolment(enrolment_id))


@bp.patch("/enrolments/<int:enrolment_id>")
@api.roles(*STAFF)
@bp.arguments(schemas.EnrolmentChangesSchema, required=False)
@bp.response(200, schemas.EnrolmentSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def change_enrolment(data: dict[str, Any], enrolment_id: int) -> Any:
    """Change the school, mentors or SENCO history; only the fields sent change. Needs If-Match."""
    enrolment = _enrolment(enrolment_id)
    seen = api.checked_lock(enrolment.lock_version, data.pop("lock_version"))
    # The page's own change, with its fuller checks (earlier service, head teacher), on the fields sent.
    given = replace(
        enrolments.input_of(enrolment), **{k: tuple(v) if k == "mentor_ids" else v for k, v in data.items()}
    )
    return _tagged(enrolments.update_enrolment(enrolment.id, given, seen, today()))


@bp.get("/enrolments/<int:enrolment_id>/progress")
@bp.response(200, schemas.ProgressSchema)
def get_progress(enrolment_id: int) -> dict[str, Any]:
    """Each scenario's progress by the cohort's sign-off policy, what is still missing, and the SENCO deadline.

    Only the trainee's mentors see drafts in it; everyone else, submitted observations only."""
    enrolment = _enrolment(enrolment_id)
    submitted_only = scope.submitted_only(enrolment, _me())
    held = frozenset(moderation.held_observations(enrolment.cohort_id)) if _reads_as_trainee(enrolment) else frozenset()
    return schemas.progress_document(
        enrolment,
        services.progress(enrolment, submitted_only=submitted_only, held=held, reader_id=_me()),
        services.senco_duty(enrolment, today()),
        submitted_only,
    )


# ---- observations (a mentor of the trainee; the trainee reads submitted ones) ---------------


@bp.get("/enrolments/<int:enrolment_id>/observations")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.ObservationSchema(many=True))
@bp.paginate()
def enrolment_observations(enrolment_id: int, pagination_parameters: Any) -> list[Observation]:
    """An enrolment's observations, oldest first; a trainee sees submitted ones only."""
    found = scope.observations_for(enrolment_id, _me(), *_offset(pagination_parameters))
    items, total = found or api.fail(404, "No enrolment of yours has this id")
    enrolment = _enrolment(enrolment_id)
    if _reads_as_trainee(enrolment):
        # Held observations are left out (and out of the total); a page may then hold fewer than page_size.
        held = moderation.held_of_enrolment(enrolment.id)
        items, total = [o for o in items if o.id not in held], total - len(held)
    agreed = agreed_results([o.id for o in items])
    return _page(([_judged(o, agreed) for o in items], total), pagination_parameters)


@bp.post("/enrolments/<int:enrolment_id>/observations")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.ObservationInSchema)
@bp.doc(parameters=[IDEMPOTENCY_PARAMETER])
@bp.response(201, schemas.ObservationSchema, headers={**api.ETAG_HEADER, **REPLAYED})
def record_observation(data: dict[str, Any], enrolment_id: int) -> Any:
    """Record an observation of your trainee as a draft, or submitted at once with ``"submit": true``.

    The engine scores it as it is saved: the answer holds the outcome and its reasons. The
    same idempotency key again answers the record it first made (``Idempotent-Replayed: true``)."""
    key = _idempotency_key(data["idempotency_key"])
    _enrolment(enrolment_id)
    given = services.ObservationInput(
        data["scenario_key"],
        data["observed_on"],
        data["setting"],
        tuple(data.get("present", ())),
        _evidence(data.get("evidence")),
        key,
        submit=data["submit"],
    )
    recorded = submissions.record_once(enrolment_id, _me(), given, today())
    return _tagged(recorded.observation, 201, **{REPLAYED_HEADER: "true" if recorded.replayed else "false"})


def _evidence(given: dict[str, Any] | None) -> dict[str, Any]:
    return {"judgements": [], "faults": [], **(given or {})}


@bp.get("/observations/<int:observation_id>")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
def get_observation(observation_id: int) -> Any:
    """One observation with the engine's outcome and reasons; its ETag is its lock_version."""
    found = _observation(observation_id)
    record_read(Action.OBSERVATION_VIEWED, Subject("observation", found.id), found.enrolment.trainee_id, via="api")
    return _tagged(found)


@bp.patch("/observations/<int:observation_id>")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.ObservationChangesSchema, required=False)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def change_observation(data: dict[str, Any], observation_id: int) -> Any:
    """Change a draft: only the fields sent change, and it is scored again. A submitted one is 409. Needs If-Match."""
    found = _own_draft(observation_id)
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
    return _tagged(submissions.change_draft(found.id, _me(), given, today()))


@bp.post("/observations/<int:observation_id>/submit")
@api.roles(Role.MENTOR)
@bp.arguments(api.LockSchema, required=False)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def submit_observation(data: dict[str, Any], observation_id: int) -> Any:
    """Submit a draft: it is locked for good and counts towards sign-off. Submitting again answers the same record."""
    found = _observation(observation_id)
    if found.submitted:
        return _tagged(found)  # a retry of a submit that worked: the same answer
    _own_draft(observation_id)
    seen = api.checked_lock(found.lock_version, data["lock_version"])
    return _tagged(services.submit_observation(found.id, _me(), seen))


@bp.post("/observations/<int:observation_id>/amendments")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.AmendmentInSchema)
@bp.response(200, schemas.ObservationSchema, headers=api.ETAG_HEADER)
@api.documented_lock(bp)
def amend_observation(data: dict[str, Any], observation_id: int) -> Any:
    """Correct a submitted observation you made, with a reason: only the fields sent change, it is
    re-scored with the rubric version that scored it, and a revision keeps before and after. Needs If-Match."""
    found = _observation(observation_id)
    seen = api.checked_lock(found.lock_version, data.pop("lock_version"))
    given = services.AmendmentInput(
        data.get("observed_on", found.observed_on),
        data.get("setting", found.setting),
        tuple(data.get("present", found.present)),
        _evidence(data["evidence"]) if "evidence" in data else found.evidence,
        data.get("present_notes", found.present_notes),
    )
    return _tagged(services.amend_observation(found.id, _me(), given, data["reason"], seen, today()))


@bp.get("/observations/<int:observation_id>/revisions")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.RevisionSchema(many=True))
def observation_revisions(observation_id: int) -> list[Any]:
    """Every correction of the observation, oldest first, with what each changed in words."""
    return services.history(_observation(observation_id))


# ---- requests (a trainee asks a mentor to observe them; the mentor answers) ----------------


@bp.get("/requests")
@api.roles(Role.MENTOR, Role.TRAINEE)
@bp.response(200, schemas.RequestSchema(many=True))
@bp.paginate()
def list_requests(pagination_parameters: Any) -> list[ObservationRequest]:
    """A mentor: the requests made to them not yet closed; a trainee: every request they made, newest first."""
    person = api.current_api_user()
    found: list[ObservationRequest] = []
    if person.has_role(Role.MENTOR):
        found += requests.open_requests_for_mentor(person.id)
    if person.has_role(Role.TRAINEE):
        found += [r for r in requests.requests_of_trainee(person.id) if r not in found]
    first, size = _offset(pagination_parameters)
    return _page((found[first : first + size], len(found)), pagination_parameters)


@bp.post("/enrolments/<int:enrolment_id>/requests")
@api.roles(Role.TRAINEE)
@bp.arguments(schemas.RequestInSchema)
@bp.response(201, schemas.RequestSchema)
def ask_for_observation(data: dict[str, Any], enrolment_id: int) -> ObservationRequest:
    """Ask one of your mentors to observe you in a scenario of your programme."""
    if scope.enrolment_for_trainee(enrolment_id, _me()) is None:
        api.fail(404, "No enrolment of yours has this id")
    return requests.ask(enrolment_id, _me(), data["mentor_id"], data["scenario_key"], data["note"])


def _request(request_id: int) -> ObservationRequest:
    return requests.request_for_mentor(request_id, _me()) or api.fail(404, "No request to you has this id")


@bp.post("/requests/<int:request_id>/accept")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.AcceptInSchema)
@bp.response(200, schemas.RequestSchema)
def accept_request(data: dict[str, Any], request_id: int) -> ObservationRequest:
    """Accept a request made to you, saying when you plan to observe; an answered one is 409."""
    return requests.accept(_request(request_id).id, _me(), data["planned_on"], today())


@bp.post("/requests/<int:request_id>/decline")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.DeclineInSchema)
@bp.response(200, schemas.RequestSchema)
def decline_request(data: dict[str, Any], request_id: int) -> ObservationRequest:
    """Decline a request made to you, saying why (your trainee reads it); an answered one is 409."""
    return requests.decline(_request(request_id).id, _me(), data["reason"])


# ---- the register (designers and administrators) -----------------------------------------


@bp.get("/register")
@api.roles(*STAFF)
@bp.arguments(schemas.RegisterQuerySchema, location="query")
@bp.response(200, schemas.RegisterRowSchema(many=True))
@bp.paginate()
def register(query: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The register of completions (the register page's rows), a page at a time: by default only
    those who completed; ``completed_only=false`` for every enrolment."""
    rows = register_data(query["cohort_id"], query["completed_only"])
    first, size = _offset(pagination_parameters)
    return _page((rows[first : first + size], len(rows)), pagination_parameters)


def init_app(app: Flask) -> None:
    api.register(app, bp)
