"""The API's transport rules: locks on every change, ETags, strict bodies, JSON errors only."""

from __future__ import annotations

import json

import pytest

from competencies.services import authoring
from core.access import public
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import load_content

DOCUMENT = {
    "schema_version": 1,
    "programme": {"name": "Rules", "provider": "Lock Trust", "cohort_start": "2026-01-05", "length_weeks": 52},
    "modules": [],
}
RUBRIC = {
    "key": "chair",
    "title": "Chair a meeting",
    "model": "faults",
    "fault_limit": 2,
    "criteria": [{"key": "agenda", "title": "Keeps to the agenda"}],
    "fault_types": [{"key": "off-agenda", "title": "Leaves the agenda", "criterion": "agenda", "severity": "minor"}],
}


@pytest.fixture
def headers(app, make_person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue")
    person_id = make_person("rules@example.org", Role.DESIGNER)
    with app.app_context():
        return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), 'rules')}"}


@pytest.fixture
def programme(client, headers) -> dict:  # type: ignore[type-arg, no-untyped-def]
    """A programme whose draft holds the SEND law module."""
    created = client.post("/api/v1/programmes", json=DOCUMENT, headers=headers).json
    added = client.post(
        f"{created['url']}/draft/modules",
        json={"catalogue_key": "send-law-foundations", "lock_version": created["lock_version"]},
        headers=headers,
    )
    assert added.status_code == 201, added.json
    return added.json


def test_every_change_to_a_draft_without_a_lock_is_refused_with_428_and_nothing_changes(client, headers, programme):
    url = programme["url"]
    attempts = [
        client.post(f"{url}/draft/modules", json={"catalogue_key": "advocacy"}, headers=headers),
        client.patch(f"{url}/draft/modules/send-law-foundations", json={"hours": 9}, headers=headers),
        client.delete(f"{url}/draft/modules/send-law-foundations", headers=headers),
        client.post(f"{url}/publish", headers=headers),
    ]
    for response in attempts:
        assert response.status_code == 428, response.json
        assert response.json["errors"] == [
            {
                "path": "lock_version",
                "message": "Send the draft's lock_version (or its ETag in If-Match) so that a change made by "
                "someone else since you read it is not overwritten",
            }
        ]
    after = client.get(url, headers=headers)
    assert after.json["lock_version"] == programme["lock_version"]
    assert [m["key"] for m in after.json["document"]["modules"]] == ["send-law-foundations"]
    assert after.json["published_versions"] == []


