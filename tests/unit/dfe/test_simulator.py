"""The DfE NPQ API simulator (tests/dfe_simulator.py), driven over HTTP with httpx as the app's
client will drive it. Every test ends with the simulator's own contract check: what it sent was
what the document allows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.dfe_simulator import DfeSimulator

NOW = datetime.now(UTC)


@pytest.fixture
def api(dfe_api: DfeSimulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{dfe_api.base_url}/api/v3", headers=dfe_api.headers, timeout=10) as client:
        yield client
    # The simulator's answers are the document's, whatever the test did.
    assert dfe_api.invalid_responses() == [], [
        (e.method, e.path, e.status, e.response_problems) for e in dfe_api.invalid_responses()
    ]


def accept(api: httpx.Client, application_id: str, **attributes: Any) -> httpx.Response:
    attributes.setdefault("funded_place", True)
    return api.post(
        f"/npq-applications/{application_id}/accept",
        json={"data": {"type": "npq-application-accept", "attributes": attributes}},
    )


def declare(
    api: httpx.Client, participant_id: str, declaration_type: str = "started", **changes: Any
) -> httpx.Response:
    attributes = {
        "participant_id": participant_id,
        "declaration_type": declaration_type,
        "declaration_date": (NOW - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "course_identifier": "npq-senco",
        **changes,
    }
    return api.post(
        "/participant-declarations", json={"data": {"type": "participant-declaration", "attributes": attributes}}
    )


def participant_update(
    api: httpx.Client, participant_id: str, action: str, kind: str, **attributes: Any
) -> httpx.Response:
    attributes.setdefault("course_identifier", "npq-senco")
    return api.put(
        f"/participants/npq/{participant_id}/{action}", json={"data": {"type": kind, "attributes": attributes}}
    )


def accepted_participant(sim: DfeSimulator, api: httpx.Client, **attributes: Any) -> str:
    application_id = sim.add_application(**attributes)
    assert accept(api, application_id).status_code == 200
    return str(sim.applications[application_id]["participant_id"])


# -- authorisation and the contract -------------------------------------------------------------


def test_without_the_token_the_answer_is_the_documents_401(dfe_api: DfeSimulator) -> None:
    response = httpx.get(f"{dfe_api.base_url}/api/v3/npq-applications")
    assert response.status_code == 401
    assert response.json() == {"error": "HTTP Token: Access denied"}
    wrong = httpx.get(f"{dfe_api.base_url}/api/v3/npq-applications", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert [e.status for e in dfe_api.log] == [401, 401]
    assert dfe_api.invalid_responses() == []


def test_an_invalid_request_gets_a_422_naming_the_attribute_and_is_logged(
    api: httpx.Client, dfe_api: DfeSimulator
) -> None:
    participant_id = accepted_participant(dfe_api, api)
    response = declare(api, participant_id, evidence="x")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"title": "evidence", "detail": "request body data.attributes.evidence: is not allowed here"}
    ]
    [bad] = dfe_api.invalid_requests()
    assert (bad.method, bad.path, bad.status) == ("POST", "/api/v3/participant-declarations", 422)
    assert bad.request_problems == ["request body data.attributes.evidence: is not allowed here"]


def test_a_body_that_is_not_the_json_structure_gets_the_documents_400(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    response = api.post("/participant-declarations", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["title"] == "Bad request"


def test_an_unknown_id_is_404_with_the_documents_body(api: httpx.Client) -> None:
    response = api.get("/npq-applications/d0b4a32e-a272-489e-b30a-cb17131457fc")
    assert response.status_code == 404
    assert response.json() == {"error": "Resource not found"}


# -- applications ------------------------------------------------------------------------------


def test_an_added_application_is_a_valid_pending_senco_application(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    application_id = dfe_api.add_application(full_name="Priya Shah")
    attributes = api.get(f"/npq-applications/{application_id}").json()["data"]["attributes"]
    assert attributes["course_identifier"] == "npq-senco"
    assert attributes["status"] == "pending"
    assert attributes["full_name"] == "Priya Shah"
    assert attributes["teacher_reference_number_validated"] is True
    assert attributes["works_as_senco"] is True
    assert attributes["eligible_for_funding"] is True


def test_listing_filters_by_cohort_and_updated_since_and_pages(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    older = [dfe_api.add_application(cohort="2024") for _ in range(3)]
    since = dfe_api.applications[older[-1]]["updated_at"]
    newer = [dfe_api.add_application() for _ in range(2)]

    def ids(**params: str) -> list[str]:
        return [item["id"] for item in api.get("/npq-applications", params=params).json()["data"]]

    assert ids() == older + newer
    assert ids(**{"filter[cohort]": "2024"}) == older
    assert ids(**{"filter[updated_since]": since}) == newer
    assert ids(**{"page[page]": "2", "page[per_page]": "2"}) == older[2:] + newer[:1]
    assert ids(**{"page[page]": "4", "page[per_page]": "2"}) == []
    assert ids(sort="-created_at")[0] == newer[-1]


def test_accepting_enrols_a_participant_on_the_specialist_schedule(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    application_id = dfe_api.add_application()
    response = accept(api, application_id)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["status"] == "accepted"
    participant_id = response.json()["data"]["attributes"]["participant_id"]
    [enrolment] = api.get(f"/participants/npq/{participant_id}").json()["data"]["attributes"]["npq_enrolments"]
    assert enrolment["training_status"] == "active"
    assert enrolment["schedule_identifier"] == "npq-specialist-autumn"
    assert enrolment["npq_application_id"] == application_id
    assert enrolment["funded_place"] is True


def test_accepting_twice_or_after_rejecting_is_422(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    accepted = dfe_api.add_application()
    accept(api, accepted)
    again = accept(api, accepted)
    assert again.status_code == 422
    assert again.json()["errors"] == [
        {"title": "application", "detail": "This NPQ application has already been accepted"}
    ]
    rejected = dfe_api.add_application()
    assert api.post(f"/npq-applications/{rejected}/reject").json()["data"]["attributes"]["status"] == "rejected"
    assert accept(api, rejected).status_code == 422


def test_funded_place_is_needed_to_accept_a_funding_eligible_application(
    api: httpx.Client, dfe_api: DfeSimulator
) -> None:
    application_id = dfe_api.add_application()
    response = api.post(
        f"/npq-applications/{application_id}/accept",
        json={"data": {"type": "npq-application-accept", "attributes": {}}},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"title": "funded_place", "detail": "Set '#/funded_place' to true or false."}]
    assert dfe_api.applications[application_id]["status"] == "pending"
    ineligible = dfe_api.add_application(eligible_for_funding=False)
    assert accept(api, ineligible, funded_place=True).status_code == 422
    assert accept(api, ineligible, funded_place=False).status_code == 200


def test_the_funded_place_can_change_after_acceptance_only(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    application_id = dfe_api.add_application()
    body = {"data": {"type": "npq-application-change-funded-place", "attributes": {"funded_place": False}}}
    assert api.put(f"/npq-applications/{application_id}/change-funded-place", json=body).status_code == 422
    accept(api, application_id)
    response = api.put(f"/npq-applications/{application_id}/change-funded-place", json=body)
    assert response.status_code == 200
    assert response.json()["data"]["attributes"]["funded_place"] is False


# -- declarations ------------------------------------------------------------------------------


def test_a_declaration_is_eligible_when_funded_and_submitted_when_not(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    funded = accepted_participant(dfe_api, api)
    unfunded_application = dfe_api.add_application(eligible_for_funding=False)
    accept(api, unfunded_application, funded_place=False)
    unfunded = dfe_api.applications[unfunded_application]["participant_id"]
    assert declare(api, funded).json()["data"]["attributes"]["state"] == "eligible"
    assert declare(api, unfunded).json()["data"]["attributes"]["state"] == "submitted"


def test_a_duplicate_declaration_is_422_until_the_first_is_voided(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    first = declare(api, participant_id).json()["data"]["id"]
    duplicate = declare(api, participant_id)
    assert duplicate.status_code == 422
    assert (
        duplicate.json()["errors"][0]["detail"]
        == "There is already a declaration with state eligible for this application"
    )
    assert api.put(f"/participant-declarations/{first}/void").json()["data"]["attributes"]["state"] == "voided"
    assert declare(api, participant_id).status_code == 200


def test_declaration_dates_in_the_future_or_before_the_schedule_are_422(
    api: httpx.Client, dfe_api: DfeSimulator
) -> None:
    participant_id = accepted_participant(dfe_api, api)
    future = declare(api, participant_id, declaration_date=(NOW + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert future.status_code == 422
    assert future.json()["errors"][0]["title"] == "declaration_date"
    early = declare(
        api, participant_id, declaration_date="2025-08-31T10:00:00Z"
    )  # the 2025 autumn schedule starts 1 Sept
    assert early.status_code == 422
    assert "on or after the schedule start" in early.json()["errors"][0]["detail"]


def test_a_completed_declaration_without_has_passed_is_422(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    response = declare(api, participant_id, "completed")
    assert response.status_code == 422
    assert response.json()["errors"][0]["title"] == "has_passed"
    completed = declare(api, participant_id, "completed", has_passed=True)
    assert completed.json()["data"]["attributes"]["has_passed"] is True


def test_voiding_a_paid_declaration_awaits_clawback(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    declaration_id = declare(api, participant_id).json()["data"]["id"]
    dfe_api.set_declaration_state(declaration_id, "paid")
    assert (
        api.put(f"/participant-declarations/{declaration_id}/void").json()["data"]["attributes"]["state"]
        == "awaiting_clawback"
    )


def test_declarations_are_listed_by_participant_and_fetched_one_by_one(
    api: httpx.Client, dfe_api: DfeSimulator
) -> None:
    first = accepted_participant(dfe_api, api)
    second = accepted_participant(dfe_api, api)
    mine = declare(api, first).json()["data"]["id"]
    declare(api, second)
    listed = api.get("/participant-declarations", params={"filter[participant_id]": first}).json()["data"]
    assert [d["id"] for d in listed] == [mine]
    assert api.get(f"/participant-declarations/{mine}").json()["data"]["attributes"]["participant_id"] == first
    assert (
        len(api.get("/participant-declarations", params={"page[per_page]": "1", "page[page]": "2"}).json()["data"]) == 1
    )


# -- participants ------------------------------------------------------------------------------


def test_withdrawal_needs_a_started_declaration(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    withdraw = {"action": "withdraw", "kind": "participant-withdraw", "reason": "personal-reason-moving-school"}
    refused = participant_update(api, participant_id, **withdraw)
    assert refused.status_code == 422
    assert "has not got a started declaration" in refused.json()["errors"][0]["detail"]
    declare(api, participant_id)
    response = participant_update(api, participant_id, **withdraw)
    [enrolment] = response.json()["data"]["attributes"]["npq_enrolments"]
    assert enrolment["training_status"] == "withdrawn"
    assert enrolment["withdrawal"]["reason"] == "personal-reason-moving-school"
    # Declaring after the withdrawal date is refused.
    late = declare(
        api, participant_id, "retained-1", declaration_date=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )
    assert late.status_code == 422
    assert "on or before the withdrawal date" in late.json()["errors"][0]["detail"]


def test_an_unknown_withdrawal_reason_breaks_the_contract(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    response = participant_update(api, participant_id, "withdraw", "participant-withdraw", reason="moved-away")
    assert response.status_code == 422
    assert response.json()["errors"][0]["title"] == "reason"


def test_defer_resume_and_change_schedule(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    started = declare(api, participant_id, declaration_date="2025-10-01T10:00:00Z").json()["data"]["id"]
    deferred = participant_update(api, participant_id, "defer", "participant-defer", reason="parental-leave")
    assert deferred.json()["data"]["attributes"]["npq_enrolments"][0]["training_status"] == "deferred"
    resumed = participant_update(api, participant_id, "resume", "participant-resume")
    assert resumed.json()["data"]["attributes"]["npq_enrolments"][0]["training_status"] == "active"
    assert participant_update(api, participant_id, "resume", "participant-resume").status_code == 422
    # The started declaration (1 October 2025) is dated before the spring schedule starts: refused
    # until it is voided.
    change = {"schedule_identifier": "npq-specialist-spring"}
    refused = participant_update(api, participant_id, "change-schedule", "participant-change-schedule", **change)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["title"] == "schedule_identifier"
    api.put(f"/participant-declarations/{started}/void")
    changed = participant_update(api, participant_id, "change-schedule", "participant-change-schedule", **change)
    assert changed.json()["data"]["attributes"]["npq_enrolments"][0]["schedule_identifier"] == "npq-specialist-spring"


def test_a_remote_withdrawal_shows_in_the_participant_listing_since_the_last_poll(
    api: httpx.Client, dfe_api: DfeSimulator
) -> None:
    participant_id = accepted_participant(dfe_api, api)
    declare(api, participant_id)
    since = dfe_api.participants[participant_id]["updated_at"]
    assert api.get("/participants/npq", params={"filter[updated_since]": since}).json()["data"] == []
    dfe_api.withdraw_remotely(participant_id)
    [changed] = api.get("/participants/npq", params={"filter[updated_since]": since}).json()["data"]
    assert changed["attributes"]["npq_enrolments"][0]["training_status"] == "withdrawn"


# -- outcomes and statements -----------------------------------------------------------------


def test_outcomes_are_recorded_and_listed(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    participant_id = accepted_participant(dfe_api, api)
    body = {
        "data": {
            "type": "npq-outcome-confirmation",
            "attributes": {"course_identifier": "npq-senco", "state": "passed", "completion_date": "2026-01-15"},
        }
    }
    # No completed declaration yet: the DfE refuses an outcome of its own (the declaration carries the first).
    refused = api.post(f"/participants/npq/{participant_id}/outcomes", json=body)
    assert refused.status_code == 422
    assert "has not had a 'completed' declaration" in refused.json()["errors"][0]["detail"]
    assert declare(api, participant_id, "completed", has_passed=False).status_code == 200
    created = api.post(f"/participants/npq/{participant_id}/outcomes", json=body)
    assert created.status_code == 200
    assert created.json()["data"]["attributes"]["state"] == "passed"
    listed = api.get(f"/participants/npq/{participant_id}/outcomes").json()["data"]
    assert [o["attributes"]["state"] for o in listed] == ["failed", "passed"]
    assert len(api.get("/participants/npq/outcomes").json()["data"]) == 2


def test_statements_are_listed_and_fetched(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    statement_id = dfe_api.add_statement(month="June", cohort="2025", paid=True)
    dfe_api.add_statement(cohort="2024")
    assert api.get(f"/statements/{statement_id}").json()["data"]["attributes"]["month"] == "June"
    assert [s["id"] for s in api.get("/statements", params={"filter[cohort]": "2025"}).json()["data"]] == [statement_id]


# -- failure switches --------------------------------------------------------------------------


def test_fail_next_answers_the_given_status_that_many_times_and_changes_nothing(
    api: httpx.Client, dfe_api: DfeSimulator
) -> None:
    application_id = dfe_api.add_application()
    dfe_api.fail_next(status=503, times=2)
    assert accept(api, application_id).status_code == 503
    assert accept(api, application_id).status_code == 503
    assert dfe_api.applications[application_id]["status"] == "pending"
    assert accept(api, application_id).status_code == 200
    dfe_api.fail_next(status=401)
    assert api.get("/npq-applications").json() == {"error": "HTTP Token: Access denied"}
    assert [e.injected for e in dfe_api.log] == [True, True, False, True]


def test_delay_next_holds_one_answer_back(dfe_api: DfeSimulator) -> None:
    dfe_api.delay_next(2)
    with httpx.Client(base_url=dfe_api.base_url, headers=dfe_api.headers, timeout=0.2) as impatient:
        with pytest.raises(httpx.ReadTimeout):
            impatient.get("/api/v3/statements")
        assert impatient.get("/api/v3/statements").status_code == 200


def test_an_application_can_appear_between_two_pages(api: httpx.Client, dfe_api: DfeSimulator) -> None:
    for _ in range(3):
        dfe_api.add_application()
    dfe_api.insert_during_paging()
    params = {"page[per_page]": "2", "sort": "-created_at"}
    first = api.get("/npq-applications", params={**params, "page[page]": "1"}).json()["data"]
    second = api.get("/npq-applications", params={**params, "page[page]": "2"}).json()["data"]
    [inserted] = dfe_api.inserted_during_paging
    assert inserted not in [a["id"] for a in first + second]
    assert second[0]["id"] == first[-1]["id"]  # newest first: the insert pushed page 1's last onto page 2
