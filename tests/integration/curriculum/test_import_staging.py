"""A checked file waits an hour for the person who uploaded it, is used once, and a refusal saves nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from core import importing
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Invalid
from curriculum.models import Programme
from curriculum.services.imports import PROGRAMME_JSON

DOCUMENT = json.dumps(
    {
        "schema_version": 1,
        "programme": {"name": "Staged", "provider": "Trust", "cohort_start": "2025-09-01", "length_weeks": 78},
        "modules": [{"key": "law", "title": "Law", "hours": 6, "area": "send-law"}],
    }
)


@pytest.fixture
def owner(app, catalogue, make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person("owner@example.org", Role.DESIGNER)


def test_a_staged_file_is_saved_once_by_its_owner(app, owner, make_person):
    stranger = make_person("stranger@example.org", Role.DESIGNER)
    with app.app_context():
        staged_id, result = importing.stage(PROGRAMME_JSON, DOCUMENT, owner)
        assert ("Modules", "1 module, 6 hours in all") in result.preview
        assert db.session.query(Programme).count() == 0
        with pytest.raises(Invalid, match="expired or was already used"):
            importing.confirm(PROGRAMME_JSON, staged_id, stranger)
        created = importing.confirm(PROGRAMME_JSON, staged_id, owner).created
        assert created.draft.name == "Staged" and created.created_by_id == owner
        with pytest.raises(Invalid, match="expired or was already used"):
            importing.confirm(PROGRAMME_JSON, staged_id, owner)
        assert db.session.query(Programme).count() == 1


def test_a_staged_file_expires_after_an_hour(app, owner):
    with app.app_context():
        staged_id, _ = importing.stage(PROGRAMME_JSON, DOCUMENT, owner)
        row = db.session.get(importing.StagedImport, staged_id)
        row.created_at -= importing.STAGED_LIFETIME + timedelta(seconds=1)
        db.session.commit()
        with pytest.raises(Invalid, match="expired or was already used"):
            importing.staged_preview(PROGRAMME_JSON, staged_id, owner)
        assert db.session.query(Programme).count() == 0


def test_a_file_with_problems_is_never_staged(app, owner):
    with app.app_context():
        with pytest.raises(Invalid):
            importing.stage(PROGRAMME_JSON, DOCUMENT.replace('"hours": 6', '"hours": 0'), owner)
        assert db.session.query(importing.StagedImport).count() == 0
