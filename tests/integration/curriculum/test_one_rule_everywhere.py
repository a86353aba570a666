"""Each rule has one home: the same bad value through a form, a file import and the API gets the
same message, located where it is. Hostile input is a located 4xx, never a 500, never half-saved."""

from __future__ import annotations

import io
import json
import re

import pytest

from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from curriculum.models import Programme, ProgrammeModule
from tests.conftest import csrf_token, load_content, post_form

HOURS = "Enter hours as a whole number between 1 and 1,000"
WEEKS = "Enter a length between 1 and 260 weeks"
KEY = "Use 1 to 80 lower-case letters, digits and hyphens"
NEW = {"name": "SENCO 2025", "provider": "North Trust", "cohort_start": ["1", "9", "2025"], "length_weeks": "78"}


@pytest.fixture
def token(app, auth, make_person):  # type: ignore[no-untyped-def]
    """A designer signed in to the pages, with an API token too."""
    load_content(app, "Catalogue")
    person_id = make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    with app.app_context():
        return api_tokens.issue_token(db.session.get(User, person_id), "tests")


def _api(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _locked(client, api_id: str, token: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The API headers with the draft's ETag as If-Match, as a script that read the draft sends."""
    etag = client.get(f"/api/v1/programmes/{api_id}", headers=_api(token)).headers["ETag"]
    return _api(token) | {"If-Match": etag}


def _document(**module: object) -> dict[str, object]:
    return {
        "schema_version": 1,
        "programme": {"name": "File", "provider": "Trust", "cohort_start": "2025-09-01", "length_weeks": 78},
        "modules": [{"key": "ehc-needs", "title": "EHC needs assessments", "hours": 6, **module}],
    }


def _upload(client, document: dict[str, object] | bytes) -> str:  # type: ignore[no-untyped-def]
    raw = document if isinstance(document, bytes) else json.dumps(document).encode()
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    response = client.post(
        "/curriculum/programmes/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(raw), "programme.json")},
    )
    assert response.status_code == 400
    return response.get_data(as_text=True)


def _programme_with_module(client) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    created = post_form(client, "/curriculum/programmes/new", NEW)
    url = created.headers["Location"]
    page = client.get(f"{url}/add-modules").get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    client.post(
        f"{url}/modules",
        data={"csrf_token": csrf_token(page), "lock_version": lock, "catalogue_key": "send-law-foundations"},
    )
    return url, "send-law-foundations"


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.query(model).count()


def test_hours_out_of_range_get_the_same_message_from_form_import_and_api(app, client, token):
    url, key = _programme_with_module(client)
    form = post_form(client, f"{url}/modules/{key}", {"hours": "5000"})
    assert HOURS in form.get_data(as_text=True)
    assert f"Module 1 ‘EHC needs assessments’, hours: {HOURS}" in _upload(client, _document(hours=5000))
    api_id = url.rsplit("/", 1)[1]
    patched = client.patch(
        f"/api/v1/programmes/{api_id}/draft/modules/{key}", json={"hours": 5000}, headers=_locked(client, api_id, token)
    )
    assert patched.status_code == 400 and patched.json["errors"] == [{"path": "hours", "message": HOURS}]
    imported = client.post("/api/v1/programmes", json=_document(hours=5000), headers=_api(token))
    assert imported.json["errors"] == [
        {"path": "modules[0].hours", "message": f"Module 1 ‘EHC needs assessments’, hours: {HOURS}"}
    ]
    with app.app_context():
        assert db.session.query(ProgrammeModule).one().hours == 6


def test_a_length_in_weeks_out_of_range_gets_the_same_message_from_form_import_and_api(app, client, token):
    form = post_form(client, "/curriculum/programmes/new", {**NEW, "length_weeks": "300"})
    assert WEEKS in form.get_data(as_text=True)
    document = _document() | {
        "programme": {"name": "F", "provider": "T", "cohort_start": "2025-09-01", "length_weeks": 300}
    }
    assert WEEKS in _upload(client, document)
    imported = client.post("/api/v1/programmes", json=document, headers=_api(token))
    assert imported.json["errors"] == [{"path": "programme.length_weeks", "message": WEEKS}]
    assert _count(app, Programme) == 0


def test_a_title_longer_than_its_column_gets_the_same_message_from_form_import_and_api(app, client, token):
    url, _ = _programme_with_module(client)
    form = post_form(client, f"{url}/modules/new", {"title": "T" * 201, "hours": "3"})
    message = "Title must be 200 characters or fewer"
    assert message in form.get_data(as_text=True)
    located = f"Module 1 ‘{'T' * 39}…’, title: {message}"
    assert located in _upload(client, _document(title="T" * 201))
    imported = client.post("/api/v1/programmes", json=_document(title="T" * 201), headers=_api(token))
    assert imported.json["errors"] == [{"path": "modules[0].title", "message": located}]


def test_a_long_key_is_refused_with_a_message_not_cut(app, client, token):
    assert KEY in _upload(client, _document(key="k" * 81))
    imported = client.post("/api/v1/programmes", json=_document(key="k" * 81), headers=_api(token))
    assert imported.status_code == 400 and imported.json["errors"][0]["path"] == "modules[0].key"
    assert _count(app, Programme) == 0


def test_a_prerequisite_loop_is_located_at_prerequisites_in_the_api_and_on_the_field_in_the_form(app, client, token):
    url, first = _programme_with_module(client)
    page = client.get(f"{url}/add-modules").get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    client.post(
        f"{url}/modules", data={"csrf_token": csrf_token(page), "lock_version": lock, "catalogue_key": "advocacy"}
    )
    api_id = url.rsplit("/", 1)[1]
    assert (
        client.patch(
            f"/api/v1/programmes/{api_id}/draft/modules/advocacy",
            json={"hours": 4, "prerequisites": [first]},
            headers=_locked(client, api_id, token),
        ).status_code
        == 200
    )
    looped = client.patch(
        f"/api/v1/programmes/{api_id}/draft/modules/{first}",
        json={"hours": 4, "prerequisites": ["advocacy"]},
        headers=_locked(client, api_id, token),
    )
    assert looped.status_code == 400
    [error] = looped.json["errors"]
    assert error["path"] == "prerequisites" and error["message"].startswith("These prerequisites would make a loop")
    form = post_form(client, f"{url}/modules/{first}", {"hours": "4", "prerequisite_keys": ["advocacy"]})
    text = form.get_data(as_text=True)
    assert 'href="#prerequisite_keys"' in text and "These prerequisites would make a loop" in text


@pytest.mark.parametrize("parts", [[], ["1", "9"], ["1", "9", "2025", "7"], ["1", "²", "2025"], ["31", "2", "2025"]])
def test_a_cohort_date_with_the_wrong_parts_is_a_field_error(app, client, token, parts):
    response = post_form(client, "/curriculum/programmes/new", {**NEW, "cohort_start": parts})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Cohort start date must be a real date" in text or "Enter the cohort start date" in text
    assert _count(app, Programme) == 0


@pytest.mark.parametrize("hours", ["²", "1e400", "9" * 5000, "NaN", "4.5", "-"])
def test_hours_that_are_not_a_whole_number_are_a_field_error(app, client, token, hours):
    url, key = _programme_with_module(client)
    response = post_form(client, f"{url}/modules/{key}", {"hours": hours})
    assert response.status_code == 200 and "Enter hours as a whole number, like 6" in response.get_data(as_text=True)


@pytest.mark.parametrize("label", ["²", "١", "9" * 5000, "-1"])
def test_an_odd_version_label_is_not_found_never_a_500(client, token, label):
    url, _ = _programme_with_module(client)
    api_id = url.rsplit("/", 1)[1]
    assert client.get(f"{url}/compare", query_string={"from": label, "to": "draft"}).status_code == 404
    assert client.get(f"{url}/export.json", query_string={"version": label}).status_code == 404
    assert client.get(f"/api/v1/programmes/{api_id}/versions/{label}", headers=_api(token)).status_code == 404


@pytest.mark.parametrize("name", ["North\x00Trust", "North \ud800 Trust"])
def test_text_no_database_can_store_is_a_field_error(app, client, token, name):
    page = client.get("/curriculum/programmes/new").get_data(as_text=True)
    body = {"csrf_token": csrf_token(page), **NEW, "name": name}
    encoded = "&".join(
        f"{k}={_quote(v)}" for k, values in body.items() for v in (values if isinstance(values, list) else [values])
    )
    response = client.post(
        "/curriculum/programmes/new",
        data=encoded.encode("utf-8", "surrogatepass"),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "cannot be saved" in response.get_data(as_text=True)
    with app.app_context():
        assert all(
            "\x00" not in p.name and "\ud800" not in p.name
            for p in db.session.query(Programme).all()
            for p in p.versions
        )


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def test_over_long_texts_are_field_errors_in_each_form(app, client, token):
    too_long = post_form(client, "/curriculum/programmes/new", {**NEW, "name": "N" * 121, "provider": "P" * 121})
    text = too_long.get_data(as_text=True)
    assert (
        "Programme name must be 120 characters or fewer" in text and "Provider must be 120 characters or fewer" in text
    )
    url, key = _programme_with_module(client)
    block = post_form(client, f"{url}/modules/{key}", {"hours": "3", "block": "B" * 121})
    assert "Term or block must be 120 characters or fewer" in block.get_data(as_text=True)
    own = post_form(
        client,
        f"{url}/modules/new",
        {
            "title": "Own",
            "hours": "3",
            "summary": "S" * 4001,
            "outcomes": "Learn that " + "x" * 2000,
            "sources": "s" * 501,
        },
    )
    text = own.get_data(as_text=True)
    assert "Summary must be 4,000 characters or fewer" in text
    assert (
        "Line 1: Outcome must be 2,000 characters or fewer" in text
        and "Line 1: Source must be 500 characters or fewer" in text
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[1, 2]", "Send a JSON object ({…}), not an array"),  # the upload speaks of a file instead
        ('{"schema_version": 1}'.encode("utf-16"), "The file is UTF-16 text"),
        (b'{"schema_version": 1, "schema_version": 1}', "This key appears more than once"),
        (b"[" * 100_000, "The file nests lists and objects more than 64 deep"),
        (b'{"schema_version": 1e400}', "This number is too large"),
    ],
)
def test_the_api_refuses_what_the_web_upload_refuses(app, client, token, body, message):
    api = client.post("/api/v1/programmes", data=body, content_type="application/json", headers=_api(token))
    assert api.status_code == 400 and api.json["errors"][0]["message"].startswith(message)
    upload_message = "The file must hold one JSON object" if body == b"[1, 2]" else message
    assert upload_message in _upload(client, body)
    assert _count(app, Programme) == 0


def test_a_dry_run_previews_without_saving(app, client, token):
    response = client.post("/api/v1/programmes?dry_run=true", json=_document(), headers=_api(token))
    assert response.status_code == 200 and response.json["dry_run"] is True
    assert {"label": "Modules", "value": "1 module, 6 hours in all"} in response.json["preview"]
    assert _count(app, Programme) == 0
