"""The rules the fuzz row (make verify api-fuzz) found missing from the OpenAPI document, or broken:
each is now stated in /api/v1/openapi.json as the API enforces it, and the API does what it says."""

from __future__ import annotations

import json
from typing import Any

import pytest

from competencies.engine.signoff import POLICY_LEAST, POLICY_MAX
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
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
        return {"Authorization": f"Bearer {accounts.issue_token(db.session.get(User, person_id), 'documented')}"}


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
