"""Stoplight Prism (tests/prism.py) as a second reading of the DfE NPQ API v3 document: with
--errors it refuses the requests the document does not allow, and it agrees with
tests/dfe_contract.py on the same requests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.dfe_contract import validate_request

AUTH = {"Authorization": "Bearer any-token"}


def declaration(**changes: Any) -> dict[str, Any]:
    attributes = {
        "participant_id": "db3a7848-7308-4879-942a-c4a70ced400a",
        "declaration_type": "started",
        "declaration_date": "2025-10-01T10:00:00Z",
        "course_identifier": "npq-senco",
    }
    attributes.update(changes)
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def test_prism_accepts_a_valid_declaration(prism_api: str) -> None:
    response = httpx.post(f"{prism_api}/api/v3/participant-declarations", json=declaration(), headers=AUTH)
    assert response.status_code == 200
    assert response.json()["data"]["type"] == "participant-declaration"
    assert validate_request("POST", str(response.request.url), AUTH, declaration()) == []


def test_prism_refuses_an_invalid_declaration_with_the_documents_422(prism_api: str) -> None:
    bad = declaration(participant_id="not-a-uuid")
    response = httpx.post(f"{prism_api}/api/v3/participant-declarations", json=bad, headers=AUTH)
    assert response.status_code == 422
    assert "errors" in response.json()
    assert validate_request("POST", str(response.request.url), AUTH, bad) == [
        "request body data.attributes.participant_id: 'not-a-uuid' is not a 'uuid'"
    ]


def test_prism_refuses_a_declaration_with_an_extra_property(prism_api: str) -> None:
    response = httpx.post(f"{prism_api}/api/v3/participant-declarations", json=declaration(evidence="x"), headers=AUTH)
    assert response.status_code == 422


def test_prism_answers_401_without_a_token(prism_api: str) -> None:
    response = httpx.get(f"{prism_api}/api/v3/npq-applications")
    assert response.status_code == 401
    assert isinstance(response.json()["error"], str)  # made up from the schema (--dynamic)


# ---- the app's own requests, as its services build them, read by Prism ------------------------

PARTICIPANT = "7a8fef46-3c43-42c0-b3d5-1ba5904ba562"
APPLICATION = "d0b4a32e-a272-489e-b30a-cb17131457fc"


def _app_requests() -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every kind of request the app sends, built by the functions that build them for the DfE."""
    from datetime import UTC, datetime

    from assessments.training_status import DEFERRAL_REASONS, WITHDRAWAL_REASONS
    from dfe.applications import accept_body
    from dfe.contract import COURSE, ReportKind
    from dfe.declarations import request_body
    from dfe.models import DfeDeclaration, DfeReport
    from dfe.participants import body_for, path_for

    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("POST", f"/npq-applications/{APPLICATION}/accept", accept_body(True, "npq-specialist-autumn")),
        ("POST", f"/npq-applications/{APPLICATION}/accept", accept_body(False, "npq-specialist-spring")),
        ("POST", f"/npq-applications/{APPLICATION}/reject", None),
        ("PUT", f"/participant-declarations/{APPLICATION}/void", None),
    ]
    declared = datetime(2025, 10, 6, 9, 30, tzinfo=UTC)
    for kind, passed in (("started", None), ("retained-1", None), ("completed", True), ("completed", False)):
        row = DfeDeclaration(
            participant_id=PARTICIPANT, declaration_type=kind, declaration_date=declared, has_passed=passed
        )
        requests.append(("POST", "/participant-declarations", request_body(row)))
    payloads = [(ReportKind.WITHDRAW, {"reason": code}) for code in WITHDRAWAL_REASONS]
    payloads += [(ReportKind.DEFER, {"reason": code}) for code in DEFERRAL_REASONS]
    payloads += [
        (ReportKind.RESUME, {}),
        (ReportKind.CHANGE_SCHEDULE, {"schedule_identifier": "npq-specialist-spring"}),
        (ReportKind.CHANGE_SCHEDULE, {"schedule_identifier": "npq-specialist-autumn", "cohort": "2025"}),
        (ReportKind.OUTCOME, {"state": "passed", "completion_date": "2026-07-14"}),
        (ReportKind.OUTCOME, {"state": "failed", "completion_date": "2026-07-14"}),
    ]
    for kind, attributes in payloads:
        report = DfeReport(
            kind=kind.value, participant_id=PARTICIPANT, payload={"course_identifier": COURSE, **attributes}
        )
        method, path = path_for(report)
        requests.append((method, path, body_for(report)))
    return requests


def test_every_kind_of_request_the_app_builds_is_one_prism_and_the_document_allow(prism_api: str) -> None:
    refused = []
    requests = _app_requests()
    with httpx.Client(base_url=f"{prism_api}/api/v3", headers=AUTH) as client:
        for method, path, body in requests:
            response = client.request(method, path, json=body)
            problems = validate_request(method, str(response.request.url), AUTH, body)
            if response.status_code in (400, 422) or problems:
                refused.append((method, path, body, response.status_code, response.text[:300], problems))
    assert refused == []
    assert len(requests) == 39  # 2 accepts, reject, void, 4 declarations, 21 withdrawal and 5 deferral reasons, 5 more
