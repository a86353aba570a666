"""A real server on localhost and Debian's chromium driven by Playwright, with axe-core checks."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, sync_playwright
from werkzeug.serving import make_server

from core.accounts import services
from core.accounts.roles import Role
from core.app import create_app
from core.content import loaders
from core.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# The machine has no network: stop chromium phoning home, which would only fail noisily.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PASSWORD = "e2e password that is long"
PEOPLE = {
    Role.ADMIN: ("Ada Admin", "admin@example.org"),
    Role.DESIGNER: ("Dev Designer", "designer@example.org"),
    Role.MENTOR: ("Mo Mentor", "mentor@example.org"),
    Role.TRAINEE: ("Tia Trainee", "trainee@example.org"),
    Role.MODERATOR: ("Mia Moderator", "moderator@example.org"),
}

pytestmark = pytest.mark.e2e


LIVE_FOLDER = "e2e"  # the live server's folder under the session's base temp: e2e0 (other servers' are named apart)


def live_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The live server's SQLite file, for a test that sets up its own records in it (read them by id:
    the other tests' records share it). Matched exactly, so another server's folder (e2e-sso0, say) is never taken."""
    found = sorted(tmp_path_factory.getbasetemp().glob(f"{LIVE_FOLDER}[0-9]*/e2e.sqlite3"))
    assert len(found) == 1, f"the live server's database: {found}"
    return found[0]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served on a free localhost port from a migrated SQLite file with one person per role."""
    folder = tmp_path_factory.mktemp(LIVE_FOLDER)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.sqlite3'}",
            "INSTANCE_PATH": str(folder),
            "SESSION_COOKIE_SECURE": False,  # served over plain http on 127.0.0.1, as `make run`
            "JOBS_RUNNER": "local",  # as `make run`, even where REDIS_URL is set
        }
    )
    with app.app_context():
        upgrade()
        for loader in loaders():
            loader.load()
        for role, (name, email) in PEOPLE.items():
            services.create_person(name, email, PASSWORD, {role})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"chromium is not at {CHROMIUM}: install it with 'apt-get install chromium'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    console_errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A 403 or 404 page is itself reported as a failed load: tests check those statuses.
        if message.type == "error" and message.location.get("url") != page.url:
            console_errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    yield page
    context.close()
    assert console_errors == [], f"the browser reported errors: {console_errors}"


_axe = Axe()

HTMLCS_JS = Path(__file__).parents[1] / "htmlcs" / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
HTMLCS_INSTALL = "npm ci --prefix tests/htmlcs --quiet --no-audit --no-fund"
HTMLCS_ERROR = 1  # HTMLCS.ERROR: notices and warnings ask for a person's judgement, errors fail
# HTML_CodeSniffer findings judged wrong, by exact code, each with why (keep this short and honest).
HTMLCS_FALSE_POSITIVES: dict[str, str] = {}

# Runs in the page: HTMLCS's WCAG2AA errors, each with its code, the element and the message.
_HTMLCS_ERRORS = (
    """() => new Promise((resolve) => {
  HTMLCS.process("WCAG2AA", document, () => {
    resolve(HTMLCS.getMessages().filter((m) => m.type === %d).map((m) => ({
      code: m.code,
      element: m.element.outerHTML.slice(0, 200),
      where: (m.element.id ? "#" + m.element.id : m.element.tagName.toLowerCase()),
      message: m.msg,
    })));
  });
})"""
    % HTMLCS_ERROR
)


def htmlcs_errors(page: Page) -> list[dict[str, str]]:
    """HTML_CodeSniffer's WCAG 2 AA errors on the page, less the judged false positives. The
    script is evaluated, not added as a <script> tag: the app's Content-Security-Policy (script-src
    'self') rightly refuses inline scripts, and the page is checked as served."""
    assert HTMLCS_JS.is_file(), f"HTML_CodeSniffer is not installed: run `{HTMLCS_INSTALL}`"
    if not page.evaluate("() => typeof HTMLCS !== 'undefined'"):  # once a document
        page.evaluate(HTMLCS_JS.read_text(encoding="utf-8"))
    errors: list[dict[str, str]] = page.evaluate(_HTMLCS_ERRORS)
    return [error for error in errors if error["code"] not in HTMLCS_FALSE_POSITIVES]


def assert_accessible(page: Page) -> None:
    """Two engines find no WCAG 2 A or AA failure on the page as it is now: axe-core (WCAG 2.2 tags)
    and HTML_CodeSniffer (WCAG2AA errors); each catches what the other misses. Checked once a
    navigation a click started has loaded: run mid-navigation they find no document."""
    page.wait_for_load_state()
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
    errors = htmlcs_errors(page)
    assert errors == [], f"{page.url}: HTML_CodeSniffer found\n" + "\n".join(
        f"- {error['code']} at {error['where']} {error['element']}\n  {error['message']}" for error in errors
    )


def levels_of(where: Page | Locator, criterion: str) -> Locator:
    """The radios of ``criterion`` on a scoring form: a group named by its title."""
    return where.get_by_role("group", name=criterion, exact=True)


def choose_level(where: Page | Locator, criterion: str, level: str) -> None:
    """Choose ``level`` ("3") for ``criterion`` as a mentor does: the radio labelled "3: …"."""
    levels_of(where, criterion).get_by_role("radio", name=re.compile(rf"^{re.escape(level)}: ")).check()


def sign_in_with(page: Page, email: str, password: str) -> None:
    """The sign-in steps as a person takes them; the tests that expect a refusal use this too."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, role: Role) -> None:
    sign_in_with(page, PEOPLE[role][1], PASSWORD)


def fill_programme_details(
    page: Page,
    name: str,
    start: tuple[str, str, str] = ("7", "9", "2026"),
    weeks: str = "78",
    provider: str = "Riverside Teaching School Hub",
) -> None:
    """Type a programme's details into its form (not submitted: a test may press Enter or click Save)."""
    page.get_by_label("Programme name").fill(name)
    page.get_by_label("Provider").fill(provider)
    for label, value in zip(("Day", "Month", "Year"), start, strict=True):
        page.get_by_label(label).fill(value)
    page.get_by_label("Length in weeks").fill(weeks)
