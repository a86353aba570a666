"""The JSON API: bearer tokens by role, the same rules as the pages, located JSON errors."""

from __future__ import annotations

import pytest

from core.accounts import api_tokens
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import load_content

DOCUMENT = {
    "schema_version": 1,
    "programme": {"name": "Scripted", "provider": "API Trust", "cohort_start": "2026-01-05", "length_weeks": 52},
    "modules": [],
}


@pytest.fixture
def token(app, make_person):  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue")
    person_id = make_person("script@example.org", Role.DESIGNER)
    with app.app_context():
        return api_tokens.issue_token(db.session.get(User, person_id), "tests")


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_no_token_or_a_wrong_one_gets_401_json(client, token):
    for headers in ({}, _headers("wrong"), {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/programmes", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json["errors"][0]["message"].startswith("Send a valid API token")


def test_a_session_cookie_alone_does_not_open_the_api(client, auth, make_person, token):
    make_person("browser@example.org", Role.DESIGNER)
    auth.sign_in("browser@example.org")
    assert client.get("/api/v1/programmes").status_code == 401


def test_another_roles_token_gets_403(app, client, make_person):
    person_id = make_person("mentor@example.org", Role.MENTOR)
    with app.app_context():
        mentor_token = api_tokens.issue_token(db.session.get(User, person_id), "x")
    assert client.get("/api/v1/programmes", headers=_headers(mentor_token)).status_code == 403


def test_a_deactivated_persons_token_stops_working(app, client, token):
    with app.app_context():
        accounts.set_active(None, accounts.find_by_email("script@example.org"), False)
    assert client.get("/api/v1/programmes", headers=_headers(token)).status_code == 401


def test_a_script_creates_composes_publishes_and_compares(client, token):
    created = client.post("/api/v1/programmes", json=DOCUMENT, headers=_headers(token))
    assert created.status_code == 201, created.json
    programme = created.json
    url, lock = programme["url"], programme["lock_version"]
    for key in ("send-law-foundations", "cohort-data-analysis"):
        response = client.post(
            f"{url}/draft/modules", json={"catalogue_key": key, "lock_version": lock}, headers=_headers(token)
        )
        assert response.status_code == 201, response.json
        lock = response.json["lock_version"]
    changed = client.patch(
        f"{url}/draft/modules/cohort-data-analysis", json={"hours": 12, "lock_version": lock}, headers=_headers(token)
    )
    assert changed.status_code == 200, changed.json

    analysis = client.get(f"{url}/analysis", headers=_headers(token)).json
    assert analysis["total_hours"] == 6 + 12
    assert analysis["length_weeks"] == 52

    published = client.post(
        f"{url}/publish", json={"lock_version": changed.json["lock_version"]}, headers=_headers(token)
    )
    assert published.json["published"] == 1
    draft = client.post(f"{url}/draft", headers=_headers(token))
    tag = draft.headers["ETag"]
    removed = client.delete(f"{url}/draft/modules/cohort-data-analysis", headers=_headers(token) | {"If-Match": tag})
    assert removed.status_code == 200, removed.json
    republished = client.post(f"{url}/publish", headers=_headers(token) | {"If-Match": removed.headers["ETag"]})
    assert republished.status_code == 200, republished.json
    changes = client.get(f"{url}/compare?from=1&to=2", headers=_headers(token)).json
    assert changes["removed"] == ["Analysing cohort data"]
    assert client.get(f"{url}/versions/2", headers=_headers(token)).json["version"]["number"] == 2


def test_api_errors_are_json_and_name_the_path(client, token):
    bad = {**DOCUMENT, "modules": [{"key": "x", "title": "X", "hours": 0}]}
    response = client.post("/api/v1/programmes", json=bad, headers=_headers(token))
    assert response.status_code == 400
    assert response.json == {
        "errors": [
            {
                "path": "modules[0].hours",
                "message": "Module 1 ‘X’, hours: Enter hours as a whole number between 1 and 1,000",
            }
        ]
    }
    url = client.post("/api/v1/programmes", json=DOCUMENT, headers=_headers(token)).json["url"]
    refused = client.post(f"{url}/publish", json={"lock_version": 1}, headers=_headers(token))
    assert (
        refused.status_code == 400
        and refused.json["errors"][0]["message"] == "Add at least one module before publishing"
    )
    wrong_type = client.patch(f"{url}/draft/modules/nope", json={"hours": "many"}, headers=_headers(token))
    assert wrong_type.json["errors"] == [{"path": "hours", "message": "Not a valid integer."}]
    assert client.get("/api/v1/programmes/99999", headers=_headers(token)).status_code == 404


def test_a_stale_lock_version_gets_409(client, token):
    url = client.post("/api/v1/programmes", json=DOCUMENT, headers=_headers(token)).json["url"]
    first = client.post(
        f"{url}/draft/modules", json={"catalogue_key": "advocacy", "lock_version": 1}, headers=_headers(token)
    ).json
    stale = first["lock_version"] - 1
    response = client.patch(
        f"{url}/draft/modules/advocacy", json={"hours": 5, "lock_version": stale}, headers=_headers(token)
    )
    assert response.status_code == 409
    assert response.json["errors"] == [
        {
            "path": "lock_version",
            "message": f'This record changed since you read it (its ETag is no longer "{stale}"): read it again, then retry',
        }
    ]
