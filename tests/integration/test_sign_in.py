"""Signing in and out, as each role, with the limits that protect accounts."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from core.accounts import passwords, throttle
from core.accounts.models import ADDRESS_MAX_LENGTH, SignInFailure
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from tests.conftest import PASSWORD, csrf_token, make_app, post_form

HOMES = {
    Role.ADMIN: ("/admin/people/", "People"),
    Role.DESIGNER: ("/curriculum/", "Programmes"),
    Role.MENTOR: ("/assessments/observations", "Observations"),
    Role.TRAINEE: ("/assessments/my-training", "My training"),
    Role.MODERATOR: ("/assessments/moderation", "Moderation"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home_after_signing_in(role, auth, make_person, client):
    make_person(f"{role.value}@example.org", role)
    response = auth.sign_in(f"{role.value}@example.org")
    assert response.status_code == 302
    home = client.get(response.headers["Location"], follow_redirects=True)
    path, heading = HOMES[role]
    assert home.request.path == path
    assert f">{heading}</h1>" in home.get_data(as_text=True)


def test_navigation_shows_only_what_the_role_may_use(auth, make_person, client):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    page = client.get("/curriculum/").get_data(as_text=True)
    assert "Programmes" in page and "Scenarios and rubrics" in page
    assert "People" not in page and "Observations" not in page and "My training" not in page


def test_a_person_with_several_roles_sees_each_roles_navigation(auth, make_person, client):
    make_person("both@example.org", Role.MENTOR, Role.TRAINEE)
    response = auth.sign_in("both@example.org")
    assert client.get(response.headers["Location"]).headers["Location"] == "/assessments/observations"
    page = client.get("/assessments/observations").get_data(as_text=True)
    assert 'href="/assessments/my-training"' in page
    assert client.get("/assessments/my-training").status_code == 200


@pytest.mark.parametrize(
    "email, password", [("known@example.org", "wrong password!!"), ("nobody@example.org", PASSWORD)]
)
def test_a_wrong_password_and_an_unknown_email_get_the_same_message(email, password, auth, make_person):
    make_person("known@example.org", Role.MENTOR)
    response = auth.sign_in(email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in page
    assert "There is a problem" in page and "<title>Error: Sign in" in page


def test_an_empty_form_says_which_fields_are_missing(client):
    response = post_form(client, "/sign-in", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert 'href="#email">Enter your email address' in page
    assert 'href="#password">Enter your password' in page


def test_signing_in_is_case_insensitive_on_the_email(auth, make_person):
    make_person("Mixed.Case@Example.org", Role.MENTOR)
    assert auth.sign_in("  MIXED.case@example.ORG ").status_code == 302


def test_too_many_failures_get_a_429_page_saying_when_to_retry(auth, make_person, app):
    make_person("target@example.org", Role.ADMIN)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        assert auth.sign_in("target@example.org", "wrong password!!").status_code == 200
    # Even the right password is refused while the account is paused.
    response = auth.sign_in("target@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many password attempts" in page and "You can try again after" in page


def test_the_failure_count_is_shared_by_every_server_process(database_url, make_person, tmp_path):
    # Two app instances stand for two gunicorn workers: failures on one count on the other.
    make_person("shared@example.org", Role.ADMIN)
    first, second = (make_app(database_url, INSTANCE_PATH=str(tmp_path)) for _ in range(2))
    limit = first.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for attempt in range(limit):
        worker = first if attempt % 2 else second
        post_form(worker.test_client(), "/sign-in", {"email": "shared@example.org", "password": "nope nope nope"})
    response = post_form(second.test_client(), "/sign-in", {"email": "shared@example.org", "password": PASSWORD})
    assert response.status_code == 429
    for worker in (first, second):
        with worker.app_context():
            db.engine.dispose()


def test_one_address_trying_many_accounts_is_throttled_too(auth, app, make_person):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    make_person("real@example.org", Role.ADMIN)
    for n in range(3):
        auth.sign_in(f"guess{n}@example.org", "whatever whatever")
    assert auth.sign_in("real@example.org").status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(auth, make_person, app):
    make_person("forgetful@example.org", Role.ADMIN)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"] - 1):
        auth.sign_in("forgetful@example.org", "wrong password!!")
    assert auth.sign_in("forgetful@example.org").status_code == 302
    auth.sign_out()
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"] - 1):
        assert auth.sign_in("forgetful@example.org", "wrong password!!").status_code == 200


def test_a_deactivated_person_cannot_sign_in(auth, make_person):
    make_person("gone@example.org", Role.MENTOR, active=False)
    response = auth.sign_in("gone@example.org")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_the_next_page_is_honoured_but_never_another_site(auth, make_person, client):
    make_person("admin@example.org", Role.ADMIN)
    assert client.get("/admin/people/new").headers["Location"].startswith("/sign-in?next=")
    page = client.get("/sign-in")
    token = csrf_token(page.get_data(as_text=True))
    data = {"csrf_token": token, "email": "admin@example.org", "password": PASSWORD}
    assert client.post("/sign-in?next=/admin/people/new", data=data).headers["Location"] == "/admin/people/new"
    auth.sign_out()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    data["csrf_token"] = token
    assert client.post("/sign-in?next=//evil.example/x", data=data).headers["Location"] == "/"


# --- Reproductions from issue 10: timing, lock-out as a weapon, proxies, oversized fields ---

ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


def _sign_in_from(app, environ: dict[str, str], email: str, password: str = PASSWORD, headers=None):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get("/sign-in", environ_base=environ, headers=headers)
    return client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": email, "password": password},
        environ_base=environ,
        headers=headers,
    )


@pytest.fixture
def argon2_checks(monkeypatch):  # type: ignore[no-untyped-def]
    """Every Argon2 verification made, each noted with whether a transaction was open then."""
    checks: list[bool] = []

    class NotingHasher(PasswordHasher):
        def verify(self, password_hash, password):  # type: ignore[no-untyped-def]
            checks.append(db.session().in_transaction())
            return super().verify(password_hash, password)

    monkeypatch.setattr(passwords, "_hasher", NotingHasher())
    return checks


@pytest.mark.parametrize(
    "email, password, signs_in",
    [
        ("known@example.org", PASSWORD, True),
        ("known@example.org", "wrong password!!", False),
        ("nobody@example.org", PASSWORD, False),
        ("gone@example.org", PASSWORD, False),
    ],
    ids=["right", "wrong-password", "unknown-email", "deactivated"],
)
def test_every_sign_in_path_verifies_exactly_one_hash_outside_any_transaction(
    email, password, signs_in, auth, make_person, argon2_checks
):
    make_person("known@example.org", Role.MENTOR)
    make_person("gone@example.org", Role.MENTOR, active=False)
    response = auth.sign_in(email, password)
    assert (response.status_code == 302) is signs_in
    # One check, with no transaction (and so no lock) held while Argon2 works.
    assert argon2_checks == [False]


def test_failures_from_one_address_do_not_lock_out_the_owner_elsewhere(app, make_person):
    make_person("mentor@example.org", Role.MENTOR)
    limit = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for _ in range(limit):
        assert _sign_in_from(app, ATTACKER, "mentor@example.org", "guess guess guess").status_code == 200
    assert _sign_in_from(app, ATTACKER, "mentor@example.org").status_code == 429
    assert _sign_in_from(app, OWNER, "mentor@example.org").status_code == 302


def test_an_account_guessed_from_many_addresses_slows_them_down_but_lets_the_owner_in(app, make_person):
    make_person("mentor@example.org", Role.MENTOR)
    attackers = [{"REMOTE_ADDR": f"203.0.113.{n}"} for n in range(1, 13)]
    for environ in attackers:
        assert _sign_in_from(app, environ, "mentor@example.org", "guess guess guess").status_code == 200
    # An address that has already failed waits (an answer at once, not a sleeping worker)…
    slowed = _sign_in_from(app, attackers[0], "mentor@example.org", "guess again guess")
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    # …while the owner, from a clean address, signs in with the right password.
    assert _sign_in_from(app, OWNER, "mentor@example.org").status_code == 302


def test_forwarded_addresses_are_ignored_unless_a_proxy_is_trusted(app, make_person, database_url, tmp_path):
    make_person("mentor@example.org", Role.MENTOR)
    limit = app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    # Without TRUSTED_PROXY_HOPS a made-up X-Forwarded-For changes nothing: still one address.
    for n in range(limit):
        _sign_in_from(app, ATTACKER, "mentor@example.org", "guess guess guess", {"X-Forwarded-For": f"10.0.0.{n}"})
    assert (
        _sign_in_from(app, ATTACKER, "mentor@example.org", PASSWORD, {"X-Forwarded-For": "10.0.1.1"}).status_code == 429
    )

    # Behind one trusted proxy every client shares its address; the forwarded one tells them apart.
    proxied = make_app(database_url, INSTANCE_PATH=str(tmp_path), TRUSTED_PROXY_HOPS=1)
    proxy = {"REMOTE_ADDR": "10.9.9.9"}
    for _ in range(limit):
        _sign_in_from(proxied, proxy, "mentor@example.org", "guess guess guess", {"X-Forwarded-For": "203.0.113.200"})
    assert (
        _sign_in_from(proxied, proxy, "mentor@example.org", PASSWORD, {"X-Forwarded-For": "203.0.113.200"}).status_code
        == 429
    )
    assert (
        _sign_in_from(proxied, proxy, "mentor@example.org", PASSWORD, {"X-Forwarded-For": "198.51.100.20"}).status_code
        == 302
    )
    with proxied.app_context():
        db.engine.dispose()


def test_an_oversized_email_is_refused_without_being_echoed_or_stored(app, client):
    huge = "a" * 300_000 + "@example.org"
    response = post_form(client, "/sign-in", {"email": huge, "password": PASSWORD})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Email address must be 254 characters or fewer" in page
    assert "a" * 300 not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInFailure)) == 0


def test_failure_records_hold_bounded_values_whatever_is_sent(app, make_person):
    long_email = "x" * 240 + "@example.org"  # 252 characters: valid for the form
    _sign_in_from(app, {"REMOTE_ADDR": "2001:db8::" + "f" * 200}, long_email, "guess guess guess")
    with app.app_context():
        failure = db.session.scalars(select(SignInFailure)).one()
        assert failure.account_key == throttle.account_key(long_email) and len(failure.address) == ADDRESS_MAX_LENGTH


def test_a_password_typed_into_the_email_field_is_never_stored_only_a_keyed_hash_of_it(app, make_person):
    """The row that counts the failure holds an HMAC under the app's secret key, not the text."""
    make_person("mentor@example.org", Role.MENTOR)
    typed = "Canary-Horse-Battery-91"
    _sign_in_from(app, ATTACKER, typed, "anything at all")
    with app.app_context():
        rows = db.session.execute(select(SignInFailure.__table__)).all()
        assert len(rows) == 1
        assert not any(typed.lower() in str(value).lower() for value in rows[0])
        assert rows[0].account_key == throttle.account_key(typed) != throttle.account_key("mentor@example.org")
        assert (
            throttle.account_key(typed)
            == hmac.new(app.config["SECRET_KEY"].encode(), typed.lower().encode(), hashlib.sha256).hexdigest()
        )


def test_failures_older_than_the_throttle_window_are_forgotten_when_the_next_is_recorded(app, make_person):
    """The table holds one window of failures, not every wrong password since the app began."""
    make_person("mentor@example.org", Role.MENTOR)
    window = timedelta(seconds=app.config["SIGN_IN_WINDOW_SECONDS"])
    with app.app_context():
        long_ago = utcnow() - window - timedelta(minutes=1)
        db.session.add_all(
            [SignInFailure(account_key=f"old{n}", address="203.0.113.9", occurred_at=long_ago) for n in range(3)]
        )
        db.session.add(SignInFailure(account_key="recent", address="203.0.113.9", occurred_at=utcnow() - window / 2))
        db.session.commit()
    _sign_in_from(app, ATTACKER, "mentor@example.org", "guess guess guess")
    with app.app_context():
        kept = sorted(f.account_key for f in db.session.scalars(select(SignInFailure)))
        assert kept == sorted([throttle.account_key("mentor@example.org"), "recent"])
