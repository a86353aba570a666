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
