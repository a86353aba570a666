"""Rubric files come in through the one import pipeline: text lengths and keys checked, all or nothing."""

from __future__ import annotations

import io
import json

import pytest

from competencies.models import Rubric
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import csrf_token

RUBRIC = {
    "key": "lead-review",
    "title": "Lead an annual review",
    "model": "analytic",
    "threshold": 70,
    "criteria": [
        {
            "key": "voice",
            "title": "Keeps the child's voice central",
            "weight": 2,
            "levels": [
                {"value": 1, "label": "Not yet", "descriptor": "Talks over the child."},
                {"value": 2, "label": "Secure", "descriptor": "Invites the child's views."},
            ],
        }
    ],
}


@pytest.fixture
def headers(app, auth, make_person):  # type: ignore[no-untyped-def]
    person_id = make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    with app.app_context():
        return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), 'tests')}"}


def _rubrics(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.query(Rubric).count()


def _upload(client, document: dict[str, object]):  # type: ignore[no-untyped-def]
    page = client.get("/competencies/rubrics/import").get_data(as_text=True)
    return client.post(
        "/competencies/rubrics/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(json.dumps(document).encode()), "rubric.json")},
    )


def _with_criterion(**changes: object) -> dict[str, object]:
    criterion = {**RUBRIC["criteria"][0], **changes}  # type: ignore[index]
    return {**RUBRIC, "criteria": [criterion]}


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        ({**RUBRIC, "title": "T" * 1_000_000}, "title", "Title must be 200 characters or fewer"),
        ({**RUBRIC, "key": "k" * 81}, "key", "Use 1 to 80 lower-case letters"),
        (_with_criterion(title="C" * 201), "criteria[0].title", "Criterion 1 ‘CCCC"),
        (
            _with_criterion(
                levels=[
                    {"value": 1, "label": "Low", "descriptor": "D" * 5_000_000},
                    {"value": 2, "label": "High", "descriptor": "Fine."},
                ]
            ),
            "criteria[0].levels[0].descriptor",
            "Criterion 1 ‘Keeps the child's voice central’, level 1 ‘Low’, descriptor: Descriptor must be 2,000 characters or fewer",
        ),
    ],
)
def test_over_long_text_and_long_keys_are_refused_with_their_place_by_upload_and_api(
    app, client, headers, document, path, message
):
    api = client.post("/api/v1/rubrics", json=document, headers=headers)
    assert api.status_code == 400
    [error] = [e for e in api.json["errors"] if e["path"] == path]
    assert message in error["message"]
    upload = _upload(client, document)
    assert upload.status_code == 400 and f"({path})" in upload.get_data(as_text=True)
    assert _rubrics(app) == 0


def test_a_rubric_file_is_previewed_then_saved_once_confirmed(app, client, headers):
    staged = _upload(client, RUBRIC)
    assert staged.status_code == 302 and _rubrics(app) == 0
    preview = client.get(staged.headers["Location"]).get_data(as_text=True)
    assert "Lead an annual review" in preview and "1 criterion" in preview
    assert client.post(staged.headers["Location"], data={"csrf_token": csrf_token(preview)}).status_code == 302
    assert _rubrics(app) == 1


def test_the_api_previews_a_rubric_with_dry_run_and_saves_nothing(app, client, headers):
    response = client.post("/api/v1/rubrics?dry_run=true", json=RUBRIC, headers=headers)
    assert response.status_code == 200 and {"label": "Criteria", "value": "1 criterion"} in response.json["preview"]
    assert _rubrics(app) == 0


def test_an_imported_key_already_in_use_gets_a_suffix_not_a_cut(app, client, headers):
    long_key = "k" * 70
    for _ in range(2):
        assert client.post("/api/v1/rubrics", json={**RUBRIC, "key": long_key}, headers=headers).status_code == 201
    with app.app_context():
        assert sorted(r.key for r in db.session.query(Rubric)) == [long_key, f"{long_key}-2"]
