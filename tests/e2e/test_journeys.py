"""Journeys that flow (issue 11): adding modules in bulk, confirmations, GOV.UK error messages
used with the keyboard alone, tables on a 320 px screen, and deactivating a person.

Set E2E_SCREENSHOTS=<folder> to keep a full-page screenshot of each page the journeys change.
"""

from __future__ import annotations

import os
import re
from itertools import count
from pathlib import Path

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import assert_accessible, fill_programme_details, sign_in

TEN_MODULES = [
    "The Children and Families Act and the Code of Practice",
    "EHC needs assessments, plans and their timelines",
    "Screening reading and spelling",
    "Screening handwriting speed, working memory and visual processing",
    "The graduated approach",
    "Designing and evaluating a provision map",
    "Deploying teaching assistants",
    "Co-production with families",
    "The child's voice",
    "Advocating for pupils and families",
]
_names = count(1)


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _create(page: Page, name: str, from_the_list: bool = False) -> None:
    if not from_the_list:
        page.get_by_role("link", name="Programmes", exact=True).click()
    page.get_by_role("button", name="Create a programme").click()
    fill_programme_details(page, name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    page.wait_for_load_state("load")  # a click before "load" would cut the page's load short (and its count)


def _add(page: Page, titles: list[str]) -> None:
    page.get_by_role("button", name="Add modules from the catalogue").click()
    for title in titles:
        page.get_by_label(title, exact=True).check()
    page.get_by_role("button", name="Add selected modules").click()
    expect(page.get_by_text(re.compile(r"\badded \("))).to_be_visible()
    page.wait_for_load_state("load")  # the jump to the new modules is done before anything is clicked


def test_ten_modules_from_the_catalogue_take_four_page_loads_from_the_programmes_list(page: Page):
    sign_in(page, Role.DESIGNER)
    page.get_by_role("link", name="Programmes", exact=True).click()
    page.wait_for_load_state()
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    name = f"Ten modules {next(_names)}"
    _create(page, name, from_the_list=True)
    page.get_by_role("button", name="Add modules from the catalogue").click()
    status = page.get_by_role("status").filter(has_text="selected")
    expect(status).to_have_text("No modules selected")
    for title in TEN_MODULES:
        page.get_by_label(title, exact=True).check()
    expect(status).to_have_text("10 modules selected")
    assert_accessible(page)
    _shot(page, "add-modules-selected")
    page.get_by_role("button", name="Add selected modules").click()
    expect(page.get_by_text("10 modules added")).to_be_visible()
    expect(page.locator("table.app-modules tbody tr")).to_have_count(10)
    page.wait_for_load_state("load")
    # The new-programme form, the programme, the catalogue, the programme again (13 before).
    assert len(loads) == 4, loads
    # …and the page is where the new modules are, not at the top.
    assert page.url.endswith("#module-send-law-foundations")
    assert page.evaluate("window.scrollY") > 0
    assert_accessible(page)
    _shot(page, "programme-ten-modules")


def _from_programmes(page: Page, button: str) -> None:
    """A designer signs in, opens their programmes and presses ``button`` there."""
    sign_in(page, Role.DESIGNER)
    page.get_by_role("link", name="Programmes", exact=True).click()
    page.get_by_role("button", name=button).click()


def test_the_error_summary_takes_a_keyboard_user_to_the_day_box(page: Page):
    _from_programmes(page, "Create a programme")
    fill_programme_details(page, "Keyboard only", start=("31", "2", "2026"), weeks="six", provider="Hub")
    page.get_by_label("Length in weeks").press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary on load
    expect(summary).to_contain_text("Enter the cohort start date as a real date")
    expect(summary).to_contain_text("Enter the length in weeks as a whole number, like 78")
    expect(page.locator("body")).not_to_contain_text("Not a valid")
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    _shot(page, "create-programme-errors")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Enter the cohort start date as a real date")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#cohort_start-day")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("28")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Length in weeks")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("78")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard only")
    expect(page.get_by_text("28 February 2026")).to_be_visible()


