"""Signing in as each role in a real browser, with accessibility checked on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import PEOPLE, assert_accessible, sign_in, sign_in_with

HOMES = {
    Role.ADMIN: ("/admin/people/", "People"),
    Role.DESIGNER: ("/curriculum/", "Programmes"),
    Role.MENTOR: ("/assessments/observations", "Observations"),
    Role.TRAINEE: ("/assessments/my-training", "My training"),
    Role.MODERATOR: ("/assessments/moderation", "Moderation"),
}
NAV_ITEMS = {
    "People",
    "Audit log",
    "Outbox",
    "Programmes",
    "Scenarios and rubrics",
    "Observations",
    "My training",
    "Moderation",
    "Moderated",
}
NAV_FOR = {
    Role.ADMIN: {"People", "Audit log", "Outbox"},
    Role.DESIGNER: {"Programmes", "Scenarios and rubrics"},
    Role.MENTOR: {"Observations", "Moderated"},
    Role.TRAINEE: {"My training"},
    Role.MODERATOR: {"Moderation"},
}


def test_the_sign_in_page_is_accessible_and_styled(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    expect(page).to_have_title("Sign in – NPQ SENCO designer")
    # The GOV.UK stylesheet loaded and applied (a bare page would show browser defaults).
    button = page.get_by_role("button", name="Sign in")
    assert (
        button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(15, 122, 82)"
    )  # GOV.UK Frontend 6 green
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
    assert_accessible(page)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_its_own_accessible_home_and_signs_out(page: Page, role: Role):
    sign_in(page, role)
    path, heading = HOMES[role]
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator(".app-header__person")).to_have_text(PEOPLE[role][0])
    nav = page.get_by_role("navigation", name="Main menu")
    for item in NAV_ITEMS:
        expect(nav.get_by_role("link", name=item, exact=True)).to_have_count(1 if item in NAV_FOR[role] else 0)
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_a_wrong_password_shows_an_error_summary_that_links_to_the_field(page: Page):
    sign_in_with(page, "admin@example.org", "not the password at all")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JS moves focus to the summary
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile("^Error: Sign in"))
    assert_accessible(page)


def test_a_designer_is_refused_admin_pages(page: Page):
    sign_in(page, Role.DESIGNER)
    response = page.goto("/admin/people/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have permission to see this page")
    assert_accessible(page)


def test_an_admin_adds_a_person_and_edits_their_roles_in_the_browser(page: Page):
    sign_in(page, Role.ADMIN)
    page.get_by_role("button", name="Add a person").click()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Pat Practitioner")
    page.get_by_label("Email address").fill("pat@school.example")
    page.get_by_label("Mentor").check()
    page.get_by_label("Trainee").check()
    page.get_by_label("Set a password for them").check()
    page.get_by_label("Temporary password").fill("a temporary password")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("Pat Practitioner has been added.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="pat@school.example")
    expect(row).to_contain_text("Mentor, Trainee")
    assert_accessible(page)

    row.get_by_role("link", name="Edit").click()
    page.get_by_label("Trainee").uncheck()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("row").filter(has_text="pat@school.example")).to_contain_text("Mentor")
    expect(page.get_by_role("row").filter(has_text="pat@school.example")).not_to_contain_text("Trainee")


def test_an_admin_reads_the_audit_log_filters_it_and_is_told_of_a_date_that_cannot_be(page: Page):
    sign_in(page, Role.ADMIN)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Audit log", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    assert_accessible(page)

    page.get_by_label("Whose record").fill("mentor@example.org")
    page.get_by_label("What they did").select_option(label="Added a person")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("tbody tr").first).to_contain_text("Mo Mentor")
    expect(page.locator("tbody tr").first).to_contain_text("Added a person")
    assert_accessible(page)

    date_from = page.get_by_role("group", name="Date from")
    date_from.get_by_label("Day").fill("31")
    date_from.get_by_label("Month").fill("2")
    date_from.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Filter").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Date from must be a real date")).to_have_attribute(
        "href", "#date_from-day"
    )
    expect(page).to_have_title(re.compile("^Error: Audit log"))
    assert_accessible(page)


def test_the_404_page_is_in_the_layout_and_accessible(page: Page):
    response = page.goto("/nowhere")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)
