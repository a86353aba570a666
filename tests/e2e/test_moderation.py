"""A moderator draws a 20 % sample, marks one observation blind, the differing marks are agreed,
and the agreement report counts the new pairs: in the browser, with axe on every page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PASSWORD, PEOPLE, assert_accessible, choose_level, levels_of, live_database, sign_in

CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
LABELS = (
    "Follows the statutory timelines",
    "States the facts and the law accurately",
    "Keeps the child's voice central",
    "Reviews progress against each outcome with evidence",
    "Chairs the meeting so every participant contributes",
    "Ends with agreed amendments and actions",
)


@pytest.fixture
def submitted(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A cohort of its own: a trainee whom the e2e mentor observed five times, each judged not yet
    met (the child's voice at 2, below its must-meet level of 3)."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    today = date.today()
    with app.app_context():
        mentor = db.session.scalar(select(User).where(User.email == PEOPLE[Role.MENTOR][1]))
        trainee = accounts.create_person("Rae Reviewed", "rae@example.org", PASSWORD, {Role.TRAINEE})
        version = published_programme(today - timedelta(days=30))
        cohort = services.create_cohort("Moderated cohort", version.id)
        enrolment = services.enrol(cohort.id, services.EnrolmentInput(trainee.id, (mentor.id,), "Vale Academy"), today)
        for i in range(5):
            evidence = {
                "judgements": [
                    {
                        "criterion": k,
                        "level": 2 if k == "child-voice" else 3,
                        "comment": "The pupil's views were read out only." if k == "child-voice" else "",
                    }
                    for k in CRITERIA
                ],
                "faults": [],
            }
            services.record_observation(
                enrolment.id,
                mentor.id,
                services.ObservationInput(
                    "annual-review",
                    today - timedelta(days=i + 1),
                    "Meeting room",
                    (),
                    evidence,
                    f"e2e-moderation-{i}",
                    submit=True,
                ),
                today,
            )
        db.engine.dispose()


def test_a_moderator_samples_marks_blind_agrees_the_differences_and_the_report_updates(page: Page, submitted: None):
    sign_in(page, Role.MODERATOR)
    expect(page.get_by_role("heading", name="Moderation", exact=True)).to_be_visible()  # the moderator's home
    assert_accessible(page)
    page.get_by_role("link", name="Moderated cohort").click()
    assert_accessible(page)
    page.get_by_role("link", name="Agreement report").click()
    expect(page.get_by_text("nothing to compare")).to_be_visible()
    assert_accessible(page)
    page.go_back()

    page.get_by_label("Percentage of submitted observations to sample").fill("0")
    page.get_by_role("button", name="Draw a random sample").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the percentage as a whole number from 1 to 100")
    assert_accessible(page)
    page.get_by_label("Percentage of submitted observations to sample").fill("20")
    page.get_by_role("button", name="Draw a random sample").click()
    expect(page.get_by_text("Sample drawn: 1 observation.")).to_be_visible()
    expect(page.get_by_text("The seed gives the same 1 observations.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Mark blind").click()
    expect(page.get_by_text("The pupil's views were read out only.")).to_be_visible()
    expect(page.get_by_text("not yet met")).to_have_count(0)  # blind: no outcome before marking
    for label in LABELS:
        expect(levels_of(page, label).locator("input:checked")).to_have_count(0)  # blind: no level chosen for them
        choose_level(page, label, "3")
    assert_accessible(page)
    page.get_by_role("button", name="Submit my marks").click()

    expect(page.get_by_text("Marks differ: to agree")).to_be_visible()
    compare = page.locator(".app-compare")
    expect(compare).to_contain_text("not yet met")
    expect(compare.get_by_role("row", name="Keeps the child's voice central")).to_contain_text("Differs")
    assert_accessible(page)
    page.get_by_role("button", name="Record the agreed judgement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the agreed judgement")
    assert_accessible(page)
    for label in LABELS:
        choose_level(page, label, "3")
    page.get_by_label("Reason for the agreed judgement").fill("The pupil spoke for themselves in the second half.")
    page.get_by_role("button", name="Record the agreed judgement").click()
    expect(page.get_by_role("heading", name="Agreed judgement: met")).to_be_visible()
    assert_accessible(page)

    page.goto("/assessments/moderation")
    page.get_by_role("link", name="Moderated cohort").click()
    page.get_by_role("link", name="Agreement report").click()
    expect(page.get_by_text("From 1 observation marked")).to_be_visible()
    expect(page.get_by_text("Too few pairs to mean anything").first).to_be_visible()
    expect(page.get_by_role("link", name="Download the report as CSV")).to_be_visible()
    assert_accessible(page)
