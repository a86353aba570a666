"""A course designer composes, publishes and compares a programme through the pages."""

from __future__ import annotations

import io
import json
import re

import pytest

from core.accounts.roles import Role
from core.extensions import db
from curriculum.models import CatalogueModule, Programme
from curriculum.services import catalogue as catalogue_service
from tests.conftest import Auth, csrf_token, post_form

NEW = {"name": "SENCO 2025", "provider": "North Trust", "cohort_start": ["1", "9", "2025"], "length_weeks": "78"}


def _create(client) -> int:  # type: ignore[no-untyped-def]
    response = post_form(client, "/curriculum/programmes/new", NEW)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/programmes/(\d+)", response.headers["Location"]).group(1))


def _lock(client, programme_id: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = client.get(f"/curriculum/programmes/{programme_id}").get_data(as_text=True)
    if 'name="lock_version"' not in page:  # a draft too short to reorder: its publish page has the lock
        page = client.get(f"/curriculum/programmes/{programme_id}/publish").get_data(as_text=True)
    return {
        "csrf_token": csrf_token(page),
        "lock_version": re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1),
    }


def _add(client, programme_id: int, key: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/curriculum/programmes/{programme_id}/modules", data={**_lock(client, programme_id), "catalogue_key": key}
    )


def test_the_catalogue_loads_idempotently_on_this_database(app):
    with app.app_context():
        first = catalogue_service.load_catalogue()
        second = catalogue_service.load_catalogue()
        assert first == second == "17 areas, 37 modules and 94 outcomes up to date"
        assert db.session.query(CatalogueModule).count() == 37


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
    assert "Online study, mentoring" in page  # delivery in words, as in the handbook
    assert client.get("/curriculum/catalogue/nope").status_code == 404


def test_a_catalogue_module_page_names_the_scenarios_it_prepares_for_by_their_titles(app, client, designer):
    from competencies import services as competency_services  # the room that owns the scenarios

    with app.app_context():
        competency_services.load_library()
    page = client.get("/curriculum/catalogue/ehc-process").get_data(as_text=True)
    assert "Lead the annual review of an EHC plan; Write a request for an EHC needs assessment" in page


def test_creating_a_programme_with_bad_details_names_each_field(client, designer):
    page = post_form(
        client,
        "/curriculum/programmes/new",
        {"name": "", "provider": "P", "cohort_start": ["31", "2", "2025"], "length_weeks": "-4"},
    ).get_data(as_text=True)
    assert 'href="#name">Enter a programme name' in page
    assert 'href="#cohort_start-day">Enter the cohort start date as a real date' in page
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

    assert (
        client.post(f"/curriculum/programmes/{programme_id}/draft", data=_lock(client, programme_id)).status_code == 302
    )
    edit = client.get(f"/curriculum/programmes/{programme_id}/modules/ta-deployment")
    assert edit.status_code == 200
    response = client.post(
        f"/curriculum/programmes/{programme_id}/modules/ta-deployment",
        data={**_lock(client, programme_id), "hours": "10", "block": "Spring term"},
    )
    assert response.status_code == 302
    client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy/remove", data=_lock(client, programme_id)
    )
    assert (
        client.post(f"/curriculum/programmes/{programme_id}/publish", data=_lock(client, programme_id)).status_code
        == 302
    )

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
    client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy",
        data={**_lock(client, programme_id), "hours": "7"},
    )  # …someone saves meanwhile
    response = client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy", data={**stale, "hours": "9"}
    )
    page = response.get_data(as_text=True)
    assert "changed by someone else since you opened it" in page
    with app.app_context():
        assert db.session.get(Programme, programme_id).draft.module("screening-literacy").hours == 7


def test_keyboard_reordering_works_without_javascript(app, client, designer):
    programme_id = _create(client)
    for key in ("send-law-foundations", "screening-literacy"):
        _add(client, programme_id, key)
    client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy/move",
        data={**_lock(client, programme_id), "direction": "up"},
    )
    with app.app_context():
        assert [m.key for m in db.session.get(Programme, programme_id).draft.modules] == [
            "screening-literacy",
            "send-law-foundations",
        ]


