"""Roles on every route, CSRF on every form, and error pages in the site's layout."""

from __future__ import annotations

import pytest
from werkzeug.routing import IntegerConverter

from core.accounts.roles import Role

# The API's description and its page are public: they describe the calls, not anyone's data. Asking
# for a password reset link is for people who cannot sign in.
PUBLIC = {
    "/sign-in",
    "/health",
    "/api/v1/openapi.json",
    "/api/v1/docs",
    "/account/forgot-password",
    "/account/forgot-password/sent",
}


def _plain_get_routes(app):  # type: ignore[no-untyped-def]
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            yield rule.rule


def test_every_route_but_sign_in_needs_a_signed_in_person(app, client):
    routes = list(_plain_get_routes(app))
    assert len(routes) >= 8
    for route in routes:
        response = client.get(route)
        if route in PUBLIC:
            assert response.status_code == 200, route
        elif route.startswith("/api/"):
            assert response.status_code == 401, route  # the API wants a bearer token, not a cookie
        else:
            assert response.status_code == 302, route
            assert response.headers["Location"].startswith("/sign-in"), route


def _every_route_and_method(app):  # type: ignore[no-untyped-def]
    """Each rule of the URL map with each method it answers, its parameters filled in."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint == "static":
                continue
            values = {
                name: 1 if isinstance(rule._converters[name], IntegerConverter) else "x" for name in rule.arguments
            }
            path = rule.build(values, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, path, method


def test_every_method_of_every_route_needs_a_signed_in_person(client, app):
    app.config["WTF_CSRF_ENABLED"] = False  # reach the access check, not the CSRF one
    checked = 0
    for rule, path, method in _every_route_and_method(app):
        view = app.view_functions[rule.endpoint]
        if getattr(view, "is_public", False):
            continue
        response = client.open(path, method=method)
        checked += 1
        if path.startswith("/api/"):
            assert response.status_code == 401, f"{method} {rule.rule}"
        else:
            assert response.status_code == 302, f"{method} {rule.rule}"
            assert response.headers["Location"].startswith("/sign-in"), f"{method} {rule.rule}"
    assert checked >= 40  # parameterised and POST-only routes are in the walk too


@pytest.mark.parametrize(
    "role, path",
    [
        (Role.DESIGNER, "/admin/people/"),
        (Role.DESIGNER, "/admin/people/new"),
        (Role.MENTOR, "/curriculum/"),
        (Role.TRAINEE, "/assessments/observations"),
        (Role.MENTOR, "/assessments/my-training"),
        (Role.TRAINEE, "/competencies/"),
    ],
)
def test_another_roles_page_gets_a_403_page(role, path, auth, make_person, client):
    make_person("person@example.org", role)
    auth.sign_in("person@example.org")
    response = client.get(path)
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You do not have permission to see this page" in page
    assert 'class="govuk-footer"' in page


def test_an_unknown_address_gets_a_404_page_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Skip to main content" in page


def test_a_form_posted_without_its_token_gets_a_page_saying_it_expired(client, make_person):
    make_person("admin@example.org", Role.ADMIN)
    response = client.post("/sign-in", data={"email": "admin@example.org", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_stale_token_is_refused_the_same_way(client):
    response = client.post("/sign-in", data={"csrf_token": "stale.token", "email": "a@b.org", "password": "x"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
