"""A course designer makes a cohort's training plans into a ZIP in the browser: the progress page
updates itself with JavaScript, and without it works with a refresh link; both pass axe."""

from __future__ import annotations

import time
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PASSWORD, PEOPLE, assert_accessible, live_database, sign_in

TRAINEES = ("Plan Trainee Ŵyn", "Plan Trainee Two")


@pytest.fixture(scope="module")
def plans_cohort(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> int:
    """A cohort of two trainees in the live server's database (found where live_server made it)."""
    database = live_database(tmp_path_factory)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "INSTANCE_PATH": str(database.parent),
            "JOBS_RUNNER": "none",
        }
    )
    today = date.today()
    with app.app_context():
        mentor = db.session.scalar(select(User).where(User.email == PEOPLE[Role.MENTOR][1]))
        version = published_programme(today - timedelta(days=30))
        cohort = services.create_cohort("Plans cohort", version.id)
        for number, name in enumerate(TRAINEES):
            trainee = accounts.create_person(name, f"plan.trainee{number}@example.org", PASSWORD, {Role.TRAINEE})
            services.enrol(cohort.id, services.EnrolmentInput(trainee.id, (mentor.id,), "Hill Primary"), today)
        cohort_id = cohort.id
        db.engine.dispose()
    return cohort_id


def check_zip(path: str) -> None:
    archive = zipfile.ZipFile(path)
    assert archive.namelist() == ["001-plan-trainee-wyn.pdf", "002-plan-trainee-two.pdf"]
    assert all(archive.read(name).startswith(b"%PDF-") for name in archive.namelist())


def test_the_progress_page_updates_itself_then_offers_the_zip(page: Page, plans_cohort: int):
    sign_in(page, Role.DESIGNER)
    page.goto(f"/assessments/cohorts/{plans_cohort}")
    assert_accessible(page)
    page.get_by_role("button", name="Make all training plans as a ZIP").click()
    expect(page.get_by_role("heading", name="Training plans as a ZIP")).to_be_visible()
    expect(page.get_by_label("Plans made")).to_be_attached()
    assert_accessible(page)
    page.evaluate("window.stillThisPage = true")  # gone if the page were loaded again

    expect(page.get_by_role("heading", name="Your training plans are ready")).to_be_visible(timeout=180_000)
    assert page.evaluate("window.stillThisPage") is True
    expect(page.get_by_text("Refresh this page")).to_be_hidden()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the ZIP").click()
    assert download.value.suggested_filename == "training-plans-plans-cohort.zip"
    check_zip(download.value.path())


@pytest.fixture
def page_without_javascript(browser: Browser, live_server: str) -> Iterator[Page]:
    """A browser that loads none of the site's scripts, as when JavaScript is off or a script fails
    to arrive. (Turning JavaScript off in chromium would also stop axe, which runs as a script.)"""
    context = browser.new_context(base_url=live_server)
    context.route("**/*", lambda route: route.abort() if route.request.resource_type == "script" else route.continue_())
    yield context.new_page()
    context.close()


def test_without_javascript_a_refresh_link_follows_the_progress_to_the_download(
    page_without_javascript: Page, plans_cohort: int
):
    page = page_without_javascript
    sign_in(page, Role.DESIGNER)
    page.goto(f"/assessments/cohorts/{plans_cohort}")
    page.get_by_role("button", name="Make all training plans as a ZIP").click()
    expect(page.get_by_label("Plans made")).to_be_attached()
    expect(page.get_by_text("plans made", exact=False).or_(page.get_by_text("Waiting to start")).first).to_be_visible()
    assert_accessible(page)
    deadline = time.monotonic() + 180
    while not page.get_by_role("heading", name="Your training plans are ready").is_visible():
        assert time.monotonic() < deadline, "the plans were not made in time"
        time.sleep(1)
        with page.expect_navigation():  # the next check reads the reloaded page, not the one being left
            page.get_by_role("link", name="Refresh this page").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the ZIP").click()
    check_zip(download.value.path())
