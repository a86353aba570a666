"""A designer writes, tries, publishes, revises, exports and imports a rubric."""
from __future__ import annotations

import io
import json
import re

import pytest

from competencies.models import Rubric
from core.accounts.roles import Role
from core.extensions import db
from curriculum import catalogue_service
from tests.conftest import csrf_token, post_form


@pytest.fixture
def designer(app, auth, make_person):  # type: ignore[no-untyped-def]
    with app.app_context():
        catalogue_service.load_catalogue()
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")


def _new_rubric(client, **fields) -> str:  # type: ignore[no-untyped-def]
    data = {"title": "Lead a multi-agency meeting", "model": "analytic", "threshold": "60", "fault_limit": "15",
            "module_keys": ["multi-agency-working"]} | fields
    response = post_form(client, "/competencies/rubrics/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


LEVELS = "Absent: not seen\nPartial: seen sometimes\nSecure: seen throughout"


def test_author_try_publish_and_revise_a_rubric(app, client, designer):
    url = _new_rubric(client)
    page = client.get(url).get_data(as_text=True)
    assert "Add at least one criterion" in page and "Publish version" not in page

    assert post_form(client, f"{url}/criteria/new", {"title": "Keeps the child's voice central", "weight": "2",
                                                      "critical_level": "2", "levels": LEVELS}).status_code == 302
    assert post_form(client, f"{url}/criteria/new", {"title": "Agrees actions", "weight": "1", "levels": LEVELS}).status_code == 302
    # (2×1 + 1×3) / (2×3 + 1×3) = 5/9 = 56 % < 60 %, and the voice at 1 < 2.
    tried = post_form(client, url, {"c0": "1", "c1": "3"}).get_data(as_text=True)
    assert "Outcome: not yet met" in tried and "it must reach level 2 (Partial) whatever the total" in tried

    assert client.post(f"{url}/publish", data={"csrf_token": csrf_token(tried)}).status_code == 302
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Lead a multi-agency meeting"))
        assert rubric.draft is None and rubric.published[0].number == 1 and rubric.module_keys == ["multi-agency-working"]
    # A published version cannot be edited; editing starts version 2 and leaves version 1 alone.
    refused = post_form(client, f"{url}/criteria/new", {"title": "Late", "weight": "1", "levels": LEVELS}, form_url=url)
    assert refused.status_code == 200 and "Published versions never change" in refused.get_data(as_text=True)
    client.post(f"{url}/draft", data={"csrf_token": csrf_token(client.get(url).get_data(as_text=True))})
    post_form(client, f"{url}/criteria/1", {"title": "Agrees actions", "weight": "3", "levels": LEVELS})
    with app.app_context():
        rubric = db.session.scalar(db.select(Rubric).where(Rubric.title == "Lead a multi-agency meeting"))
        assert [c["weight"] for c in rubric.versions[0].definition["criteria"]] == [2.0, 1.0]
        assert [c["weight"] for c in rubric.versions[1].definition["criteria"]] == [2.0, 3.0]


def test_a_rubric_can_score_a_library_scenario(app, client, designer):
    from competencies import services

    with app.app_context():
        services.load_library()
    url = _new_rubric(client, scenario_key="annual-review")
    assert "Scores the observed scenario" in client.get(url).get_data(as_text=True)
    scenario = client.get("/competencies/scenarios/annual-review").get_data(as_text=True)
    assert "Designers’ rubrics for this scenario" in scenario and "Lead a multi-agency meeting" in scenario
    refused = post_form(client, "/competencies/rubrics/new", {"title": "X", "model": "analytic", "threshold": "60",
                                                               "fault_limit": "15", "scenario_key": "no-such"})
    assert "Not a valid choice" in refused.get_data(as_text=True)


def test_a_bad_criterion_is_refused_beside_its_field(client, designer):
    url = _new_rubric(client)
    page = post_form(client, f"{url}/criteria/new", {"title": "Voice", "weight": "-1", "critical_level": "7",
                                                      "levels": "Only one: level"}).get_data(as_text=True)
    assert 'href="#weight">Weights cannot be negative' in page
    assert "Give at least two levels, lowest first" in page


def test_an_entrustment_rubric_needs_no_levels_and_checks_its_threshold(client, designer):
    bad = post_form(client, "/competencies/rubrics/new", {"title": "Entrust", "model": "entrustment", "threshold": "9",
                                                          "fault_limit": "15"})
    url = bad.headers["Location"]
    post_form(client, f"{url}/criteria/new", {"title": "Leads the session", "weight": "1"})
    page = client.get(url).get_data(as_text=True)
    assert "Set the unsupervised level between 1 and 5 on the entrustment scale" in page


def test_export_then_import_a_rubric_and_a_bad_file_is_refused_whole(app, client, designer):
    url = _new_rubric(client)
    post_form(client, f"{url}/criteria/new", {"title": "Voice", "weight": "1", "levels": LEVELS})
    exported = client.get(f"{url}/export.json")
    page = client.get("/competencies/rubrics/import").get_data(as_text=True)
    ok = client.post("/competencies/rubrics/import", data={"csrf_token": csrf_token(page),
                                                            "document": (io.BytesIO(exported.data), "r.json")})
    assert ok.status_code == 302
    preview = client.get(ok.headers["Location"]).get_data(as_text=True)
    assert client.post(ok.headers["Location"], data={"csrf_token": csrf_token(preview)}).status_code == 302
    broken = json.loads(exported.data) | {"threshold": 500}
    broken["criteria"][0]["levels"][1]["value"] = 1
    page = client.get("/competencies/rubrics/import").get_data(as_text=True)
    refused = client.post("/competencies/rubrics/import", data={"csrf_token": csrf_token(page),
                                                                 "document": (io.BytesIO(json.dumps(broken).encode()), "r.json")})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Criterion 1 ‘Voice’, level 2 ‘Partial’, value: Levels must rise strictly: 1 follows 1" in text
    assert "(criteria[0].levels[1].value)" in text
    assert "Set the pass mark between 1 and 100 per cent <span class=\"govuk-hint\">(threshold)</span>" in text
    with app.app_context():
        assert db.session.query(Rubric).count() == 2
    assert re.search(r"2 problems in the file", text)
