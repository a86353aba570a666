"""The rules the fuzz row (make verify api-fuzz) found missing from the OpenAPI document, or broken:
each is now stated in /api/v1/openapi.json as the API enforces it, and the API does what it says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assessments.services.submissions import IDEMPOTENCY_KEY_PATTERN
from competencies.engine.signoff import POLICY_LEAST, POLICY_MAX
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.api import ETAG_PATTERN
from core.extensions import db
from tests.conftest import load_content

from .test_api_contract import DOCUMENT, SPEC_URL


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return client.get(SPEC_URL).json


@pytest.fixture
def headers(app, make_person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")
    person_id = make_person("documented@example.org", Role.DESIGNER)
    with app.app_context():
        return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), 'documented')}"}


def test_the_document_states_each_sign_off_parts_range_as_the_engine_enforces_it(spec):
    parts = spec["components"]["schemas"]["SignOffPolicy"]["properties"]
    assert parts["min_met"]["minimum"] == 1 and parts["min_met"]["maximum"] == 1000
    for name, least in POLICY_LEAST.items():
        assert (parts[name]["minimum"], parts[name]["maximum"]) == (least, POLICY_MAX)


def test_the_document_says_x_pagination_is_json_text_as_it_is_sent(spec, client, headers):
    documented = spec["paths"]["/api/v1/cohorts"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert documented["schema"] == {"type": "string"}
    sent = client.get("/api/v1/cohorts", headers=headers).headers["X-Pagination"]
    assert isinstance(sent, str) and json.loads(sent)["total"] == 0


@pytest.mark.parametrize("value", ["null", "ture", "1", ""])
def test_a_dry_run_that_is_not_true_or_false_is_refused_at_dry_run_and_nothing_is_saved(client, headers, value):
    response = client.post(f"/api/v1/programmes?dry_run={value}", json=DOCUMENT, headers=headers)
    assert response.status_code == 400
    assert response.json["errors"] == [{"path": "dry_run", "message": "Send dry_run once, as true or false"}]
    assert client.get("/api/v1/programmes", headers=headers).json == []


def test_dry_run_sent_twice_is_refused_even_when_both_say_true(client, headers):
    response = client.post("/api/v1/programmes?dry_run=true&dry_run=true", json=DOCUMENT, headers=headers)
    assert response.status_code == 400 and response.json["errors"][0]["path"] == "dry_run"


def test_dry_run_false_saves_and_dry_run_true_only_previews(client, headers):
    preview = client.post("/api/v1/programmes?dry_run=true", json=DOCUMENT, headers=headers)
    assert preview.status_code == 200 and preview.json["dry_run"] is True
    assert client.get("/api/v1/programmes", headers=headers).json == []
    assert client.post("/api/v1/programmes?dry_run=false", json=DOCUMENT, headers=headers).status_code == 201
    assert len(client.get("/api/v1/programmes", headers=headers).json) == 1


def test_the_register_takes_a_cohort_id_from_the_query_string(client, headers):
    # A query string is text: cohort_id=1 was once refused as "Not a valid integer".
    response = client.get("/api/v1/register?cohort_id=1&completed_only=true", headers=headers)
    assert response.status_code == 200 and response.json == []
    refused = client.get("/api/v1/register?cohort_id=one", headers=headers)
    assert refused.status_code == 400 and refused.json["errors"][0]["path"] == "cohort_id"


def test_the_document_states_what_if_match_an_idempotency_key_and_a_reason_may_hold(spec):
    patch = spec["paths"]["/api/v1/enrolments/{enrolment_id}"]["patch"]
    if_match = next(p for p in patch["parameters"] if p["name"] == "If-Match")
    assert if_match["schema"]["pattern"] == ETAG_PATTERN
    schemas = spec["components"]["schemas"]
    assert schemas["ObservationIn"]["properties"]["idempotency_key"]["pattern"] == IDEMPOTENCY_KEY_PATTERN
    assert schemas["DeclineIn"]["properties"]["reason"]["pattern"] == r"\s*\S"
    assert schemas["Try"]["properties"]["evidence"]["additionalProperties"] is False


@pytest.mark.parametrize("tag", ["²", '"1²"', "*", '"1" "2"'])
def test_an_if_match_that_is_not_an_etag_is_a_located_400_never_a_server_error(client, headers, tag):
    created = client.post("/api/v1/programmes", json=DOCUMENT, headers=headers).json
    response = client.post(f"/api/v1/programmes/{created['id']}/publish", headers=headers | {"If-Match": tag})
    assert response.status_code == 400 and response.json["errors"][0]["path"] == "If-Match"


def test_a_weak_or_bare_etag_in_if_match_is_read_as_the_same_number(client, headers):
    created = client.post("/api/v1/programmes", json=DOCUMENT, headers=headers).json
    url = f"/api/v1/programmes/{created['id']}/draft/modules"
    body = {"catalogue_key": "send-law-foundations"}
    stale = client.post(url, json=body, headers=headers | {"If-Match": 'W/"99"'})
    assert stale.status_code == 412
    added = client.post(url, json=body, headers=headers | {"If-Match": str(created["lock_version"])})
    assert added.status_code == 201 and added.json["lock_version"] == created["lock_version"] + 1


def test_a_cohort_with_sign_off_null_is_refused_at_sign_off_as_the_document_says(spec, client, headers):
    assert "nullable" not in json.dumps(spec["components"]["schemas"]["CohortIn"]["properties"]["sign_off"])
    response = client.post(
        "/api/v1/cohorts", json={"name": "C", "programme_version_id": 1, "sign_off": None}, headers=headers
    )
    assert response.status_code == 400 and response.json["errors"][0]["path"] == "sign_off"


def test_the_document_says_a_change_may_send_no_body_and_a_setting_needs_words(spec):
    for path in ("/api/v1/enrolments/{enrolment_id}", "/api/v1/observations/{observation_id}"):
        assert spec["paths"][path]["patch"]["requestBody"].get("required", False) is False
    schemas = spec["components"]["schemas"]
    assert schemas["ObservationIn"]["properties"]["setting"]["pattern"] == r"\s*\S"
    assert schemas["Try"]["properties"]["evidence"]["properties"]["faults"]["nullable"] is True


def test_an_id_no_id_column_can_hold_is_a_located_400_on_every_database(client, headers):
    # On PostgreSQL such an id once reached the database and answered 500.
    body = {"trainee_id": 2**31, "mentor_ids": [2**40]}
    response = client.post("/api/v1/cohorts/1/enrolments", json=body, headers=headers)
    assert response.status_code == 400
    assert {e["path"] for e in response.json["errors"]} == {"trainee_id", "mentor_ids[0]"}
    cohort = client.post("/api/v1/cohorts", json={"name": "C", "programme_version_id": 2**31}, headers=headers)
    assert cohort.status_code == 400 and cohort.json["errors"][0]["path"] == "programme_version_id"


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_head_teacher_takes_only_true_or_false_as_documented(client, headers, value):
    body = {"trainee_id": 1, "mentor_ids": [1], "head_teacher": value}
    response = client.post("/api/v1/cohorts/1/enrolments", json=body, headers=headers)
    assert response.status_code == 400 and [e["path"] for e in response.json["errors"]] == ["head_teacher"]


def test_a_module_not_in_the_draft_is_not_found_and_hours_have_their_documented_range(spec, client, headers):
    hours = spec["components"]["schemas"]["ModuleChanges"]["properties"]["hours"]
    assert (hours["minimum"], hours["maximum"]) == (1, 1000)
    created = client.post("/api/v1/programmes", json=DOCUMENT, headers=headers).json
    url = f"/api/v1/programmes/{created['id']}/draft/modules/no-such-module"
    lock = {"lock_version": created["lock_version"]}
    assert client.patch(url, json={"hours": 5, **lock}, headers=headers).status_code == 404
    assert client.delete(f"{url}?lock_version={created['lock_version']}", headers=headers).status_code == 404
