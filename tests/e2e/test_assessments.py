"""A mentor records and submits an observation in the browser; the trainee then reads it."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from competencies.scenarios import load_scenarios
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PEOPLE, assert_accessible, choose_level, levels_of, live_database, sign_in


@pytest.fixture
def enrolled(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> int:
    """The e2e trainee enrolled with the e2e mentor, in the live server's database (found where
    the live_server fixture made it): the enrolment's id. Other tests use it too, so the trainee
    has several such enrolments with this mentor: each test reads its own by id."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    today = date.today()
    with app.app_context():
        trainee, mentor = (
            db.session.scalar(select(User).where(User.email == PEOPLE[role][1])) for role in (Role.TRAINEE, Role.MENTOR)
        )
        version = published_programme(today - timedelta(days=30))
        cohort = services.create_cohort("Browser cohort", version.id)
        enrolment_id = services.enrol(
            cohort.id,
            services.EnrolmentInput(trainee.id, (mentor.id,), "Hill Primary", today - timedelta(days=400)),
            today,
        ).id
        db.engine.dispose()
    return enrolment_id


def test_a_mentor_records_and_submits_an_observation_and_the_trainee_reads_it(page: Page, enrolled: int):
    sign_in(page, Role.MENTOR)
    page.get_by_role("link", name="Observations").first.click()
    assert_accessible(page)
    expect(page.locator(".app-trainees")).to_contain_text("Tia Trainee")
    # Other tests on this server enrol the same trainee with this mentor on cohorts of theirs, ten
    # trainees a page: open this enrolment's own page.
    page.goto(f"/assessments/trainees/{enrolled}")
    assert_accessible(page)
    page.get_by_role("link", name="Record an observation of Lead the annual review of an EHC plan").click()
    day = date.today() - timedelta(days=1)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Setting").fill("Meeting room")
    page.get_by_label("Parents or carers").check()
    for label, level in [
        ("Follows the statutory timelines", "3"),
        ("States the facts and the law accurately", "3"),
        ("Keeps the child's voice central", "2"),
        ("Reviews progress against each outcome with evidence", "3"),
        ("Chairs the meeting so every participant contributes", "3"),
        ("Ends with agreed amendments and actions", "3"),
    ]:
        choose_level(page, label, level)
    page.get_by_label("Comment on ‘Keeps the child's voice central’ (optional)").fill(
        "The pupil's views were read out only."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Submit observation").click()
    result = page.locator(".app-result")
    expect(result).to_contain_text("Outcome: not yet met")
    expect(result).to_contain_text("Keeps the child's voice central")
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, Role.TRAINEE)
    page.goto("/assessments/my-training")
    mine = page.locator(f'[role="region"][aria-labelledby="enrolment-{enrolled}"]')  # this enrolment's part
    expect(mine.get_by_text("On track")).to_be_visible()
    expect(mine.locator(".app-result").first).to_contain_text("Outcome: not yet met")
    expect(mine.get_by_text("The latest observation must be met.").first).to_be_visible()
    assert_accessible(page)


def test_a_mentor_scores_with_the_rubric_in_view_at_1280_and_320_px(page: Page, enrolled: int):
    """Each level's descriptor is the hint of its radio, at desktop and phone widths (issue 25)."""
    rubric = next(s.rubric for s in load_scenarios() if s.key == "annual-review")
    voice = next(c for c in rubric.criteria if c.title == "Keeps the child's voice central")
    sign_in(page, Role.MENTOR)
    for width, height in ((1280, 800), (320, 640)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"/assessments/trainees/{enrolled}/observations/new/annual-review")
        for level in voice.levels:
            radio = levels_of(page, voice.title).get_by_role("radio", name=f"{level.value}: {level.label}")
            expect(radio).to_have_accessible_description(level.descriptor)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing off the side
        assert_accessible(page)
        folder = os.environ.get("E2E_SCREENSHOTS")  # docs/images/scoring-*.png are taken this way
        if folder:
            page.screenshot(path=str(Path(folder) / f"scoring-{width}.png"), full_page=True)
    day = date.today() - timedelta(days=1)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Setting").fill("Meeting room")
    for criterion in rubric.criteria:
        choose_level(page, criterion.title, "3")
    page.get_by_role("button", name="Submit observation").click()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
    expect(page.locator(".app-result")).to_contain_text("Outcome: met")
    expect(page.locator(".app-marks")).to_contain_text(voice.levels[2].descriptor)
    assert_accessible(page)
