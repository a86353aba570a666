"""Signing in with a school account in a real browser: the app's button, the local OpenID Connect
provider's sign-in page, and back to the app, signed in (or told why not)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from core.accounts import services
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.e2e.conftest import PASSWORD, assert_accessible
from tests.oidc_server import start_provider, stop_provider

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a free port, trusting a local provider that knows the app's callback there."""
    folder = tmp_path_factory.mktemp("e2e-sso")
    served: dict[str, object] = {}
    # Bound first, so the provider can be told the app's address before the app is made.
    server = make_server("127.0.0.1", 0, lambda environ, respond: served["app"](environ, respond), threaded=True)  # type: ignore[operator]
    origin = f"http://127.0.0.1:{server.server_port}"
    provider, process = start_provider(folder, app_origins=(origin,))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'e2e.sqlite3'}",
            "INSTANCE_PATH": str(folder),
            "SESSION_COOKIE_SECURE": False,
            "JOBS_RUNNER": "local",
            "OIDC_ISSUERS": (provider.configured(),),
        }
    )
    with app.app_context():
        upgrade()
        services.create_person("Tia Trainee", "tia.trainee@school.example", PASSWORD, {Role.TRAINEE})
    served["app"] = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield origin
    server.shutdown()
    stop_provider(process)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def sso_page(browser: Browser, sso_server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=sso_server)
    yield context.new_page()
    context.close()


def test_a_trainee_signs_in_with_their_school_account_and_lands_on_my_training(sso_page: Page):
    sso_page.goto("/sign-in")
    assert_accessible(sso_page)
    sso_page.get_by_role("button", name="Sign in with Microsoft 365").click()
    expect(sso_page.get_by_role("heading", name="Test provider: sign in")).to_be_visible()
    sso_page.get_by_label("Account email").fill("tia.trainee@school.example")
    sso_page.get_by_role("button", name="Sign in").click()
    expect(sso_page.get_by_role("heading", name="My training", level=1)).to_be_visible()


def test_refusing_at_the_school_comes_back_to_the_sign_in_page_with_what_to_do(sso_page: Page):
    sso_page.goto("/sign-in")
    sso_page.get_by_role("button", name="Sign in with Microsoft 365").click()
    sso_page.get_by_role("link", name="Refuse").click()
    expect(sso_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(sso_page.get_by_text("You did not finish signing in with your school account")).to_have_count(1)
    assert_accessible(sso_page)
