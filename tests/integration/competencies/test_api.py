"""The rubric API: create, try and publish by script, with every problem located."""

from __future__ import annotations

import pytest

from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import load_content

RUBRIC = {
    "key": "chair-meeting",
    "title": "Chair a meeting",
    "model": "faults",
    "fault_limit": 2,
    "criteria": [{"key": "agenda", "title": "Keeps to the agenda"}, {"key": "voice", "title": "Hears the child"}],
    "fault_types": [
        {"key": "speaks-over-pupil", "title": "Speaks over the pupil", "criterion": "voice", "severity": "minor"}
    ],
}


@pytest.fixture
def headers(app, make_person):  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")
    person_id = make_person("script@example.org", Role.DESIGNER)
    with app.app_context():
        return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), 'tests')}"}


def test_a_script_creates_tries_and_publishes_a_rubric(client, headers):
    created = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers)
    assert created.status_code == 201, created.json
    url = created.json["url"]
    evidence = {
        "judgements": [{"criterion": "agenda"}, {"criterion": "voice"}],
        "faults": [{"fault": "speaks-over-pupil", "severity": "serious", "note": "spoke over the pupil twice"}],
    }
    tried = client.post(f"{url}/try", json={"evidence": evidence}, headers=headers).json
    assert tried["outcome"] == "not yet met"
    assert tried["reasons"] == [
        "A serious fault under ‘Hears the child’, ‘Speaks over the pupil’: spoke over the pupil twice. "
        "This fault means not yet met, whatever else went well."
    ]
    # The stored form of the result: reasons as codes, stamped with the rubric and engine.
    assert tried["result"]["reasons"][0]["code"] == "fault_fails"
    assert tried["result"]["rubric"]["key"] == "chair-meeting" and len(tried["result"]["rubric"]["fingerprint"]) == 64
    assert client.post(f"{url}/publish", headers=headers).status_code == 428  # no lock_version: refused
    lock = client.get(url, headers=headers).json["lock_version"]
    published = client.post(f"{url}/publish", json={"lock_version": lock}, headers=headers).json
    assert published["published"] == 1 and published["versions"] == [{"number": 1, "published": True, "in_use": False}]


def test_the_api_and_the_engine_give_the_same_outcome_and_reasons(client, headers):
    from competencies import engine

    url = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers).json["url"]
    evidence = {
        "judgements": [{"criterion": "agenda"}, {"criterion": "voice"}],
        "faults": [{"fault": "speaks-over-pupil"}] * 3,
    }
    tried = client.post(f"{url}/try", json={"evidence": evidence}, headers=headers).json
    rubric = engine.rubric_from_dict(RUBRIC)
    direct = engine.score(rubric, engine.evidence_from_dict(evidence))
    assert tried["outcome"] == direct.outcome.value == "not yet met"
    assert (
        tried["reasons"]
        == list(engine.render_all(direct.reasons, rubric))
        == ["3 minor faults were recorded; no more than 2 are allowed."]
    )


def test_rubric_and_evidence_problems_are_located(client, headers):
    bad = RUBRIC | {
        "fault_limit": -1,
        "criteria": [{"key": "a", "title": "A"}, {"key": "a", "title": "B", "weight": -2}],
    }
    refused = client.post("/api/v1/rubrics", json=bad, headers=headers)
    assert refused.status_code == 400
    # Every problem in one answer, in path order (criteria[1] before criteria[10]).
    assert [e["path"] for e in refused.json["errors"]] == [
        "criteria[0].key",
        "criteria[1].key",
        "criteria[1].weight",
        "fault_limit",
        "fault_types[0].criterion",
    ]
    nan = client.post(
        "/api/v1/rubrics",
        data='{"key": "k", "title": "T", "model": "analytic", "threshold": NaN, '
        '"criteria": [{"key": "a", "title": "A", "levels": [{"value": 1, "label": "x"}, {"value": 2, "label": "y"}]}]}',
        headers=headers | {"Content-Type": "application/json"},
    )
    assert nan.status_code == 400
    url = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers).json["url"]
    unknown = client.post(f"{url}/try", json={"evidence": {"judgements": [{"criterion": "charm"}]}}, headers=headers)
    assert unknown.status_code == 400
    assert unknown.json["errors"] == [
        {"path": "evidence.judgements[0].criterion", "message": "The rubric has no criterion ‘charm’"}
    ]


def test_the_scenario_library_is_listed(client, headers):
    scenarios = client.get("/api/v1/scenarios", headers=headers).json
    assert len(scenarios) == 14 and scenarios[0]["rubric"].startswith("/api/v1/rubrics/")
    assert all(len(s["observers"]) >= 2 and s["sources"] for s in scenarios)


def test_publishing_from_a_stale_view_is_a_409_and_changes_nothing(client, headers):
    url = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers).json["url"]
    lock = client.get(url, headers=headers).json["lock_version"]
    refused = client.post(f"{url}/publish", json={"lock_version": lock + 1}, headers=headers)
    assert refused.status_code == 409
    assert refused.json["errors"] == [
        {
            "path": "lock_version",
            "message": f'This record changed since you read it (its ETag is no longer "{lock + 1}"): read it again, then retry',
        }
    ]
    assert client.get(url, headers=headers).json["lock_version"] == lock
