"""A course designer composes, publishes and compares a programme through the pages."""
from __future__ import annotations

import io
import json
import re

import pytest

from core.accounts.roles import Role
from core.extensions import db
from curriculum import catalogue_service
from curriculum.models import CatalogueModule, Programme
from tests.conftest import csrf_token, post_form

NEW = {"name": "SENCO 2025", "provider": "North Trust", "cohort_start": ["1", "9", "2025"], "length_weeks": "78"}


@pytest.fixture
def designer(app, auth, make_person):  # type: ignore[no-untyped-def]
    with app.app_context():
        catalogue_service.load_catalogue()
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")


def _create(client) -> int:  # type: ignore[no-untyped-def]
    response = post_form(client, "/curriculum/programmes/new", NEW)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/programmes/(\d+)", response.headers["Location"]).group(1))


def _lock(client, programme_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(f"/curriculum/programmes/{programme_id}").get_data(as_text=True)
    return {"csrf_token": csrf_token(page), "lock_version": re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)}


def _add(client, programme_id: int, key: str):  # type: ignore[no-untyped-def]
    return client.post(f"/curriculum/programmes/{programme_id}/modules", data={**_lock(client, programme_id), "catalogue_key": key})


def test_the_catalogue_loads_idempotently_on_this_database(app):
    with app.app_context():
        first = catalogue_service.load_catalogue()
        second = catalogue_service.load_catalogue()
        assert first == second == "17 areas, 35 modules and 84 outcomes up to date"
        assert db.session.query(CatalogueModule).count() == 35


def test_the_catalogue_can_be_searched_by_keyword_area_and_npq_area(client, designer):
    page = client.get("/curriculum/catalogue?q=working+memory").get_data(as_text=True)
    assert "Screening handwriting speed, working memory and visual processing" in page
    assert "1 module match" in page
    by_area = client.get("/curriculum/catalogue?area=advocacy").get_data(as_text=True)
    assert "Advocating for pupils and families" in by_area and "The four broad areas of need" not in by_area
    by_npq = client.get("/curriculum/catalogue?npq=behaviour").get_data(as_text=True)
    assert "An inclusive school culture" in by_npq and "Exam access arrangements" not in by_npq


def test_a_catalogue_module_page_shows_outcomes_with_their_sources(client, designer):
    page = client.get("/curriculum/catalogue/ehc-process").get_data(as_text=True)
    assert "within 6 weeks whether to assess" in page
    assert "Special educational needs and disability code of practice: 0 to 25 years, GOV.UK, ch. 9" in page
    assert 'href="https://www.gov.uk/government/publications/send-code-of-practice-0-to-25"' in page
    assert client.get("/curriculum/catalogue/nope").status_code == 404


def test_creating_a_programme_with_bad_details_names_each_field(client, designer):
    page = post_form(client, "/curriculum/programmes/new",
                     {"name": "", "provider": "P", "cohort_start": ["31", "2", "2025"], "length_weeks": "-4"}).get_data(as_text=True)
    assert 'href="#name">Enter a programme name' in page
    assert 'href="#cohort_start">Cohort start date must be a real date' in page
    assert 'href="#length_weeks">Enter a length between 1 and 260 weeks' in page