def test_export_and_import_through_the_pages(app, client, designer):
    programme_id = _create(client)
    _add(client, programme_id, "send-law-foundations")
    exported = client.get(f"/curriculum/programmes/{programme_id}/export.json")
    assert exported.headers["Content-Disposition"].startswith("attachment")
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    response = client.post(
        "/curriculum/programmes/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(exported.data), "programme.json")},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(Programme).count() == 1, "a checked file waits for confirmation"
    preview = client.get(response.headers["Location"])
    text = preview.get_data(as_text=True)
    assert "Check the programme before you import it" in text
    assert "1 module, 6 hours in all" in text
    confirmed = client.post(response.headers["Location"], data={"csrf_token": csrf_token(text)})
    assert confirmed.status_code == 302 and "/curriculum/programmes/" in confirmed.headers["Location"]
    with app.app_context():
        assert db.session.query(Programme).count() == 2
    again = client.post(response.headers["Location"], data={"csrf_token": csrf_token(text)})
    assert again.headers["Location"].endswith("/curriculum/programmes/import"), "a staged import is used once"
    with app.app_context():
        assert db.session.query(Programme).count() == 2


def test_the_import_file_input_keeps_its_name_once_the_script_hides_it(client, designer):
    """GOV.UK's enhanced file upload hides the input and points the label at its own button; the
    input still needs a name of its own (HTML_CodeSniffer, WCAG 1.3.1 F68 / 4.1.2)."""
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    file_input = re.search(r'<input[^>]*type="file"[^>]*>', page)
    assert file_input is not None
    assert 'aria-label="Programme file (JSON)"' in file_input.group(0)


def test_a_staged_import_belongs_to_the_person_who_uploaded_it(app, client, designer, make_person):
    programme_id = _create(client)
    exported = client.get(f"/curriculum/programmes/{programme_id}/export.json")
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    staged_url = client.post(
        "/curriculum/programmes/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(exported.data), "programme.json")},
    ).headers["Location"]
    other = app.test_client()
    make_person("other@example.org", Role.DESIGNER)
    Auth(other).sign_in("other@example.org")
    assert other.get(staged_url).headers["Location"].endswith("/curriculum/programmes/import")
    with app.app_context():
        assert db.session.query(Programme).count() == 1


def test_a_bad_import_lists_each_problem_and_imports_nothing(app, client, designer):
    document = {
        "schema_version": 1,
        "programme": {"name": "X", "provider": "P", "cohort_start": "2025-09-01", "length_weeks": 78},
        "modules": [{"key": "a", "title": "A", "hours": 5000}],
    }
    page = client.get("/curriculum/programmes/import").get_data(as_text=True)
    response = client.post(
        "/curriculum/programmes/import",
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(json.dumps(document).encode()), "bad.json")},
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Module 1 ‘A’, hours: Enter hours as a whole number between 1 and 1,000" in text
    assert "(modules[0].hours)" in text
    with app.app_context():
        assert db.session.query(Programme).count() == 0


@pytest.mark.parametrize(
    "url, heading",
    [("/curriculum/programmes/import", "Import a programme"), ("/competencies/rubrics/import", "Import a rubric")],
)
def test_a_huge_upload_is_refused_before_it_is_read_on_its_own_import_page(client, designer, url, heading):
    page = client.get(url).get_data(as_text=True)
    response = client.post(
        url, data={"csrf_token": csrf_token(page), "document": (io.BytesIO(b" " * (11 * 1024 * 1024)), "huge.json")}
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert 'href="#document">The selected file must be smaller than 10 MB</a>' in text
    assert heading in text


def _page(client, programme_id: int, path: str = "") -> str:  # type: ignore[no-untyped-def]
    return client.get(f"/curriculum/programmes/{programme_id}{path}").get_data(as_text=True)


def test_a_date_that_is_not_real_is_one_message_linked_to_the_day_box(client, designer):
    page = post_form(client, "/curriculum/programmes/new", {**NEW, "cohort_start": ["31", "2", "2025"]}).get_data(
        as_text=True
    )
    assert 'href="#cohort_start-day">Enter the cohort start date as a real date</a>' in page
    assert 'id="cohort_start-day"' in page
    assert page.count("Enter the cohort start date") == 2  # once in the summary, once by the field
    assert not re.search(r'<div class="govuk-date-input"[^>]*required', page)


def test_an_empty_date_asks_for_it_and_a_word_for_hours_asks_for_a_whole_number(client, designer):
    page = post_form(
        client, "/curriculum/programmes/new", {**NEW, "cohort_start": ["", "", ""], "length_weeks": "six"}
    ).get_data(as_text=True)
    assert 'href="#cohort_start-day">Enter the cohort start date</a>' in page
    assert "Enter the length in weeks as a whole number, like 78" in page
    programme_id = _create(client)
    _add(client, programme_id, "screening-literacy")
    page = client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy",
        data={**_lock(client, programme_id), "hours": "six"},
    ).get_data(as_text=True)
    assert "Enter hours as a whole number, like 6" in page
    assert "Not a valid integer value" not in page and "between 1 and 1,000" not in page