def test_the_drafts_etag_is_its_lock_version_and_if_match_carries_it_back(client, headers, programme):
    url = programme["url"]
    read = client.get(url, headers=headers)
    assert read.headers["ETag"] == f'"{programme["lock_version"]}"'
    assert client.get(f"{url}/versions/draft", headers=headers).headers["ETag"] == read.headers["ETag"]
    changed = client.patch(
        f"{url}/draft/modules/send-law-foundations",
        json={"hours": 9},
        headers=headers | {"If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.json
    assert changed.headers["ETag"] == f'"{changed.json["lock_version"]}"' != read.headers["ETag"]


def _changed_since(lock: int) -> str:
    return f'This record changed since you read it (its ETag is no longer "{lock}"): read it again, then retry'


def test_a_stale_if_match_is_412_at_the_header_and_a_stale_lock_version_409_at_the_field(client, headers, programme):
    url = programme["url"]
    before = client.get(url, headers=headers).json
    stale = programme["lock_version"] - 1
    by_header = client.patch(
        f"{url}/draft/modules/send-law-foundations", json={"hours": 9}, headers=headers | {"If-Match": f'"{stale}"'}
    )
    assert by_header.status_code == 412
    assert by_header.json["errors"] == [{"path": "If-Match", "message": _changed_since(stale)}]
    by_body = client.patch(
        f"{url}/draft/modules/send-law-foundations", json={"hours": 9, "lock_version": stale}, headers=headers
    )
    assert by_body.status_code == 409
    assert by_body.json["errors"] == [{"path": "lock_version", "message": _changed_since(stale)}]
    by_query = client.delete(f"{url}/draft/modules/send-law-foundations?lock_version={stale}", headers=headers)
    assert by_query.status_code == 409 and by_query.json["errors"][0]["path"] == "lock_version"
    assert client.get(url, headers=headers).json == before


def test_a_rubric_publish_answers_a_stale_if_match_412_a_stale_lock_version_409_and_none_428(client, headers):
    created = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers)
    url, lock = created.json["url"], created.json["lock_version"]
    stale = client.post(f"{url}/publish", headers=headers | {"If-Match": f'"{lock + 1}"'})
    assert stale.status_code == 412
    assert stale.json["errors"] == [{"path": "If-Match", "message": _changed_since(lock + 1)}]
    stale_body = client.post(f"{url}/publish", json={"lock_version": lock + 1}, headers=headers)
    assert stale_body.status_code == 409
    assert stale_body.json["errors"] == [{"path": "lock_version", "message": _changed_since(lock + 1)}]
    assert client.post(f"{url}/publish", headers=headers).status_code == 428
    after = client.get(url, headers=headers)
    assert after.json["lock_version"] == lock and after.headers["ETag"] == f'"{lock}"'
    assert [v["published"] for v in after.json["versions"]] == [False]


def test_if_match_and_lock_version_that_disagree_or_a_malformed_tag_are_located_400s(client, headers, programme):
    url = f"{programme['url']}/draft/modules/send-law-foundations"
    lock = programme["lock_version"]
    disagree = client.patch(
        url, json={"hours": 9, "lock_version": lock}, headers=headers | {"If-Match": f'"{lock + 1}"'}
    )
    assert disagree.status_code == 400 and disagree.json["errors"][0]["path"] == "lock_version"
    malformed = client.patch(url, json={"hours": 9}, headers=headers | {"If-Match": "*"})
    assert malformed.status_code == 400 and malformed.json["errors"][0]["path"] == "If-Match"


def test_a_rubric_publish_needs_the_drafts_lock_and_refuses_a_stale_one(app, client, headers):
    created = client.post("/api/v1/rubrics", json=RUBRIC, headers=headers)
    url, lock = created.json["url"], created.json["lock_version"]
    assert created.headers["ETag"] == f'"{lock}"'
    assert client.post(f"{url}/publish", headers=headers).status_code == 428
    with app.app_context():  # someone else adds a criterion on the page meanwhile
        authoring.add_criterion(created.json["id"], lock, authoring.CriterionInput(title="Hears the child"))
    stale = client.post(f"{url}/publish", json={"lock_version": lock}, headers=headers)
    assert stale.status_code == 409 and stale.json["errors"] == [
        {"path": "lock_version", "message": _changed_since(lock)}
    ]
    fresh = client.get(url, headers=headers)
    published = client.post(f"{url}/publish", headers=headers | {"If-Match": fresh.headers["ETag"]})
    assert published.status_code == 200 and published.json["published"] == 1
    assert published.json["lock_version"] is None and "ETag" not in published.headers


@pytest.mark.parametrize(
    "body, content_type, path, message",
    [
        ("[]", "application/json", "", "Send a JSON object ({…}), not an array or a single value"),
        ('[{"schema_version": 1}]', "application/json", "", "Send a JSON object ({…}), not an array or a single value"),
        ('"text"', "application/json", "", "Send a JSON object ({…}), not an array or a single value"),
        ("", "application/json", "", "Send a JSON body with Content-Type: application/json"),
        (json.dumps(DOCUMENT), "text/plain", "", "Send a JSON body with Content-Type: application/json"),
        ('{"schema_version": 1, "schema_version": 1}', "application/json", "schema_version", None),
    ],
)
def test_a_programme_body_that_is_not_one_json_object_is_a_located_400(
    client, headers, body, content_type, path, message
):
    response = client.post("/api/v1/programmes", data=body, content_type=content_type, headers=headers)
    assert response.status_code == 400
    assert response.json["errors"][0]["path"] == path
    if message:
        assert response.json["errors"][0]["message"] == message
    assert client.get("/api/v1/programmes", headers=headers).json == []


def test_utf16_bodies_are_refused_by_every_body_taking_call(client, headers, programme):
    utf16 = json.dumps(DOCUMENT).encode("utf-16")
    for url in ("/api/v1/programmes", "/api/v1/rubrics", f"{programme['url']}/draft/modules"):
        response = client.post(url, data=utf16, content_type="application/json; charset=utf-16", headers=headers)
        assert response.status_code == 400, url
        assert "UTF-8" in response.json["errors"][0]["message"]


def test_a_repeated_key_in_a_small_body_is_refused_with_its_path(client, headers, programme):
    body = f'{{"hours": 3, "hours": 900, "lock_version": {programme["lock_version"]}}}'
    response = client.patch(
        f"{programme['url']}/draft/modules/send-law-foundations",
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json["errors"][0]["path"] == "hours"


def test_unknown_addresses_and_wrong_methods_under_the_api_answer_json_not_the_html_page(client, headers):
    unknown = client.get("/api/v1/no-such-thing", headers=headers)
    assert unknown.status_code == 404 and unknown.is_json and list(unknown.json) == ["errors"]
    wrong_method = client.put("/api/v1/programmes", headers=headers)
    assert wrong_method.status_code == 405 and wrong_method.is_json
    assert set(wrong_method.headers["Allow"].split(", ")) >= {"GET", "POST"}
    # An unknown address without a token is still JSON, as a script would expect.
    assert client.get("/api/v1/nothing").is_json


def test_a_body_over_the_size_limit_is_a_json_413(app, client, headers):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    body = "{" + " " * 1024 * 1024 + "}"
    response = client.post("/api/v1/programmes", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 413
    assert response.json == {"errors": [{"path": "", "message": "The body is too large: send less than 1 MB"}]}


def test_a_server_error_under_the_api_is_json(app, client):
    def explode() -> None:
        raise RuntimeError("a bug")

    app.add_url_rule("/api/v1/explode", "explode_api", public(explode))
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    api_answer = client.get("/api/v1/explode")
    assert api_answer.status_code == 500 and api_answer.is_json
    assert api_answer.json["errors"][0]["message"].startswith("Something went wrong on the server")


def test_answers_to_a_token_are_never_cached(client, headers):
    for response in (client.get("/api/v1/programmes", headers=headers), client.get("/api/v1/programmes")):
        assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_prerequisite_is_located_at_the_field_the_body_names(client, headers, programme):
    response = client.patch(
        f"{programme['url']}/draft/modules/send-law-foundations",
        json={"hours": 6, "prerequisites": ["nowhere"], "lock_version": programme["lock_version"]},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json["errors"] == [
        {"path": "prerequisites", "message": "Choose prerequisites from this programme’s modules"}
    ]


def test_an_unknown_field_in_a_body_is_refused_not_ignored(client, headers, programme):
    response = client.patch(
        f"{programme['url']}/draft/modules/send-law-foundations",
        json={"hours": 6, "hrs": 7, "lock_version": programme["lock_version"]},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.json["errors"] == [{"path": "hrs", "message": "Unknown field."}]