def test_on_a_320_pixel_screen_the_modules_reflow_and_remove_lines_up(page: Page):
    sign_in(page, Role.DESIGNER)
    _create(page, f"Small screen {next(_names)}")
    _add(page, TEN_MODULES[:3])
    rows = page.locator("table.app-modules tbody tr")
    expect(rows).to_have_count(3)
    # On a desktop, Remove starts at the same x on every row, whether or not the row can move up.
    lefts = {round(page.get_by_role("button", name=f"Remove {t}").bounding_box()["x"]) for t in TEN_MODULES[:3]}
    assert len(lefts) == 1, lefts

    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for title in TEN_MODULES[:3]:
        remove = page.get_by_role("button", name=f"Remove {title}")
        box = remove.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (title, box)
    # Each cell is labelled by its column, as the hidden header row no longer shows it.
    labels = rows.first.locator("td").evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Order: "', '"Module: "', '"Term or block: "', '"Hours: "', '"Actions: "'], labels
    assert_accessible(page)
    _shot(page, "programme-320px")

    page.get_by_role("button", name="Add modules from the catalogue").click()
    # The button is a link: measure the page it opens once it shows, not the gap between the two pages.
    expect(page.get_by_role("heading", name="Add modules from the catalogue", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)


def test_publish_and_remove_are_confirmed_and_any_two_versions_compared(page: Page):
    sign_in(page, Role.DESIGNER)
    _create(page, f"Confirmations {next(_names)}")
    _add(page, TEN_MODULES[:3])

    page.get_by_role("button", name=f"Remove {TEN_MODULES[2]}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Remove ‘{TEN_MODULES[2]}’ from the draft?")
    assert_accessible(page)
    _shot(page, "confirm-remove")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.locator("table.app-modules tbody tr")).to_have_count(3)

    page.get_by_role("button", name="Publish version 1").click()
    expect(page.get_by_text("Publishing cannot be undone")).to_be_visible()
    assert_accessible(page)
    _shot(page, "confirm-publish")
    page.get_by_role("button", name="Yes, publish version 1").click()
    expect(page.get_by_text("Version 1 published.")).to_be_visible()

    page.get_by_role("button", name="Edit (start a new draft)").click()
    page.get_by_role("button", name=f"Remove {TEN_MODULES[0]}").click()
    page.get_by_role("button", name="Yes, remove it").click()
    expect(page.get_by_text(f"‘{TEN_MODULES[0]}’ removed.")).to_be_visible()

    # The first module now needs the second, which runs after it: the page says so until it moves.
    page.get_by_role("link", name=f"Change {TEN_MODULES[1]}").click()
    page.get_by_label(TEN_MODULES[2]).check()
    page.get_by_label("Term or block (optional)").fill("Autumn term")
    page.get_by_role("button", name="Save module").click()
    warning = page.locator("#running-order-warning")
    expect(warning).to_contain_text(f"‘{TEN_MODULES[1]}’ runs before its prerequisite ‘{TEN_MODULES[2]}’")
    expect(page.locator("table.app-modules")).to_contain_text("Autumn term")
    assert_accessible(page)
    _shot(page, "programme-prerequisite-warning")
    page.get_by_role("button", name=f"Move up {TEN_MODULES[2]}").click()
    expect(warning).to_have_count(0)

    page.get_by_label("From").select_option(label="Version 1")
    page.get_by_label("To").select_option(label="Draft")
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes from Version 1 to draft")
    expect(page.get_by_role("heading", name="Running order changed")).to_be_visible()
    expect(
        page.get_by_text(
            re.compile(f"‘({re.escape(TEN_MODULES[1])}|{re.escape(TEN_MODULES[2])})’ now comes (after|first)")
        )
    ).to_be_visible()
    expect(page.get_by_text(f"Prerequisites: none → {TEN_MODULES[2]}")).to_be_visible()
    assert_accessible(page)
    _shot(page, "compare")


def test_a_catalogue_module_is_added_from_its_own_page_which_stays_put(page: Page):
    sign_in(page, Role.DESIGNER)
    name = f"From the module page {next(_names)}"
    _create(page, name)
    page.get_by_role("link", name="Catalogue", exact=True).click()
    page.get_by_role("link", name="Designing and evaluating a provision map").click()
    page.get_by_role("button", name=f"Add to {name}", exact=True).click()
    expect(page.get_by_text("‘Designing and evaluating a provision map’ added")).to_be_visible()
    assert page.url.endswith("#add-to-programme")
    expect(page.get_by_role("heading", level=1)).to_have_text("Designing and evaluating a provision map")
    expect(page.get_by_role("link", name=name)).to_be_visible()
    assert_accessible(page)
    _shot(page, "catalogue-module-added")


def test_the_import_page_uses_the_gov_uk_file_upload(page: Page):
    _from_programmes(page, "Import a programme")
    expect(page.locator('[data-module="govuk-file-upload"]')).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile("Choose file"))).to_be_visible()
    assert_accessible(page)
    _shot(page, "import-file-upload")


def test_an_admin_deactivates_a_person_after_confirming_and_a_failed_search_helps(page: Page):
    sign_in(page, Role.ADMIN)
    page.get_by_role("link", name="Edit Mo Mentor").click()
    expect(page.get_by_label("Account is active")).to_have_count(0)
    _shot(page, "person-edit")
    page.get_by_role("button", name="Deactivate Mo Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deactivate Mo Mentor?")
    assert_accessible(page)
    _shot(page, "confirm-deactivate")
    page.get_by_role("button", name="Yes, deactivate").click()
    expect(page.get_by_text("Mo Mentor has been deactivated")).to_be_visible()
    page.get_by_role("link", name="Edit Mo Mentor").click()
    page.get_by_role("button", name="Reactivate Mo Mentor").click()
    expect(page.get_by_text("Mo Mentor has been reactivated")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_label("Search by name or email").fill("Zebedee")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="No one matches “Zebedee”")).to_be_visible()
    expect(page.get_by_text("part of a name only, like “Zebe”")).to_be_visible()
    assert_accessible(page)
    _shot(page, "people-no-match")


def test_on_a_320_pixel_screen_the_people_table_scrolls_inside_its_box_not_the_page(page: Page):
    sign_in(page, Role.ADMIN)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(page.url.split("/admin/")[0] + "/admin/people/")
    expect(page.get_by_role("link", name="Edit Mo Mentor")).to_be_attached()
    # The hidden words of "Edit Mo Mentor" sat past the table's edge and made the page scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