def test_several_modules_are_added_in_one_go_and_the_page_returns_to_the_first(app, client, designer):
    programme_id = _create(client)
    keys = ["send-law-foundations", "screening-literacy", "ta-deployment"]
    response = client.post(
        f"/curriculum/programmes/{programme_id}/modules", data={**_lock(client, programme_id), "catalogue_key": keys}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/curriculum/programmes/{programme_id}#module-send-law-foundations")
    page = _page(client, programme_id)
    assert "3 modules added (15 hours)" in page
    with app.app_context():
        assert [m.key for m in db.session.get(Programme, programme_id).draft.modules] == keys


def test_adding_nothing_or_a_module_already_there_adds_nothing(app, client, designer):
    programme_id = _create(client)
    _add(client, programme_id, "screening-literacy")
    response = client.post(f"/curriculum/programmes/{programme_id}/modules", data=_lock(client, programme_id))
    assert response.status_code == 400
    assert 'href="#catalogue_key">Select at least one module to add</a>' in response.get_data(as_text=True)
    response = client.post(
        f"/curriculum/programmes/{programme_id}/modules",
        data={**_lock(client, programme_id), "catalogue_key": ["send-law-foundations", "screening-literacy"]},
    )
    assert response.status_code == 400
    assert "‘Screening reading and spelling’ is already in this programme" in response.get_data(as_text=True)
    with app.app_context():
        assert [m.key for m in db.session.get(Programme, programme_id).draft.modules] == ["screening-literacy"]


def test_the_add_page_ticks_nothing_in_the_programme_and_lets_the_first_box_take_the_error_link(app, client, designer):
    programme_id = _create(client)
    _add(client, programme_id, "send-law-foundations")
    page = _page(client, programme_id, "/add-modules")
    assert 'value="send-law-foundations"' not in page and "In this programme" in page
    assert re.search(
        r'<input class="govuk-checkboxes__input" id="catalogue_key" name="catalogue_key" type="checkbox"', page
    )
    with app.app_context():
        in_catalogue = db.session.query(CatalogueModule).count()
    assert page.count('name="catalogue_key" type="checkbox"') == in_catalogue - 1  # all but the one added


def test_a_catalogue_module_page_adds_the_module_to_a_draft_and_comes_back(client, designer):
    programme_id = _create(client)
    page = client.get("/curriculum/catalogue/ta-deployment").get_data(as_text=True)
    assert ">Add to SENCO 2025</button>" in page
    response = client.post(
        f"/curriculum/programmes/{programme_id}/modules",
        data={
            "csrf_token": csrf_token(page),
            "lock_version": re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1),
            "catalogue_key": "ta-deployment",
            "return_to": "catalogue",
        },
    )
    assert response.headers["Location"].endswith("/curriculum/catalogue/ta-deployment#add-to-programme")
    page = client.get("/curriculum/catalogue/ta-deployment").get_data(as_text=True)
    assert "added (4 hours)" in page and "In <a" in page


