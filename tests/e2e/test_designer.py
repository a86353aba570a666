"""A course designer composes, analyses, publishes, edits, republishes and compares a programme."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import assert_accessible, fill_programme_details, sign_in


def _add(page: Page, title: str) -> None:
    page.get_by_label(title, exact=True).check()
    page.get_by_role("button", name="Add selected modules").click()
    expect(page.get_by_text(f"‘{title}’ added")).to_be_visible()
    page.wait_for_load_state("load")  # the jump to the new module is done before anything is clicked


def _publish(page: Page, number: int) -> None:
    page.get_by_role("button", name=f"Publish version {number}").click()
    page.get_by_role("button", name=f"Yes, publish version {number}").click()


def test_a_designer_builds_publishes_and_revises_a_programme(page: Page):
    sign_in(page, Role.DESIGNER)
    page.get_by_role("button", name="Create a programme").click()
    assert_accessible(page)
    fill_programme_details(page, "SENCO cohort 2026", weeks="10")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SENCO cohort 2026")

    page.get_by_role("button", name="Add modules from the catalogue").click()
    assert_accessible(page)
    page.get_by_label("Curriculum area").select_option(label="Identification of need and in-school screening")
    page.get_by_role("button", name="Filter").click()
    _add(page, "Screening reading and spelling")

    # Publishing without SEND law is refused, and the summary says which area is missing.
    _publish(page, 1)
    expect(page.locator(".govuk-error-summary")).to_contain_text("SEND law and the statutory framework")
    assert_accessible(page)

    page.get_by_role("button", name="Add modules from the catalogue").click()
    _add(page, "The Children and Families Act and the Code of Practice")
    # 5 + 6 = 11 hours over 10 weeks = 1.1 hours a week.
    figures = page.locator(".app-figures")
    expect(figures).to_contain_text("11")
    expect(figures).to_contain_text("1.1")
    page.get_by_role("button", name="Move up The Children and Families Act and the Code of Practice").click()
    expect(page.locator("table.app-modules tbody tr").first).to_contain_text("The Children and Families Act")
    assert_accessible(page)

    _publish(page, 1)
    expect(page.get_by_text("Version 1 published.")).to_be_visible()

    page.get_by_role("button", name="Edit (start a new draft)").click()
    page.get_by_role("link", name="Change Screening reading and spelling").click()
    assert_accessible(page)
    page.get_by_label("Hours").fill("8")
    page.get_by_role("button", name="Save module").click()
    _publish(page, 2)
    expect(page.get_by_text("Version 2 published.")).to_be_visible()

    page.get_by_role("link", name=re.compile("what changed")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from Version 1 to Version 2")
    expect(page.get_by_text("Hours: 5 → 8")).to_be_visible()
    assert_accessible(page)


def test_the_catalogue_pages_are_accessible(page: Page):
    sign_in(page, Role.DESIGNER)
    page.get_by_role("link", name="Catalogue", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue of SENCO curriculum modules")
    assert_accessible(page)
    page.get_by_role("link", name="EHC needs assessments, plans and their timelines").click()
    expect(page.get_by_text("Learn that the local authority must decide within 6 weeks")).to_be_visible()
    assert_accessible(page)
