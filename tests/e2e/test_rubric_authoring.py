"""A designer authors a rubric in the browser, tries it, publishes it and finds it in use."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import assert_accessible, choose_level, sign_in


def test_a_designer_authors_tries_and_publishes_a_rubric(page: Page):
    sign_in(page, Role.DESIGNER)
    page.goto("/competencies/rubrics")
    page.get_by_role("button", name="Create a rubric").click()
    assert_accessible(page)
    page.get_by_label("Rubric title").fill("Chair a multi-agency meeting")
    page.get_by_label("Levels and weights, with a pass mark").check()
    # Only the analytic model's own setting shows once it is chosen.
    expect(page.get_by_label("Pass mark (per cent)")).to_be_visible()
    expect(page.get_by_label("Most minor faults allowed")).to_be_hidden()
    page.get_by_label("Pass mark (per cent)").fill("60")
    page.get_by_label("Working with other professionals").check()
    page.get_by_label("Observed scenario it scores (optional)").select_option(
        label="Lead the annual review of an EHC plan"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Add at least one criterion")).to_be_visible()
    assert_accessible(page)

    for title, weight, critical in [("Keeps the child's voice central", "2", "2"), ("Agrees actions", "1", "")]:
        page.get_by_role("button", name="Add a criterion").click()
        page.get_by_label("Criterion", exact=True).fill(title)
        page.get_by_label("Weight", exact=True).fill(weight)
        page.get_by_label("Must-meet level (optional)").fill(critical)
        page.get_by_label("Levels", exact=True).fill("Absent: not seen\nPartial: sometimes\nSecure: throughout")
        page.get_by_role("button", name="Save criterion").click()
        # The rubric's page lists the saved criterion: the next click is on that page, not on the form.
        expect(page.get_by_text(title, exact=True).first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add a fault").click()
    page.get_by_label("Fault", exact=True).fill("Shares a pupil's details without consent")
    page.get_by_label("Dangerous: the observation is not yet met").check()
    page.get_by_label("Yes, whatever else went well").check()
    assert_accessible(page)
    page.get_by_role("button", name="Save fault").click()
    expect(page.get_by_role("cell", name="Shares a pupil's details without consent", exact=True)).to_be_visible()

    choose_level(page, "Keeps the child's voice central", "3")
    choose_level(page, "Agrees actions", "1")
    page.get_by_role("button", name="Try the rubric").click()
    # (2×3 + 1×1) / 9 = 78 % ≥ 60 %, voice at 3 ≥ 2: met.
    expect(page.locator(".app-result")).to_contain_text("Outcome: met")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Version 1 published. It will never change.")).to_be_visible()
    expect(page.get_by_text("Assesses: Working with other professionals")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Rubrics", exact=True).click()
    row = page.get_by_role("row").filter(has_text="Chair a multi-agency meeting")
    expect(row).to_contain_text("Published")

    # In use: the scenario it scores lists it beside the library's own rubric.
    page.goto("/competencies/scenarios/annual-review")
    page.get_by_role("link", name="Chair a multi-agency meeting").click()
    expect(page.get_by_text("Scores the observed scenario Lead the annual review of an EHC plan.")).to_be_visible()
