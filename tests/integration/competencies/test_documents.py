"""Blank observation forms (mentors, designers) and programme handbooks (designers) as PDFs, read back."""

from __future__ import annotations

import copy
import re
from datetime import date, timedelta

import pytest

from assessments.demo import published_programme
from competencies import engine
from competencies import services as competency_services
from competencies.models import RubricVersion
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from tests import pdf_reading as read
from tests.conftest import load_content

FORM = "/documents/scenarios/annual-review/observation-form.pdf"


@pytest.fixture
def programme_id(app) -> int:  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")
    with app.app_context():
        return published_programme(date.today() - timedelta(days=30)).programme_id


def test_a_mentor_prints_a_blank_form_with_every_criterion_and_tick_boxes(app, client, auth, make_person, programme_id):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    response = client.get(FORM)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    body = response.data
    words = read.text(body)
    with app.app_context():
        scenario = competency_services.get_scenario("annual-review")
        definition = scenario.rubric.published[-1].definition
    assert f"Observation form: {scenario.title}" in words
    for criterion in definition["criteria"]:
        assert read.compact(criterion["title"]) in read.compact(words)
    assert "Observer's signature" in words or "Observer’s signature" in words
    assert read.flat_outline(body) == [
        f"Observation form: {scenario.title}",
        "About this observation",
        "Criteria (rubric version 1)",
        "Overall and signatures",
    ]
    assert read.language(body) == "en-GB" and 'pdfuaid:part="1"' in read.xmp(body)
    assert all(embedded for _, embedded in read.fonts(body))


@pytest.mark.parametrize("key", ["annual-review", "staff-training"])  # levels and weights; entrustment
def test_the_blank_form_lists_every_levels_descriptor_as_on_the_scoring_form(
    app, client, auth, make_person, programme_id, key
):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    response = client.get(f"/documents/scenarios/{key}/observation-form.pdf")
    assert response.status_code == 200
    words = read.compact(read.text(response.data))
    with app.app_context():
        rubric = competency_services.rubric_of(competency_services.get_scenario(key).rubric.published[-1])
    levels = [(c, lv) for c in rubric.criteria for lv in c.levels]
    assert levels
    for criterion, level in levels:
        descriptor = engine.descriptor_of(rubric.model, level)
        assert descriptor and read.compact(descriptor) in words, (criterion.title, level.value)