def test_the_programme_page_has_a_change_link_for_each_detail_and_module(client, designer):
    programme_id = _create(client)
    _add(client, programme_id, "screening-literacy")
    page = _page(client, programme_id)
    for anchor, hidden in (
        ("name", "name"),
        ("provider", "provider"),
        ("cohort_start-day", "cohort start"),
        ("length_weeks", "length"),
    ):
        assert re.search(
            rf'href="/curriculum/programmes/{programme_id}/details#{anchor}">\s*Change<span class="govuk-visually-hidden"> {hidden}</span>',
            page,
        )
    assert (
        f'href="/curriculum/programmes/{programme_id}/modules/screening-literacy">Change<span class="govuk-visually-hidden"> Screening reading and spelling'
        in page
    )
    assert '<th scope="col" class="govuk-table__header">Term or block</th>' in page


def test_a_module_that_runs_before_its_prerequisite_is_flagged_until_it_moves(client, designer):
    programme_id = _create(client)
    for key in ("screening-literacy", "send-law-foundations"):
        _add(client, programme_id, key)
    client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy",
        data={**_lock(client, programme_id), "hours": "4", "prerequisite_keys": "send-law-foundations"},
    )
    page = _page(client, programme_id)
    assert "runs before its prerequisite ‘The Children and Families Act and the Code of Practice’" in page
    client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy/move",
        data={**_lock(client, programme_id), "direction": "down"},
    )
    assert "runs before its prerequisite" not in _page(client, programme_id)


def test_publish_and_remove_ask_first_and_say_what_happens(client, designer):
    programme_id = _create(client)
    for key in ("send-law-foundations", "screening-literacy"):
        _add(client, programme_id, key)
    programme_page = _page(client, programme_id)
    assert f'href="/curriculum/programmes/{programme_id}/publish"' in programme_page
    assert f'action="/curriculum/programmes/{programme_id}/publish"' not in programme_page
    publish = _page(client, programme_id, "/publish")
    assert "Publish version 1?" in publish and "Publishing cannot be undone" in publish
    remove = _page(client, programme_id, "/modules/screening-literacy/remove")
    assert "Remove ‘Screening reading and spelling’ from the draft?" in remove and "Yes, remove it" in remove
    client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy",
        data={**_lock(client, programme_id), "hours": "4", "prerequisite_keys": "send-law-foundations"},
    )
    needed = _page(client, programme_id, "/modules/send-law-foundations/remove")
    assert "cannot be removed while these modules list it" in needed and "Yes, remove it" not in needed


def test_any_two_versions_can_be_compared_and_a_move_is_described(client, designer):
    programme_id = _create(client)
    for key in ("send-law-foundations", "screening-literacy", "ta-deployment"):
        _add(client, programme_id, key)
    client.post(f"/curriculum/programmes/{programme_id}/publish", data=_lock(client, programme_id))
    client.post(f"/curriculum/programmes/{programme_id}/draft", data=_lock(client, programme_id))
    for _ in range(2):
        client.post(
            f"/curriculum/programmes/{programme_id}/modules/ta-deployment/move",
            data={**_lock(client, programme_id), "direction": "up"},
        )
    page = _page(client, programme_id)
    assert '<select class="govuk-select" id="compare-from" name="from">' in page
    assert (
        '<option value="1" selected>Version 1</option>' in page
        and '<option value="draft" selected>Draft</option>' in page
    )
    changes = _page(client, programme_id, "/compare?from=1&to=draft")
    assert "Running order changed" in changes
    assert "‘Deploying teaching assistants’ now comes first" in changes
    assert "Screening reading and spelling’ now comes" not in changes


def test_a_move_returns_to_the_module_and_ignores_an_anchor_that_is_not_one(client, designer):
    programme_id = _create(client)
    for key in ("send-law-foundations", "screening-literacy"):
        _add(client, programme_id, key)
    moved = client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy/move",
        data={**_lock(client, programme_id), "direction": "up", "anchor": "#module-screening-literacy"},
    )
    assert moved.headers["Location"].endswith(f"/curriculum/programmes/{programme_id}#module-screening-literacy")
    tampered = client.post(
        f"/curriculum/programmes/{programme_id}/modules/screening-literacy/move",
        data={**_lock(client, programme_id), "direction": "down", "anchor": "@evil.example/"},
    )
    assert tampered.headers["Location"].endswith(f"/curriculum/programmes/{programme_id}")
