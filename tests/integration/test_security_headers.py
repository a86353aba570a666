"""Every response carries the security headers; signed-in pages are never cached."""
from __future__ import annotations

from core.accounts.roles import Role


def _check_headers(response, route):  # type: ignore[no-untyped-def]
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, (route, directive)
    assert "unsafe-inline" not in csp, route
    assert response.headers["X-Content-Type-Options"] == "nosniff", route
    assert response.headers["Referrer-Policy"], route


def test_every_route_sends_the_security_headers_signed_out_and_in(app, client, auth, make_person):
    make_person("all@example.org", *Role)
    routes = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments
    ]
    routes += ["/static/css/app.css", "/no/such/page"]
    for route in routes:
        _check_headers(client.get(route), route)
    auth.sign_in("all@example.org")
    for route in routes:
        response = client.get(route)
        _check_headers(response, route)
        assert response.headers["Cache-Control"] == "no-store", route


def test_session_cookie_is_httponly_and_samesite_lax(auth, client, make_person):
    make_person("cookie@example.org", Role.MENTOR)
    response = auth.sign_in("cookie@example.org")
    cookie = next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # only when SECURE_COOKIES is set, for HTTPS


def test_secure_cookies_when_configured_for_https(database_url, monkeypatch, tmp_path):
    from tests.conftest import make_app

    monkeypatch.setenv("SECURE_COOKIES", "1")
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
