"""An administrator exports a person's data from their page in the browser: the progress page
updates itself, then offers the PDF; both pages pass axe."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests import pdf_reading
from tests.e2e.conftest import PEOPLE, assert_accessible, sign_in


def test_an_administrator_exports_a_trainees_personal_data_as_a_pdf(page: Page):
    name = PEOPLE[Role.TRAINEE][0]
    sign_in(page, Role.ADMIN)
    page.goto("/admin/people/")
    page.get_by_role("link", name=f"Edit {name}").click()
    expect(page.get_by_role("heading", name="Personal data")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Export as PDF the personal data of {name}").click()
    expect(page.get_by_role("heading", name="Personal data as PDF")).to_be_visible()
    assert_accessible(page)

    expect(page.get_by_role("heading", name="The personal data is ready")).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Refresh this page")).to_be_hidden()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the PDF").click()
    assert download.value.suggested_filename == "personal-data-tia-trainee.pdf"
    assert f"Personal data held about {name}" in pdf_reading.text(Path(download.value.path()).read_bytes())
