"""The DfE NPQ API v3 contract checker (tests/dfe_contract.py): it passes what the document allows
and names the JSON path of what it does not."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dfe_contract import DOCUMENT_PATH, QUIRKS, original_document, validate_request, validate_response

AUTH = {"Authorization": "Bearer token", "Content-Type": "application/json"}
ID = "d0b4a32e-a272-489e-b30a-cb17131457fc"
DECLARATIONS = "http://127.0.0.1:1/api/v3/participant-declarations"
# The document's own examples that break its own schemas (listed in SOURCE.md with why).
BROKEN_EXAMPLES = {
    ("put", "/api/v3/participant-declarations/{id}/void", "200", "success"): [
        "response body data.attributes.statement_id: 'cd3a12347-7308-4879-942a-c4a70ced400a' is not a 'uuid'"
    ],
}


def started(**changes: Any) -> dict[str, Any]:
    attributes = {
        "participant_id": "db3a7848-7308-4879-942a-c4a70ced400a",
        "declaration_type": "started",
        "declaration_date": "2025-10-01T10:00:00Z",
        "course_identifier": "npq-senco",
    }
    attributes.update(changes)
    return {"data": {"type": "participant-declaration", "attributes": attributes}}


def test_a_valid_accept_request_passes() -> None:
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}}
    assert validate_request("POST", f"http://x/api/v3/npq-applications/{ID}/accept", AUTH, body) == []


def test_a_valid_started_declaration_passes() -> None:
    assert validate_request("POST", DECLARATIONS, AUTH, started()) == []


def test_a_wrong_type_is_named_by_its_path() -> None:
    body = started()
    body["data"]["type"] = "participant-declarations"
    assert validate_request("POST", DECLARATIONS, AUTH, body) == [
        "request body data.type: 'participant-declarations' is not one of ['participant-declaration']"
    ]


def test_a_wrong_json_type_is_named_by_its_path() -> None:
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": "yes"}}}
    assert validate_request("POST", f"http://x/api/v3/npq-applications/{ID}/accept", AUTH, body) == [
        "request body data.attributes.funded_place: 'yes' is not of type 'boolean'"
    ]


def test_a_missing_declaration_type_is_named_by_its_path() -> None:
    body = started()
    del body["data"]["attributes"]["declaration_type"]
    assert validate_request("POST", DECLARATIONS, AUTH, body) == [
        "request body data.attributes.declaration_type: is required but missing"
    ]


def test_an_extra_property_on_a_declaration_is_named_by_its_path() -> None:
    assert validate_request("POST", DECLARATIONS, AUTH, started(evidence_held="training-event-attended")) == [
        "request body data.attributes.evidence_held: is not allowed here"
    ]


def test_a_bad_uuid_is_named_by_its_path() -> None:
    assert validate_request("POST", DECLARATIONS, AUTH, started(participant_id="not-a-uuid")) == [
        "request body data.attributes.participant_id: 'not-a-uuid' is not a 'uuid'"
    ]


def test_a_completed_declaration_without_has_passed_is_told_so_not_about_other_shapes() -> None:
    assert validate_request("POST", DECLARATIONS, AUTH, started(declaration_type="completed")) == [
        "request body data.attributes.has_passed: is required but missing"
    ]


def test_a_request_without_a_token_breaks_the_contract() -> None:
    assert validate_request("GET", "http://x/api/v3/statements", {}) == [
        "header 'Authorization': missing (the document asks for the api_key scheme)"
    ]


def test_paging_filters_and_sort_are_read_as_deep_objects() -> None:
    url = "http://x/api/v3/npq-applications?filter[cohort]=2025&page[page]=2&page[per_page]=5&sort=-updated_at"
    assert validate_request("GET", url, AUTH) == []
    assert validate_request("GET", "http://x/api/v3/npq-applications?sort=name", AUTH) == [
        "query parameter 'sort': 'name' is not one of ['created_at', '-created_at', 'updated_at', '-updated_at']"
    ]


def test_a_path_id_that_is_not_a_uuid_and_an_unknown_path_are_problems() -> None:
    assert validate_request("GET", "http://x/api/v3/statements/42", AUTH) == ["path parameter 'id': '42' is not a 'uuid'"]
    assert validate_request("GET", "http://x/api/v3/nowhere", AUTH) == [
        "PathNotFound: Path not found for http://0.0.0.0:3000/api/v3/nowhere"
    ]


def test_malformed_json_is_a_problem_not_an_exception() -> None:
    problems = validate_request("POST", DECLARATIONS, AUTH, b"{not json")
    assert len(problems) == 1 and "Failed to deserialize" in problems[0]


def test_a_response_with_a_status_the_document_leaves_out_is_a_problem() -> None:
    assert validate_response("GET", "http://x/api/v3/statements", 503, {}, b"{}") == [
        "ResponseNotFound: Unknown response http status: 503"
    ]


def test_a_response_body_is_checked_against_its_schema() -> None:
    body = {"data": [{"id": ID, "type": "statement", "attributes": {"paid": "no"}}]}
    assert validate_response("GET", "http://x/api/v3/statements", 200, {}, body) == [
        "response body data[0].attributes.paid: 'no' is not of type 'boolean'"
    ]


def test_has_passed_is_read_as_the_service_sends_it() -> None:
    body = {
        "data": {
            "id": ID,
            "type": "participant-declaration",
            "attributes": {
                **started(declaration_type="completed")["data"]["attributes"],
                "state": "eligible",
                "updated_at": "2025-10-01T10:00:00Z",
                "has_passed": True,
            },
        }
    }
    assert validate_response("GET", f"{DECLARATIONS}/{ID}", 200, {}, body) == []


def _response_examples() -> list[tuple[tuple[str, str, str, str], str, Any]]:
    found = []
    for path, item in original_document()["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                for media_type, media in response.get("content", {}).items():
                    for name, example in media.get("examples", {}).items():
                        found.append(((method, path, status, name), media_type, example["value"]))
    return found


@pytest.mark.parametrize(("where", "media_type", "body"), _response_examples(), ids=lambda v: str(v)[:60])
def test_every_response_example_in_the_document_validates_or_is_listed_as_broken(
    where: tuple[str, str, str, str], media_type: str, body: Any
) -> None:
    method, path, status, _ = where
    url = "http://x" + path.replace("{id}", ID)
    problems = validate_response(method, url, int(status), {"Content-Type": media_type}, body)
    assert problems == BROKEN_EXAMPLES.get(where, [])


def test_the_document_has_response_examples_to_check() -> None:
    assert len(_response_examples()) == 8


def test_the_quirks_worked_around_are_written_down_in_source_md() -> None:
    source = (DOCUMENT_PATH.parent / "SOURCE.md").read_text(encoding="utf-8")
    for quirk in QUIRKS:
        assert quirk.split(".")[0][:40] in source
