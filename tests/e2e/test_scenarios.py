"""A designer reads a scenario and tries its rubric in the browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import assert_accessible, choose_level, levels_of, sign_in


def test_a_designer_tries_the_annual_review_rubric(page: Page):
    sign_in(page, Role.DESIGNER)
    page.get_by_role("link", name="Scenarios and rubrics").click()
    assert_accessible(page)
    page.get_by_role("link", name="Lead the annual review of an EHC plan").click()
    strong = "The trainee tracked every deadline, told the family what happens at each step and when, and sent the report within 2 weeks."
    expect(page.get_by_role("definition").filter(has_text=strong)).to_be_visible()  # in the rubric
    strong_radio = levels_of(page, "Follows the statutory timelines").get_by_role("radio", name="4: Strong")
    expect(strong_radio).to_have_accessible_description(strong)  # and beside its radio in the try-out
    expect(page.get_by_text("Sign-off needs observations by more than one of these people.")).to_be_visible()
    for label, level in [
        ("Follows the statutory timelines", "3"),
        ("States the facts and the law accurately", "3"),
        ("Keeps the child's voice central", "3"),
        ("Reviews progress against each outcome with evidence", "3"),
        ("Chairs the meeting so every participant contributes", "3"),
        ("Ends with agreed amendments and actions", "2"),
    ]:
        choose_level(page, label, level)
    page.get_by_role("button", name="Try the rubric").click()
    # (3 + 3 + 2×3 + 3 + 3 + 2) / 28 = 20/28 = 71 % ≥ 70 %, must-meet criteria at 3: met.
    expect(page.locator(".app-result")).to_contain_text("Outcome: met")
    expect(page.locator(".app-result")).to_contain_text("The weighted score is 71%, reaching the 70% needed.")
    assert_accessible(page)


def test_a_designer_records_named_faults_on_the_screening_rubric(page: Page):
    sign_in(page, Role.DESIGNER)
    page.goto("/competencies/scenarios/screening-assessment")
    expect(page.get_by_role("heading", name="Faults a mentor can record")).to_be_visible()
    slip = page.get_by_label("A small slip in administration that does not change the score", exact=True)
    expect(slip).to_have_accessible_description(re.compile(r"^Minor fault\."))
    slip.fill("2")
    diagnosis = page.get_by_label("Presents a screening result as a diagnosis", exact=True)
    expect(diagnosis).to_have_accessible_description(re.compile(r"^Serious fault; fails the observation on its own\."))
    diagnosis.fill("1")
    page.get_by_role("button", name="Try the rubric").click()
    result = page.locator(".app-result")
    expect(result).to_contain_text("Outcome: not yet met")
    expect(result).to_contain_text("‘Presents a screening result as a diagnosis’")
    assert_accessible(page)
