"""The scenario library in the database, and trying a rubric in the browser-facing page."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from competencies import engine, services
from competencies.models import Rubric, Scenario
from core.accounts.roles import Role
from core.extensions import db
from curriculum.services import catalogue as catalogue_service
from tests.conftest import post_form


@pytest.fixture
def library(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        catalogue_service.load_catalogue()
        return services.load_library()


def test_the_fourteen_scenarios_load_idempotently_with_their_observers(app, library):
    assert library == "14 scenarios with their rubrics up to date"
    with app.app_context():
        assert services.load_library() == library
        assert db.session.query(Scenario).count() == 14
        assert [len(r.versions) for r in db.session.scalars(select(Rubric))] == [1] * 14
        assert all(len(s.observers) >= 2 for s in db.session.scalars(select(Scenario)))


def test_a_rubric_in_use_is_never_changed_a_new_version_is_made(app, library):
    with app.app_context():
        rubric = db.session.scalar(select(Rubric).where(Rubric.key == "ta-deployment"))
        rubric.latest.in_use = True
        rubric.latest.definition = {**rubric.latest.definition, "threshold": 99}  # as if the files had changed
        db.session.commit()
        services.load_library()
        rubric = db.session.scalar(select(Rubric).where(Rubric.key == "ta-deployment"))
        assert [v.number for v in rubric.versions] == [1, 2]
        assert rubric.versions[0].definition["threshold"] == 99 and rubric.versions[1].definition["threshold"] == 65


def test_a_designer_tries_a_rubric_and_reads_the_reasons(client, auth, make_person, library):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    listing = client.get("/competencies/").get_data(as_text=True)
    assert "Lead the annual review of an EHC plan" in listing and "Faults, as in the driving test" in listing
    # Levels in rubric order: timelines 3, facts and law 3, voice 2, progress 4, chairing 4, actions 4.
    response = post_form(
        client,
        "/competencies/scenarios/annual-review",
        {"c0": "3", "c1": "3", "c2": "2", "c3": "4", "c4": "4", "c5": "4"},
    )
    page = response.get_data(as_text=True)
    assert "Outcome: not yet met" in page
    assert "voice central’ was at level 2 (Emerging)" in page
    assert "it must reach level 3 (Secure) whatever the total" in page
    # (3 + 3 + 2×2 + 4 + 4 + 4) / (4 + 4 + 2×4 + 4 + 4 + 4) = 22/28 = 79 %
    assert "The weighted score is 79%, reaching the 70% needed." in page


def test_a_blank_level_on_the_try_form_counts_as_not_observed(client, auth, make_person, library):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    response = post_form(client, "/competencies/scenarios/annual-review", {"c0": "  \n ", "c1": "3"})
    assert response.status_code == 200
    assert "Outcome:" in response.get_data(as_text=True)


def test_the_try_page_shows_the_engines_own_outcome_and_rendered_reasons(app, client, auth, make_person, library):
    from competencies.scenarios import load_scenarios

    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    rubric = next(s.rubric for s in load_scenarios() if s.key == "provision-map")
    for levels in [(1, 1, 1, 1, 1), (4, 3, 2, 4, 3), (4, 4, 4, 4, 4), (2, None, 3, 3, 3)]:
        row = dict(zip((c.key for c in rubric.criteria), levels))
        form = {f"c{i}": str(row.get(c.key) or "") for i, c in enumerate(rubric.criteria)}
        page = html.unescape(post_form(client, "/competencies/scenarios/provision-map", form).get_data(as_text=True))
        expected = engine.score(rubric, engine.Evidence(tuple(engine.Judgement(k, v) for k, v in row.items() if v)))
        assert f"Outcome: {expected.outcome.value}" in page
        assert all(reason in page for reason in engine.render_all(expected.reasons, rubric))


def test_trying_a_faults_rubric_counts_faults(client, auth, make_person, library):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    # Fault types in file order: f3 "a small slip in administration" (minor), f8 "presents a screening result as a diagnosis".
    page = post_form(client, "/competencies/scenarios/screening-assessment", {"f3": "2"}).get_data(as_text=True)
    assert "Outcome: met" in page and "2 minor faults (no more than 3 allowed)" in page
    page = post_form(client, "/competencies/scenarios/screening-assessment", {"f3": "2", "f8": "1"}).get_data(
        as_text=True
    )
    assert "Outcome: not yet met" in page
    assert (
        "A serious fault under ‘Explains the result accurately and plainly’, ‘Presents a screening result as a diagnosis’"
        in page
    )
    bad = post_form(client, "/competencies/scenarios/screening-assessment", {"f0": "-3"}).get_data(as_text=True)
    assert "Enter a whole number from 0 to 99" in bad and "Outcome:" not in bad


def test_other_roles_cannot_see_the_library(client, auth, make_person, library):
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    assert client.get("/competencies/scenarios/annual-review").status_code == 403


def test_a_scenario_page_shows_observers_the_formative_framing_and_linked_sources(client, auth, make_person, library):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    page = client.get("/competencies/scenarios/screening-assessment").get_data(as_text=True)
    assert "Who may observe" in page and "A second mentor or specialist teacher qualified to use the test" in page
    assert "formative evidence" in page and "case-study assessment" in page
    assert "Afterwards, a teacher or parent, for the explanation" in page  # listed whole, not split at commas
    assert (
        "Gives a test whose publisher restricts it to a qualification the trainee does not hold: serious, fails on its own"
        in page
    )
    assert 'href="https://www.pearsonclinical.co.uk/information/qualificationcodes.aspx"' in page


def test_a_scenario_page_says_each_must_reach_rule_in_the_scoring_forms_words_in_a_neutral_tag(
    app, client, auth, make_person, library
):  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    page = html.unescape(client.get("/competencies/scenarios/annual-review").get_data(as_text=True))
    with app.app_context():
        rubric = services.rubric_of(services.get_scenario("annual-review").rubric.latest)
    rules = [engine.must_reach(c) for c in rubric.criteria if c.critical_level is not None]
    assert rules
    tags = [
        (classes, text.strip())
        for classes, text in re.findall(r'<strong class="govuk-tag ([^"]*)">(.*?)</strong>', page, re.S)
    ]
    for rule in rules:
        assert ("govuk-tag--grey", rule) in tags  # red is kept for what is wrong
    assert "govuk-tag--red" not in page


def test_every_library_scenario_page_opens_with_its_faults_and_observers(client, auth, make_person, library):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    for key in (
        "annual-review",
        "coaching-after-observation",
        "ehc-needs-assessment-request",
        "sen-support-review",
        "governors-report",
        "exam-access-arrangements",
        "transition-meeting",
        "cohort-data-action-plan",
    ):
        page = client.get(f"/competencies/scenarios/{key}").get_data(as_text=True)
        assert "Who may observe" in page and "Faults a mentor can record" in page, key
        assert (
            "Does not pass a safeguarding concern or disclosure to the designated safeguarding lead at once" in page
        ), key


def test_the_rubrics_page_lists_the_providers_own_apart_from_the_built_in_library(client, auth, make_person, library):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    before = client.get("/competencies/rubrics").get_data(as_text=True)
    assert "You have not written or imported a rubric yet" in before
    assert "Lead the annual review of an EHC plan" in before.split("Built-in library", 1)[1]
    created = post_form(
        client, "/competencies/rubrics/new", {"title": "Our coaching rubric", "model": "analytic", "pass_mark": "70"}
    )
    assert created.status_code == 302
    page = client.get("/competencies/rubrics").get_data(as_text=True)
    own, built_in = page.split("Built-in library", 1)
    assert "Our coaching rubric" in own and "Our coaching rubric" not in built_in
    assert "Lead the annual review of an EHC plan" in built_in and "Lead the annual review of an EHC plan" not in own
