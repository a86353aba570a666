""" "What needs you" in the browser: a trainee whose SENCO deadline is close and their mentor each see
it at the top of their home page, follow its link, and the pages pass axe."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from assessments import services
from assessments.deadlines import add_months
from assessments.demo import published_programme
from core.accounts import services as accounts
from core.accounts.roles import Role
from core.app import create_app
from tests.e2e.conftest import PASSWORD, assert_accessible, live_database, sign_in_with

TRAINEE, MENTOR = "rhi.reminded@example.org", "mel.reminder@example.org"


@pytest.fixture
def deadline_close(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> int:
    """A trainee of their own who became SENCO almost three years ago: the deadline is 40 days away."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    today = date.today()
    with app.app_context():
        mentor = accounts.create_person("Mel Reminder", MENTOR, PASSWORD, {Role.MENTOR})
        trainee = accounts.create_person("Rhi Reminded", TRAINEE, PASSWORD, {Role.TRAINEE})
        version = published_programme(today - timedelta(days=30))
        cohort = services.create_cohort("Reminded cohort", version.id)
        became = add_months(today, -36) + timedelta(days=40)
        given = services.EnrolmentInput(trainee.id, (mentor.id,), "Brook School", became)
        return services.enrol(cohort.id, given, today).id


def test_the_trainee_and_the_mentor_see_the_deadline_under_what_needs_you_and_follow_it(
    page: Page, deadline_close: int
) -> None:
    sign_in_with(page, TRAINEE, PASSWORD)
    needs = page.get_by_role("region", name="What needs you")
    expect(needs.get_by_role("link", name="Your SENCO qualification must be held by")).to_be_visible()
    expect(needs).to_contain_text("Due soon")
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_with(page, MENTOR, PASSWORD)
    needs = page.get_by_role("region", name="What needs you")
    needs.get_by_role("link", name="Rhi Reminded’s SENCO qualification must be held by").click()
    expect(page.get_by_role("heading", name="Rhi Reminded")).to_be_visible()
    assert page.url.endswith(f"/assessments/trainees/{deadline_close}")
