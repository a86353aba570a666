"""The API's requests (a trainee asks a mentor to observe them; the mentor answers)."""

from __future__ import annotations

from typing import Any

from assessments import schemas
from assessments.api.base import bp, caller_id, first_and_size, one_page
from assessments.models import ObservationRequest
from assessments.services import requests, scope
from core import api
from core.accounts.roles import Role
from core.clock import today

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
    first, size = first_and_size(pagination_parameters)
    return one_page((found[first : first + size], len(found)), pagination_parameters)


@bp.post("/enrolments/<int:enrolment_id>/requests")
@api.roles(Role.TRAINEE)
@bp.arguments(schemas.RequestInSchema)
@bp.response(201, schemas.RequestSchema)
def ask_for_observation(data: dict[str, Any], enrolment_id: int) -> ObservationRequest:
    """Ask one of your mentors to observe you in a scenario of your programme."""
    if scope.enrolment_for_trainee(enrolment_id, caller_id()) is None:
        api.fail(404, "No enrolment of yours has this id")
    return requests.ask(enrolment_id, caller_id(), data["mentor_id"], data["scenario_key"], data["note"])


def _request(request_id: int) -> ObservationRequest:
    return requests.request_for_mentor(request_id, caller_id()) or api.fail(404, "No request to you has this id")


@bp.post("/requests/<int:request_id>/accept")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.AcceptInSchema)
@bp.response(200, schemas.RequestSchema)
def accept_request(data: dict[str, Any], request_id: int) -> ObservationRequest:
    """Accept a request made to you, saying when you plan to observe; an answered one is 409."""
    return requests.accept(_request(request_id).id, caller_id(), data["planned_on"], today())


@bp.post("/requests/<int:request_id>/decline")
@api.roles(Role.MENTOR)
@bp.arguments(schemas.DeclineInSchema)
@bp.response(200, schemas.RequestSchema)
def decline_request(data: dict[str, Any], request_id: int) -> ObservationRequest:
    """Decline a request made to you, saying why (your trainee reads it); an answered one is 409."""
    return requests.decline(_request(request_id).id, caller_id(), data["reason"])
