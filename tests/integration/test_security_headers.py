"""Every response carries the security headers; signed-in pages are never cached."""

from __future__ import annotations

import os

from flask_migrate import upgrade

from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.conftest import make_app


def _check_headers(response, route):  # type: ignore[no-untyped-def]
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, (route, directive)
    assert "unsafe-inline" not in csp, route
    assert response.headers["X-Content-Type-Options"] == "nosniff", route
    assert response.headers["Referrer-Policy"], route


def test_every_route_sends_the_security_headers_signed_out_and_in(app, client, auth, make_person):
    make_person("all@example.org", *Role)
    routes = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments]
    routes += ["/static/css/app.css", "/no/such/page"]
    for route in routes:
        _check_headers(client.get(route), route)
    auth.sign_in("all@example.org")
    for route in routes:
        response = client.get(route)
        _check_headers(response, route)
        assert response.headers["Cache-Control"] == "no-store", route


def _session_cookie(response, name: str = "__Host-session") -> str:  # type: ignore[no-untyped-def]
    return next(v for k, v in response.headers.items() if k == "Set-Cookie" and v.startswith(f"{name}="))


def test_session_cookie_is_secure_httponly_and_samesite_lax_by_default(auth, make_person, monkeypatch):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    make_person("cookie@example.org", Role.MENTOR)
    cookie = _session_cookie(auth.sign_in("cookie@example.org"))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The __Host- prefix holds only with Path=/ and no Domain: a browser would drop it otherwise.
    assert "Path=/;" in cookie + ";" and "Domain=" not in cookie


def test_plain_http_development_may_turn_the_secure_flag_off(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path))
    cookie = _session_cookie(app.test_client().get("/sign-in"), name="session")
    assert "Secure" not in cookie and "HttpOnly" in cookie
    with app.app_context():
        db.engine.dispose()


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
    secure = client.get("/sign-in", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=63072000")


def test_hsts_follows_the_forwarded_scheme_only_behind_a_trusted_proxy(database_url, tmp_path):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    untrusting = make_app(database_url, INSTANCE_PATH=str(tmp_path))
    assert "Strict-Transport-Security" not in untrusting.test_client().get("/sign-in", headers=forwarded).headers
    behind_proxy = make_app(database_url, INSTANCE_PATH=str(tmp_path), TRUSTED_PROXY_HOPS=1)
    assert "Strict-Transport-Security" in behind_proxy.test_client().get("/sign-in", headers=forwarded).headers
    for app in (untrusting, behind_proxy):
        with app.app_context():
            db.engine.dispose()


def test_api_answers_are_never_cached_whether_or_not_the_token_is_good(client):
    assert client.get("/api/v1/programmes").headers["Cache-Control"] == "no-store"
    response = client.get("/api/v1/programmes", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401 and response.headers["Cache-Control"] == "no-store"


def test_an_api_answer_to_a_good_token_is_not_cached(app, client, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    with app.app_context():
        token = api_tokens.issue_token(db.session.get(User, person_id), "tests")
    response = client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_a_wrong_method_says_which_methods_are_allowed(auth, client, make_person):
    assert client.put("/sign-in").status_code == 405
    assert set(client.put("/sign-in").headers["Allow"].split(", ")) >= {"GET", "POST"}
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    response = client.get("/sign-out")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "This page cannot be used that way" in response.get_data(as_text=True)


def _others_may_read(path) -> bool:  # type: ignore[no-untyped-def]
    return bool(path.stat().st_mode & 0o077)


def test_a_new_instance_folder_keeps_its_database_and_key_private(database_url, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    previous = os.umask(0o002)  # a permissive umask, as on many desktops
    try:
        instance = tmp_path / "instance"
        app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
        with app.app_context():
            upgrade()
            db.engine.dispose()
    finally:
        os.umask(previous)
    files = [instance, instance / "secret_key", instance / "senco.sqlite3"]
    assert all(path.exists() for path in files)
    assert [path for path in files if _others_may_read(path)] == []
    assert [path for path in instance.iterdir() if _others_may_read(path)] == []


def test_an_existing_world_readable_key_and_database_are_made_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    for name in ("secret_key", "senco.sqlite3"):
        (instance / name).write_text("x" * 64 if name == "secret_key" else "")
        (instance / name).chmod(0o644)
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance), "CHECK_DATABASE_ON_START": False})
    assert [path for path in [instance, *instance.iterdir()] if _others_may_read(path)] == []
    with app.app_context():
        db.engine.dispose()
