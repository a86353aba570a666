"""A person who forgot their password gets back in through the emailed link, then changes their
email address, confirming it from the new one; every page on the way passes axe."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text

from core.accounts import services
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PASSWORD, assert_accessible, live_database, sign_in_with

EMAIL = "forgetful.mentor@example.org"
NEW_PASSWORD = "amber kettle under nine bridges"
# How long the live server's job runner may take to write the email behind the page, on a machine
# busy with the other tests' jobs: a bound on the wait, not a target.
EMAIL_WAIT_SECONDS = 60.0


@pytest.fixture
def database(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The live server's database (the session's e2e folder), with a person of our own in it."""
    found = live_database(tmp_path_factory)
    url = f"sqlite:///{found}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(found.parent)})
    with app.app_context():
        if services.find_by_email(EMAIL) is None:
            services.create_person("Fran Forgetful", EMAIL, PASSWORD, {Role.MENTOR})
        db.engine.dispose()
    return url


def _emailed_link(url: str, kind: str, path: str) -> str:
    """The newest link of ``kind`` in the messages table, once the job behind the page wrote it."""
    engine = create_engine(url)
    try:
        deadline = time.monotonic() + EMAIL_WAIT_SECONDS
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                body = connection.execute(
                    text("SELECT body FROM message WHERE kind = :kind ORDER BY id DESC LIMIT 1"), {"kind": kind}
                ).scalar()
            match = re.search(rf"https?://[^/\s]+({path}/[\w-]+)", body or "")
            if match:
                return match.group(1)
            time.sleep(0.1)
    finally:
        engine.dispose()
    raise AssertionError(f"no {kind} email was written")


def test_a_person_resets_a_forgotten_password_then_changes_their_email(page: Page, database: str) -> None:
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()  # nothing typed
    expect(page.get_by_role("link", name="Enter an email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    page.goto(_emailed_link(database, "password_reset", "/account/reset"))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_text("You have been signed out everywhere else")).to_be_visible()

    page.get_by_role("link", name="Change email").click()
    expect(page.get_by_role("heading", name="Change your email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New email address").fill("fran.new@example.org")
    page.get_by_label("Current password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Send a confirmation link").click()
    expect(page.get_by_text("We have sent a link to fran.new@example.org")).to_be_visible()
    assert_accessible(page)

    page.goto(_emailed_link(database, "email_change_confirm", "/account/email"))
    expect(page.get_by_role("heading", name="Confirm your new email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm email address").click()
    expect(page.get_by_role("heading", name="Your email address has changed")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in_with(page, "fran.new@example.org", NEW_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
