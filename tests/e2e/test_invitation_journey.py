"""The issue's journey, in the browser against a server that sends real email to a real SMTP server:
an administrator imports a CSV of 3 people; the invited trainee follows the emailed link, chooses a
password and asks for an observation; the mentor receives that email, accepts (after choosing a
password through their own invitation), and the trainee receives the answer."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from email.message import Message

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.serving import make_server

from assessments import services as assessments
from assessments.demo import published_programme
from core.accounts import services as accounts
from core.accounts.roles import Role
from core.app import create_app
from core.content import loaders
from core.extensions import db
from tests.e2e.conftest import PASSWORD, assert_accessible, sign_in_with
from tests.smtp import SmtpServer

COHORT = "Invitation journey cohort"
ADMIN = "journey.admin@example.org"
TRAINEE, MENTOR, MODERATOR = "tara.new@hill.example", "max.new@hill.example", "mel.new@vale.example"
SCENARIO = "Lead the annual review of an EHC plan"
NEW_PASSWORDS = {TRAINEE: "kettle harbour lantern fig", MENTOR: "copper meadow violin drum"}
EMAIL_WAIT_SECONDS = 60.0  # how long the job runner may take to send on a busy machine (a wait, not a target)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mailing_server(smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a port of its own, its SQLite file of its own, sending email over SMTP by the local job runner."""
    folder = tmp_path_factory.mktemp("journey")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'journey.sqlite3'}",
            "INSTANCE_PATH": str(folder),
            "SESSION_COOKIE_SECURE": False,
            "JOBS_RUNNER": "local",
            **smtp.config(),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"  # the links in the emails
    with app.app_context():
        upgrade()
        for loader in loaders():
            loader.load()
        accounts.create_person("Jo Admin", ADMIN, PASSWORD, {Role.ADMIN})
        version = published_programme(date.today() - timedelta(days=30))
        assessments.create_cohort(COHORT, version.id)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app.config["BASE_URL"]
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def _text(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def email_to(smtp: SmtpServer, address: str, subject: str) -> str:
    """The text of the email to ``address`` whose subject contains ``subject``, once it has arrived."""
    deadline = time.monotonic() + EMAIL_WAIT_SECONDS
    while time.monotonic() < deadline:
        for message in list(smtp.messages):
            if address in message["To"] and subject in message["Subject"]:
                return _text(message)
        time.sleep(0.2)
    arrived = [(m["To"], m["Subject"]) for m in smtp.messages]
    raise AssertionError(f"no email to {address} about {subject!r}; arrived: {arrived}")


def link_in(text: str, base: str) -> str:
    match = re.search(re.escape(base) + r"(/\S+)", text)
    assert match, text
    return match.group(1)


def _person(browser: Browser, base: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(base_url=base)
    return context, context.new_page()


def _choose_password(page: Page, path: str, password: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm password").fill(password)
    page.get_by_role("button", name="Save password and sign in").click()
    expect(page.get_by_text("Your password has been saved")).to_be_visible()


def test_imported_people_are_invited_by_email_and_the_request_and_its_answer_arrive_by_email(
    browser: Browser, mailing_server: str, smtp: SmtpServer, tmp_path
) -> None:
    base = mailing_server
    admin, page = _person(browser, base)
    sign_in_with(page, ADMIN, PASSWORD)
    page.goto("/admin/people/")
    page.get_by_role("button", name="Add people from a CSV file").click()
    people = tmp_path / "people.csv"
    people.write_text(
        "name,email,roles,cohort,mentor_emails,school,became_senco\r\n"
        f"Max New,{MENTOR},mentor,,,,\r\n"
        f"Tara New,{TRAINEE},trainee,{COHORT},{MENTOR},Hill Primary School,1/9/2025\r\n"
        f"Mel New,{MODERATOR},moderator,,,,\r\n",
        encoding="utf-8",
    )
    page.locator("input[type=file]").set_input_files(str(people))
    page.get_by_role("button", name="Check the file").click()
    assert_accessible(page)
    page.get_by_role("button", name="Import people").click()
    expect(page.get_by_text("3 people added and invited by email")).to_be_visible()
    admin.close()

    # The trainee follows their emailed link, chooses a password and asks to be observed.
    invitation = email_to(smtp, TRAINEE, "You have been invited")
    assert "Tara New" in invitation and "7 days" in invitation
    trainee, page = _person(browser, base)
    _choose_password(page, link_in(invitation, base), NEW_PASSWORDS[TRAINEE])
    page.goto("/assessments/my-training")
    page.get_by_role("region", name=COHORT).get_by_role("link", name="Ask a mentor to observe you").click()
    page.get_by_label("Scenario").select_option(label=SCENARIO)
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("region", name=COHORT).locator(".app-my-requests")).to_contain_text("waiting for an answer")

    # The mentor gets the request by email; they set their password through their own invitation first.
    request = email_to(smtp, MENTOR, "Tara New asked you to observe them")
    assert SCENARIO in request
    mentor, page = _person(browser, base)
    _choose_password(page, link_in(email_to(smtp, MENTOR, "You have been invited"), base), NEW_PASSWORDS[MENTOR])
    page.goto(link_in(request, base))
    assert_accessible(page)
    planned = date.today() + timedelta(days=3)
    page.get_by_label("Day").fill(str(planned.day))
    page.get_by_label("Month").fill(str(planned.month))
    page.get_by_label("Year").fill(str(planned.year))
    page.get_by_role("button", name="Accept").click()
    mentor.close()

    # The trainee is told, with the date, and the link opens their requests.
    answer = email_to(smtp, TRAINEE, "Your mentor will observe you on")
    assert f"{planned.day} {planned:%B %Y}" in answer
    page = trainee.pages[0]
    page.goto(link_in(answer, base))
    expect(page.get_by_role("region", name=COHORT).locator(".app-my-requests")).to_contain_text("accepted")
    trainee.close()
    # The moderator was invited too; nobody was sent anything else.
    assert "Mel New" in email_to(smtp, MODERATOR, "You have been invited")
    assert sorted(r for envelope in smtp.recipients for r in envelope) == sorted(
        [MENTOR, MENTOR, MODERATOR, TRAINEE, TRAINEE]
    )
