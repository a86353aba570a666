"""A designer starts a cohort and enrols its trainees from a CSV file in the browser: a file with
problems is refused with each problem by line and column, a good one is previewed, then confirmed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from assessments.demo import published_programme
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PEOPLE, assert_accessible, live_database, sign_in


@pytest.fixture
def published(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """A published programme version to start the cohort on (the programme pages are tested elsewhere)."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    with app.app_context():
        published_programme(date.today() - timedelta(days=30))
        db.engine.dispose()


def test_a_designer_enrols_trainees_from_a_csv_file_after_checking_the_preview(page: Page, published: None, tmp_path):
    sign_in(page, Role.DESIGNER)
    page.goto("/assessments/cohorts")
    page.get_by_label("Cohort name").fill("CSV cohort")
    page.get_by_label("Programme version").select_option(index=0)
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", name="CSV cohort")).to_be_visible()
    page.get_by_role("link", name="Enrol trainees from a CSV file").click()
    assert_accessible(page)

    trainee, mentor = PEOPLE[Role.TRAINEE][1], PEOPLE[Role.MENTOR][1]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"trainee_email,mentor_emails,became_senco\r\n{trainee},nobody@example.org,31/02/2025\r\n", encoding="utf-8"
    )
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Line 2, column became_senco: 31/02/2025 is not a date")
    expect(problems).to_contain_text("Line 2, column mentor_emails: No mentor has the email address nobody@example.org")
    assert_accessible(page)

    good = tmp_path / "good.csv"
    good.write_text(
        "\ufefftrainee_email,mentor_emails,school,became_senco,earlier_service\r\n"
        f"{trainee},{mentor},Hill Primary,1/9/2024,1/9/2019 to 31/8/2020\r\n",
        encoding="utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the enrolments before you import it")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text(f"Line 2: {PEOPLE[Role.TRAINEE][0]} ({trainee})")
    assert_accessible(page)
    page.get_by_role("button", name="Import enrolments").click()

    expect(page.get_by_text("1 trainee enrolled.")).to_be_visible()
    row = page.get_by_role("row", name=PEOPLE[Role.TRAINEE][0])
    expect(row).to_contain_text("Hill Primary")
    expect(row).to_contain_text("On track")
    assert_accessible(page)

    # The enrolment can be changed (a second mentor), and the cohort's settings page is accessible too.
    page.get_by_role("link", name=f"Change {PEOPLE[Role.TRAINEE][0]}’s enrolment").click()
    assert_accessible(page)
    page.get_by_label("The head teacher is the SENCO").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Enrolment saved.")).to_be_visible()
    expect(page.get_by_role("row", name=PEOPLE[Role.TRAINEE][0])).to_contain_text("Head teacher as SENCO")
    page.get_by_role("link", name="Assessment settings and rubric versions").click()
    assert_accessible(page)
    page.get_by_label("Met observations needed for sign-off (K)").fill("2")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
