"""A trainee asks for a review of an agreed judgement; a moderator who did not mark it changes it;
the trainee reads the outcome: in the browser, with axe on every page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from assessments.services import moderation
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import (
    PASSWORD,
    PEOPLE,
    assert_accessible,
    choose_level,
    live_database,
    sign_in,
    sign_in_with,
)

CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
TRAINEE = "ari.appeal@example.org"


def _evidence(child_voice: int) -> dict:  # type: ignore[type-arg]
    return {
        "judgements": [
            {"criterion": k, "level": child_voice if k == "child-voice" else 3, "comment": ""} for k in CRITERIA
        ],
        "faults": [],
    }


@pytest.fixture
def agreed(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """An observation by the e2e mentor, judged not yet met, second-marked by another moderator as
    met, and agreed as met: settled, so the trainee may ask for a review."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    today = date.today()
    with app.app_context():
        mentor = db.session.scalar(select(User).where(User.email == PEOPLE[Role.MENTOR][1]))
        trainee = accounts.create_person("Ari Appeal", TRAINEE, PASSWORD, {Role.TRAINEE})
        marker = accounts.create_person("Max Marker", "max.marker@example.org", PASSWORD, {Role.MODERATOR})
        cohort = services.create_cohort("Appealed cohort", published_programme(today - timedelta(days=30)).id)
        enrolment = services.enrol(cohort.id, services.EnrolmentInput(trainee.id, (mentor.id,), "Vale Academy"), today)
        observation = services.record_observation(
            enrolment.id,
            mentor.id,
            services.ObservationInput(
                "annual-review",
                today - timedelta(days=2),
                "Meeting room",
                (),
                _evidence(2),
                "e2e-appeal-1",
                submit=True,
            ),
            today,
        )
        item = moderation.draw_chosen(cohort.id, marker.id, [observation.id]).items[0]
        moderation.record_marks(observation.id, marker.id, _evidence(3))
        moderation.agree(item.id, mentor.id, _evidence(3), "The pupil spoke for themselves in the end.")
        db.engine.dispose()


def test_a_trainee_appeals_and_a_reviewer_who_did_not_mark_it_changes_the_judgement(
    browser: Browser, page: Page, agreed: None
):
    sign_in_with(page, TRAINEE, PASSWORD)
    page.goto("/assessments/my-training")
    assert_accessible(page)
    page.locator("a[href*='/my-training/observations/']").first.click()
    expect(page.get_by_role("heading", name="Outcome: met")).to_be_visible()
    page.get_by_role("link", name="Ask for a review of this judgement").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ask for a review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why you are asking for a review")
    assert_accessible(page)
    page.get_by_label("Why are you asking for a review?").fill("I think the pupil's views were only read out.")
    page.get_by_role("button", name="Ask for a review").click()
    expect(page.get_by_text("Awaiting a reviewer")).to_be_visible()
    assert_accessible(page)

    reviewer = browser.new_page(base_url=page.url.split("/assessments")[0])
    try:
        sign_in(reviewer, Role.MODERATOR)
        reviewer.goto("/assessments/moderation")
        reviewer.get_by_role("link", name="Appeals from trainees").click()
        assert_accessible(reviewer)
        reviewer.get_by_role("link", name="Ari Appeal", exact=False).click()
        expect(reviewer.get_by_text("I think the pupil's views were only read out.")).to_be_visible()
        assert_accessible(reviewer)
        reviewer.get_by_role("button", name="Record the decision").click()
        expect(reviewer.locator(".govuk-error-summary")).to_contain_text(
            "Choose whether the judgement stands or changes"
        )
        assert_accessible(reviewer)
        reviewer.get_by_label("The judgement changes to the marks below").check()
        choose_level(reviewer, "Keeps the child's voice central", "2")
        reviewer.get_by_label("Reason for your decision").fill("The pupil's views were read out, not heard.")
        reviewer.get_by_role("button", name="Record the decision").click()
        expect(reviewer.get_by_text("Judgement changed").first).to_be_visible()
        assert_accessible(reviewer)
    finally:
        reviewer.context.close()

    page.reload()
    expect(page.get_by_role("heading", name="Outcome: not yet met")).to_be_visible()
    expect(page.get_by_text("The pupil's views were read out, not heard.")).to_be_visible()
    assert_accessible(page)
