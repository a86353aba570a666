"""The rubric API: create, try and publish by script, with every problem located."""
from __future__ import annotations

import pytest

from competencies import services
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from curriculum import catalogue_service

RUBRIC = {
    "key": "chair-meeting", "title": "Chair a meeting", "model": "faults", "fault_limit": 2,
    "criteria": [{"key": "agenda", "title": "Keeps to the agenda"}, {"key": "voice", "title": "Hears the child"}],
}


@pytest.fixture
def headers(app, make_person):  # type: ignore[no-untyped-def]
    person_id = make_person("script@example.org", Role.DESIGNER)
    with app.app_context():
        catalogue_service.load_catalogue()
        services.load_library()
        return {"Authorization": f"Bearer {accounts.issue_token(db.session.get(User, person_id), 'tests')}"}


def test_a_script_creates_tries_and_publishes_a_rubric(client, headers):
    created = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers)
    assert created.status_code == 201, created.json
    url = created.json["url"]
    evidence = {"judgements": [{"criterion": "agenda"}, {"criterion": "voice"}],
                "faults": [{"criterion": "voice", "severity": "serious", "note": "spoke over the pupil"}]}
    tried = client.post(f"{url}/try", json={"evidence": evidence}, headers=headers).json
    assert tried["outcome"] == "not yet met"
    assert tried["reasons"] == ["A serious fault under ‘Hears the child’: spoke over the pupil. "
                                "Any serious or dangerous fault means not yet met, whatever else went well."]
    published = client.post(f"{url}/publish", headers=headers | {"If-Match": created.headers["ETag"]}).json
    assert published["published"] == 1 and published["versions"] == [{"number": 1, "published": True, "in_use": False}]


def test_rubric_and_evidence_problems_are_located(client, headers):
    bad = RUBRIC | {"fault_limit": -1, "criteria": [{"key": "a", "title": "A"}, {"key": "a", "title": "B", "weight": -2}]}
    refused = client.post("/api/v1/rubrics", json=bad, headers=headers)
    assert refused.status_code == 400
    assert [e["path"] for e in refused.json["errors"]] == ["criteria[0].key", "criteria[1].key", "criteria[1].weight", "fault_limit"]
    url = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers).json["url"]
    unknown = client.post(f"{url}/try", json={"evidence": {"judgements": [{"criterion": "charm"}]}}, headers=headers)
    assert unknown.status_code == 400
    assert unknown.json["errors"] == [{"path": "evidence.judgements[0].criterion", "message": "The rubric has no criterion ‘charm’"}]


def test_the_scenario_library_is_listed(client, headers):
    scenarios = client.get("/api/v1/scenarios", headers=headers).json
    assert len(scenarios) == 8 and scenarios[0]["rubric"].startswith("/api/v1/rubrics/")
