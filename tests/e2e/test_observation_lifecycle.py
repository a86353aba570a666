"""In the browser, with axe on each page: a trainee asks to be observed, the mentor accepts,
observes and sets a next step, corrects the observation with a reason, the trainee reflects, and
the next observation of the scenario opens with the next step, which the mentor marks done."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PEOPLE, assert_accessible, choose_level, live_database, sign_in

SCENARIO = "Lead the annual review of an EHC plan"
COHORT = "Lifecycle cohort"
LEVELS = [
    ("Follows the statutory timelines", "3"),
    ("States the facts and the law accurately", "3"),
    ("Keeps the child's voice central", "2"),
    ("Reviews progress against each outcome with evidence", "3"),
    ("Chairs the meeting so every participant contributes", "3"),
    ("Ends with agreed amendments and actions", "3"),
]


@pytest.fixture
def enrolled(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The e2e trainee enrolled with the e2e mentor on a cohort of this test's own (once per server).
    Other tests enrol the same trainee on cohorts of theirs, so the pages below are read within
    this cohort's part of the page."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    today = date.today()
    with app.app_context():
        trainee, mentor = (
            db.session.scalar(select(User).where(User.email == PEOPLE[role][1])) for role in (Role.TRAINEE, Role.MENTOR)
        )
        if not any(e.cohort.name == COHORT for e in services.trainee_enrolments(trainee.id)):
            version = published_programme(today - timedelta(days=30))
            cohort = services.create_cohort(COHORT, version.id)
            services.enrol(
                cohort.id,
                services.EnrolmentInput(trainee.id, (mentor.id,), "Hill Primary", today - timedelta(days=400)),
                today,
            )
        db.engine.dispose()


def _fill_date(page: Page, day: date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def _observe(page: Page, setting: str, submit: bool = True) -> None:
    _fill_date(page, date.today())
    page.get_by_label("Setting").fill(setting)
    page.get_by_label("Parents or carers").check()
    for label, level in LEVELS:
        choose_level(page, label, level)
    page.get_by_role("button", name="Submit observation" if submit else "Save as draft").click()


def test_request_observe_next_step_correction_and_reflection(page: Page, enrolled: None):
    sign_in(page, Role.TRAINEE)
    page.goto("/assessments/my-training")
    page.get_by_role("region", name=COHORT).get_by_role("link", name="Ask a mentor to observe you").click()
    assert_accessible(page)
    page.get_by_label("Scenario").select_option(label=SCENARIO)
    page.get_by_label("Note to your mentor (optional)").fill("The review meeting is on Thursday.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("region", name=COHORT).locator(".app-my-requests")).to_contain_text("waiting for an answer")
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, Role.MENTOR)
    page.goto("/assessments/observations")
    assert_accessible(page)
    page.get_by_role("link", name=f"Tia Trainee asks to be observed: {SCENARIO}").click()
    expect(page.get_by_text("The review meeting is on Thursday.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept").click()  # no date: a located error, nothing saved
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date you plan to observe")
    assert_accessible(page)
    _fill_date(page, date.today())
    page.get_by_role("button", name="Accept").click()
    page.get_by_role("link", name="Record this observation of Tia Trainee").click()
    _observe(page, "Meeting room")
    expect(page.locator(".app-result")).to_contain_text("Outcome: not yet met")
    expect(page.get_by_text("Observed by")).to_be_visible()
    page.get_by_label("Criterion it works on").select_option(label="Keeps the child's voice central")
    page.get_by_label("Next step").fill("Ask the pupil for their views before the adults speak.")
    page.get_by_role("button", name="Set next step").click()
    expect(page.locator(".app-next-step")).to_contain_text("Ask the pupil for their views")
    assert_accessible(page)

    page.get_by_role("link", name="Correct this observation").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save the correction").click()  # no reason: refused
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are correcting this observation")
    page.get_by_label("Comment on ‘Keeps the child's voice central’ (optional)").fill(
        "The pupil's views were read out only."
    )
    page.get_by_label("Why are you correcting this observation?").fill("I left out my comment on the pupil's voice.")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".app-corrected")).to_contain_text("I left out my comment")
    page.get_by_role("link", name="See what changed, when and why").click()
    expect(page.locator(".app-revision")).to_contain_text(
        "Comment on ‘Keeps the child's voice central’: none changed to"
    )
    assert_accessible(page)
    page.goto("/assessments/observations")
    expect(page.get_by_text("Record this observation of Tia Trainee")).to_have_count(0)  # the request is closed
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, Role.TRAINEE)
    page.goto("/assessments/my-training")
    mine = page.get_by_role("region", name=COHORT)
    expect(mine.locator(".app-next-steps")).to_contain_text("Ask the pupil for their views")
    mine.locator(".app-result", has_text="(corrected)").get_by_role("link").click()
    expect(page.locator(".app-corrected")).to_contain_text("I left out my comment")
    page.get_by_label("Your reflection").fill("I will ask Oliver to speak first next time.")
    page.get_by_role("button", name="Save reflection").click()
    warning = page.get_by_role("region", name="Check for names")  # held back: a child's name, perhaps
    expect(warning).to_contain_text("Your reflection: Oliver")
    assert_accessible(page)
    warning.get_by_role("link", name="Your reflection: Oliver").click()
    expect(page.get_by_label("Your reflection")).to_be_focused()
    expect(page.get_by_label("Your reflection")).to_have_value("I will ask Oliver to speak first next time.")
    page.get_by_label("Your reflection").fill("I will ask the pupil to speak first next time.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Reflection saved.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, Role.MENTOR)
    page.goto("/assessments/observations")
    page.get_by_role("row").filter(has_text=COHORT).get_by_role("link", name="Tia Trainee").click()
    page.get_by_role("link", name=f"Record an observation of {SCENARIO}").click()
    expect(page.locator(".app-next-steps")).to_contain_text("Ask the pupil for their views")
    assert_accessible(page)
    page.locator(".app-next-steps").get_by_role("button", name=re.compile(r"^Done")).click()
    expect(page.get_by_text("Next step marked done.")).to_be_visible()
    expect(page.locator(".app-next-steps")).to_have_count(0)
