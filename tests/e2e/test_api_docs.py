"""The API's docs page in a real browser: Swagger UI from this app, under the app's CSP."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible

# Playwright's init scripts are exempt from the page's CSP, so this listener sees every refusal.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def test_the_docs_page_shows_every_operation_with_nothing_refused_or_fetched_elsewhere(page: Page, live_server: str):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    operations = page.request.get(f"{live_server}/api/v1/openapi.json").json()["paths"]
    count = sum(1 for item in operations.values() for method in item if method in {"get", "post", "patch", "delete"})

    page.goto("/api/v1/docs")
    expect(page.locator(".opblock")).to_have_count(count)
    expect(page.get_by_text("NPQ SENCO designer")).to_be_visible()
    assert page.evaluate("window.__cspViolations") == []
    own_host = urlsplit(live_server).netloc
    assert [url for url in requested if urlsplit(url).netloc != own_host and not url.startswith("data:")] == []


def test_the_docs_page_with_an_operation_open_is_accessible(page: Page):
    page.goto("/api/v1/docs")
    change = page.locator(".opblock-patch").first
    change.locator(".opblock-summary-control").click()
    expect(change.get_by_text("If-Match", exact=True)).to_be_visible()
    observe = page.locator(".opblock-post", has_text="/api/v1/enrolments/{enrolment_id}/observations")
    observe.locator(".opblock-summary-control").click()
    expect(observe.get_by_text("Idempotency-Key", exact=True)).to_be_visible()
    assert_accessible(page)  # with core/static/api-docs/overrides.css darkening Swagger UI's colours
