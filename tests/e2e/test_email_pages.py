"""The Outbox and "How we email you" in a real browser, accessible, errors included."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import assert_accessible, sign_in


def test_an_admin_opens_the_outbox_from_the_menu(page: Page):
    sign_in(page, Role.ADMIN)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Outbox").click()
    expect(page).to_have_url(re.compile(r"/admin/outbox/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    expect(page.get_by_text("No mail server is set up")).to_be_visible()
    assert_accessible(page)


def test_a_trainee_chooses_a_daily_digest_and_no_reminders_from_the_header(page: Page):
    sign_in(page, Role.TRAINEE)
    page.get_by_role("link", name="How we email you").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How we email you")
    expect(page.get_by_text("Security emails always come at once")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Send one email a day listing everything").check()
    page.get_by_label("No, no reminders").check()
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_text("Your choices have been saved.")).to_be_visible()
    expect(page.get_by_label("Send one email a day listing everything")).to_be_checked()
    expect(page.get_by_label("No, no reminders")).to_be_checked()
    assert_accessible(page)