def test_compose_analyse_publish_edit_republish_and_compare(app, client, designer):
    programme_id = _create(client)
    for key in ("send-law-foundations", "screening-literacy", "ta-deployment"):
        assert _add(client, programme_id, key).status_code == 302
    page = client.get(f"/curriculum/programmes/{programme_id}").get_data(as_text=True)
    # 6 + 5 + 4 = 15 hours over 78 weeks = 0.19… → "0.2" hours a week, below the 1–2 band.
    assert re.search(r"Total hours</dt><dd[^>]*>15<", page)
    assert "15 hours over 78 weeks is 0.2 hours a week" in page

    lock = _lock(client, programme_id)
    assert client.post(f"/curriculum/programmes/{programme_id}/publish", data=lock).status_code == 302
    published = client.get(f"/curriculum/programmes/{programme_id}").get_data(as_text=True)
    assert "Version 1" in published and "Publish version" not in published

    assert client.post(f"/curriculum/programmes/{programme_id}/draft", data=_lock(client, programme_id)).status_code == 302
    edit = client.get(f"/curriculum/programmes/{programme_id}/modules/ta-deployment")
    assert edit.status_code == 200
    response = client.post(f"/curriculum/programmes/{programme_id}/modules/ta-deployment",
                           data={**_lock(client, programme_id), "hours": "10", "block": "Spring term"})
    assert response.status_code == 302
    client.post(f"/curriculum/programmes/{programme_id}/modules/screening-literacy/remove", data=_lock(client, programme_id))
    assert client.post(f"/curriculum/programmes/{programme_id}/publish", data=_lock(client, programme_id)).status_code == 302

    diff = client.get(f"/curriculum/programmes/{programme_id}/compare?from=1&to=2").get_data(as_text=True)
    assert "Modules removed" in diff and "Screening reading and spelling" in diff
    assert "Hours: 4 → 10" in diff and "Block: none → Spring term" in diff
    assert "Total hours: 15 → <strong>16</strong>" in diff
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        assert [v.number for v in programme.published] == [1, 2] and programme.draft is None


def test_a_refused_publish_lists_the_missing_mandatory_area(client, designer):
    programme_id = _create(client)
    _add(client, programme_id, "screening-literacy")
    response = client.post(f"/curriculum/programmes/{programme_id}/publish", data=_lock(client, programme_id))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Add a module from ‘SEND law and the statutory framework’ before publishing" in page
    assert "<title>Error: SENCO 2025" in page


def test_the_second_of_two_designers_editing_the_same_draft_is_told_it_changed(app, client, designer, make_person):
    programme_id = _create(client)
    _add(client, programme_id, "screening-literacy")
    stale = _lock(client, programme_id)  # the first designer opens the page…
    client.post(f"/curriculum/programmes/{programme_id}/modules/screening-literacy",
                data={**_lock(client, programme_id), "hours": "7"})  # …someone saves meanwhile
    response = client.post(f"/curriculum/programmes/{programme_id}/modules/screening-literacy",
                           data={**stale, "hours": "9"})
    page = response.get_data(as_text=True)
    assert "changed by someone else since you opened it" in page
    with app.app_context():
        assert db.session.get(Programme, programme_id).draft.module("screening-literacy").hours == 7


def test_keyboard_reordering_works_without_javascript(app, client, designer):
    programme_id = _create(client)
    for key in ("send-law-foundations", "screening-literacy"):
        _add(client, programme_id, key)
    client.post(f"/curriculum/programmes/{programme_id}/modules/screening-literacy/move",
                data={**_lock(client, programme_id), "direction": "up"})
    with app.app_context():
        assert [m.key for m in db.session.get(Programme, programme_id).draft.modules] == ["screening-literacy", "send-law-foundations"]


def test_export_and_import_through_the_pages(app, client, designer):
    programme_id = _create(client)
    _add(client, programme_id, "send-law-foundations")
    exported = client.get(f"/curriculum/programmes/{programme_id}/export.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    response = client.post("/curriculum/programmes/import", data={
        "csrf_token": csrf_token(page), "document": (io.BytesIO(exported.data), "programme.json")})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Programme).count() == 2


def test_a_bad_import_lists_each_problem_and_imports_nothing(app, client, designer):
    document = {"schema_version": 1, "programme": {"name": "X", "provider": "P", "cohort_start": "2025-09-01", "length_weeks": 78},
                "modules": [{"key": "a", "title": "A", "hours": 5000}]}
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    response = client.post("/curriculum/programmes/import", data={
        "csrf_token": csrf_token(page), "document": (io.BytesIO(json.dumps(document).encode()), "bad.json")})
    assert response.status_code == 400
    assert "modules[0].hours: Enter hours as a whole number between 1 and 1,000" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Programme).count() == 0


def test_a_huge_upload_is_refused_before_it_is_read(client, designer):
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    response = client.post("/curriculum/programmes/import", data={
        "csrf_token": csrf_token(page), "document": (io.BytesIO(b" " * (11 * 1024 * 1024)), "huge.json")})
    assert response.status_code == 413
    assert "Files must be smaller than 10 MB" in response.get_data(as_text=True)
