"""An administrator adds people from a CSV file in the browser: a file with problems is refused with
each problem by line and column, a good one is previewed (who is new, who exists), then
imported; the new people show as invited, not yet accepted."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import PEOPLE, assert_accessible, sign_in


def test_an_administrator_imports_people_from_a_csv_file_after_checking_the_preview(page: Page, tmp_path):
    sign_in(page, Role.ADMIN)
    page.goto("/admin/people/")
    page.get_by_role("button", name="Add people from a CSV file").click()
    expect(page.get_by_role("heading", name="Add people from a CSV file")).to_be_visible()
    assert_accessible(page)

    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,roles\r\nRin Rowe,not-an-email,trainee\r\nSol Smith,sol@school.example,wizard\r\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("Line 2, column email: ‘not-an-email’ is not an email address")
    expect(problems).to_contain_text("Line 3, column roles: ‘wizard’ is not a role")
    assert_accessible(page)

    designer_name, designer_email = PEOPLE[Role.DESIGNER]
    good = tmp_path / "good.csv"
    good.write_text(
        "name,email,roles\r\n"
        "Rin Rowe,rin.rowe@school.example,trainee\r\n"
        f"{designer_name},{designer_email},Course designer\r\n",
        encoding="utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Check the people before you import it")).to_be_visible()
    preview = page.locator(".govuk-summary-list")
    expect(preview).to_contain_text("Line 2: Rin Rowe (rin.rowe@school.example)")
    expect(preview).to_contain_text(f"({designer_email})")
    expect(preview).to_contain_text("Exists, unchanged")
    expect(page.get_by_text("never removes a role")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import people").click()

    expect(page.get_by_text("1 person added and invited by email, 0 changed.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="rin.rowe@school.example")
    expect(row).to_contain_text("Not accepted yet")
    expect(row.get_by_role("button", name="Resend invitation to Rin Rowe")).to_be_visible()
    assert_accessible(page)