def test_the_blank_form_words_each_must_reach_rule_as_the_scoring_form_does(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    words = read.compact(read.text(client.get(FORM).data))
    with app.app_context():
        rubric = competency_services.rubric_of(competency_services.get_scenario("annual-review").rubric.published[-1])
    rules = [engine.must_reach(c) for c in rubric.criteria if c.critical_level is not None]
    assert rules
    for rule in rules:
        assert read.compact(rule) in words


def test_trainees_cannot_print_blank_forms_and_an_unknown_scenario_is_not_found(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    make_person("trainee@example.org", Role.TRAINEE)
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("trainee@example.org")
    assert client.get(FORM).status_code == 403
    auth.sign_out()
    auth.sign_in("designer@example.org")
    assert client.get("/documents/scenarios/no-such-scenario/observation-form.pdf").status_code == 404


def test_a_rubric_of_20_criteria_prints_wrapped_and_paginated_and_its_new_version_is_a_new_pdf(
    app, client, auth, make_person, programme_id, database_url
):  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    before = client.get(FORM)
    with app.app_context():
        rubric = competency_services.get_scenario("annual-review").rubric
        definition = copy.deepcopy(rubric.published[-1].definition)
        levels = definition["criteria"][0]["levels"]
        definition["criteria"] = [
            {
                "key": f"criterion-{i}",
                "title": f"Criterion {i}: " + "keeps a careful written record " * 4,
                "weight": 1,
                "levels": levels,
            }
            for i in range(1, 21)
        ]
        definition["fault_types"] = [{**f, "criterion": None} for f in definition.get("fault_types", [])]
        db.session.add(
            RubricVersion(rubric=rubric, number=len(rubric.versions) + 1, definition=definition, published_at=utcnow())
        )
        db.session.commit()
        rubric_page = f"/competencies/rubrics/{rubric.id}"
    after = client.get(FORM)
    assert after.headers["ETag"] != before.headers["ETag"]
    body = after.data
    words = read.compact(read.text(body))
    for i in range(1, 21):
        assert read.compact(f"{i}. Criterion {i}:") in words
    assert len(read.reader(body).pages) >= 8
    if database_url.startswith("sqlite"):  # a rendering check: once is enough
        assert read.ink_in_right_margin(body) == []
        assert read.blank_pages(body) == []
    assert FORM in client.get(rubric_page).get_data(as_text=True)


def test_a_designer_downloads_the_handbook_of_a_published_version_from_the_programme_page(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/documents/programmes/{programme_id}/versions/1/handbook.pdf"
    assert url in client.get(f"/curriculum/programmes/{programme_id}").get_data(as_text=True)
    response = client.get(url)
    assert response.status_code == 200
    body = response.data
    words = read.compact(read.text(body))
    with app.app_context():
        from curriculum.models import Programme

        version = db.session.get(Programme, programme_id).current
        for module in version.modules:
            assert read.compact(module.title) in words
            for outcome in module.outcomes[:1]:  # its opening (a long one may run across a page break)
                assert read.compact(outcome.text[:50]) in words
        assert read.compact("Scenario: Lead the annual review of an EHC plan") in words
        hours = sum(m.hours for m in version.modules)
    assert read.compact(f"{hours} hours in {len(version.modules)} modules") in words
    titles = read.flat_outline(body)
    assert titles[0] == "Programme handbook: NPQ for SENCOs" and "Contents" in titles
    assert "Scenario: Lead the annual review of an EHC plan" in titles
    assert read.reader(body).metadata.title == "Programme handbook: NPQ for SENCOs, Version 1"


def test_only_designers_get_handbooks_and_a_missing_version_is_not_found(app, client, auth, make_person, programme_id):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("mentor@example.org")
    assert client.get(f"/documents/programmes/{programme_id}/versions/1/handbook.pdf").status_code == 403
    auth.sign_out()
    auth.sign_in("designer@example.org")
    assert client.get(f"/documents/programmes/{programme_id}/versions/9/handbook.pdf").status_code == 404
    assert client.get(f"/documents/programmes/{programme_id + 99}/versions/1/handbook.pdf").status_code == 404


# ---- how the printed pages read --------------------------------------------------------------


def _handbook(app, client, auth, make_person, programme_id) -> tuple[bytes, list]:  # type: ignore[no-untyped-def,type-arg]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    body = client.get(f"/documents/programmes/{programme_id}/versions/1/handbook.pdf").data
    with app.app_context():
        from curriculum.models import Programme

        modules = list(db.session.get(Programme, programme_id).current.modules)
    return body, [(m.title, m.delivery_modes) for m in modules]


def test_the_handbook_contents_give_the_page_of_each_area_and_scenario_and_delivery_reads_as_words(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    body, modules = _handbook(app, client, auth, make_person, programme_id)
    contents = read.body_lines(body)[0]
    pages = read.bookmark_pages(body)
    scenarios = {
        title.removeprefix("Scenario: "): page for title, page in pages.items() if title.startswith("Scenario: ")
    }
    assert scenarios, "each observed scenario has a bookmark"
    for title, page in scenarios.items():
        assert f"{title} {page}" in contents, f"the contents give {title!r} its page, {page}"
    area_rows = [line for line in contents if line.split()[-1].isdigit() and line.split()[-2].isdigit()]
    for row in area_rows:
        title = row.rsplit(" ", 3)[0]
        assert row.endswith(f" {pages[title]}"), f"the contents give the area {title!r} its page"
    words = read.text(body)
    assert {mode for _, modes in modules for mode in modes} >= {"online-study", "in-school-practice"}
    assert "online-study" not in words and "in-school-practice" not in words
    assert "online study" in words and "in-school practice" in words


def test_no_handbook_page_ends_on_a_module_heading_or_opens_with_stranded_sources(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    body, modules = _handbook(app, client, auth, make_person, programme_id)
    titles = {title for title, _ in modules}
    for number, lines in enumerate(read.body_lines(body), 1):
        assert lines, f"page {number} is empty"
        last = lines[-1]
        assert last not in titles and not re.match(r"\d+ hours? · ", last), f"page {number} ends on a module's heading"
        assert not re.match(r"\d+ modules?, \d+ hours\.", last), f"page {number} ends on an area's heading"
        assert not lines[0].startswith("Sources:"), f"page {number} opens with sources cut off from what they cite"
        for i, line in enumerate(lines):
            if line.startswith("Rubric:"):
                assert any(later.startswith("1. ") for later in lines[i:]), f"page {number}: a rubric's heading alone"
    runs = {text.strip() for page in read.fragments(body) for _, _, text, _ in page}
    assert "Fails" not in runs, "the “Fails alone” tag is never split over two lines"
    assert {"Setting:", "How it is judged:", "Who may observe:"} <= read.bold_texts(body)


def test_a_blank_form_keeps_its_faults_on_one_page_and_says_so_when_the_rubric_names_none(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    body = client.get(FORM).data
    with app.app_context():
        rubric = competency_services.get_scenario("annual-review").rubric
        definition = copy.deepcopy(rubric.published[-1].definition)
    faults = [read.compact(f["title"][:20]) for f in definition["fault_types"]]  # its opening words: a cell wraps
    assert len(faults) >= 2
    pages = read.body_lines(body)
    [faults_page] = [lines for lines in pages if "Faults" in lines]
    assert all(f in read.compact(" ".join(faults_page)) for f in faults), "the faults table is not split over pages"
    assert "Suitable setting:" in read.bold_texts(body)

    with app.app_context():
        rubric = competency_services.get_scenario("annual-review").rubric
        db.session.add(
            RubricVersion(
                rubric=rubric,
                number=len(rubric.versions) + 1,
                definition={**definition, "fault_types": []},
                published_at=utcnow(),
            )
        )
        db.session.commit()
    words = read.text(client.get(FORM).data)
    assert "This rubric names no faults: note any concern in a criterion’s comment." in words


def test_an_entrustment_form_states_its_pass_level_on_the_o_score_not_a_percentage(
    app, client, auth, make_person, programme_id
):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    words = read.text(client.get("/documents/scenarios/staff-training/observation-form.pdf").data)
    assert "Met when every criterion reaches level 4 (“I needed to be there in the room just in case”)." in words
    assert "Met at 4%" not in words
