"""A copied session cookie must stop working when its owner signs out, changes password or is deactivated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.accounts import api_tokens, services
from core.accounts.models import ApiToken, User
from core.accounts.roles import Role
from core.accounts.views import SIGNED_IN_AT
from core.clock import utcnow
from core.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token, post_form


def _second_browser(app, client):  # type: ignore[no-untyped-def]
    """A client holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    name = app.config["SESSION_COOKIE_NAME"]
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def test_signing_out_makes_a_copied_cookie_useless(app, auth, client, make_person):
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    thief = _second_browser(app, client)
    assert thief.get("/assessments/observations").status_code == 200
    response = auth.sign_out()
    assert response.headers["Location"] == "/sign-in"
    assert thief.get("/assessments/observations").status_code == 302
    assert client.get("/assessments/observations").status_code == 302


def test_changing_password_ends_other_sessions_but_keeps_this_one(app, auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE)
    auth.sign_in("trainee@example.org")
    thief = _second_browser(app, client)
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "a brand new long one",
            "confirm_password": "a brand new long one",
        },
    )
    assert response.status_code == 302
    assert client.get("/assessments/my-training").status_code == 200
    assert thief.get("/assessments/my-training").status_code == 302
    auth.sign_out()
    assert Auth(client).sign_in("trainee@example.org", "a brand new long one").status_code == 302


def test_a_wrong_current_password_is_refused_beside_the_field(auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE)
    auth.sign_in("trainee@example.org")
    response = post_form(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": "a brand new long one",
            "confirm_password": "a brand new long one",
        },
    )
    page = response.get_data(as_text=True)
    assert 'href="#current_password">Your current password is not right' in page


def test_a_short_or_mismatched_new_password_is_refused(auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE)
    auth.sign_in("trainee@example.org")
    page = post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "other"},
    ).get_data(as_text=True)
    assert "Enter a password of 12 to 128 characters" in page
    assert "The passwords do not match" in page


def test_deactivating_a_person_ends_their_open_session(app, auth, client, make_person):
    person_id = make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    assert client.get("/assessments/observations").status_code == 200
    with app.app_context():
        services.set_active(None, db.session.get(User, person_id), False)
    assert client.get("/assessments/observations").status_code == 302


# --- Lifetimes (issue 10) ---


def test_a_session_ends_at_its_absolute_lifetime_whatever_happened_since(app, auth, client, make_person):
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"]
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= lifetime - 60  # signed in nearly a working day ago
    assert client.get("/assessments/observations").status_code == 200
    with client.session_transaction() as session:
        session[SIGNED_IN_AT] -= 120  # now past it
    response = client.get("/assessments/observations")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_flashed_messages_and_saves_do_not_stretch_a_session(app, auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE)
    auth.sign_in("trainee@example.org")
    with client.session_transaction() as session:
        signed_in_at = session[SIGNED_IN_AT]
    new = "another long new password"
    post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new})
    client.get("/assessments/my-training")  # shows the flashed message
    with client.session_transaction() as session:
        assert session[SIGNED_IN_AT] == signed_in_at


def test_a_session_cookie_without_a_sign_in_time_is_nobody(app, auth, client, make_person):
    make_person("mentor@example.org", Role.MENTOR)
    auth.sign_in("mentor@example.org")
    with client.session_transaction() as session:
        del session[SIGNED_IN_AT]
    assert client.get("/assessments/observations").status_code == 302


def test_signing_in_starts_a_new_session_with_a_new_csrf_token(client, make_person):
    make_person("mentor@example.org", Role.MENTOR)
    before = csrf_token(client.get("/sign-in").get_data(as_text=True))
    with client.session_transaction() as session:
        raw_before = session["csrf_token"]
    client.post("/sign-in", data={"csrf_token": before, "email": "mentor@example.org", "password": PASSWORD})
    with client.session_transaction() as session:
        assert session.get("csrf_token") != raw_before
    # A token planted before sign-in (or read by someone else then) is no good afterwards.
    stale = client.post("/sign-out", data={"csrf_token": before})
    assert stale.status_code == 400 and "This form has expired" in stale.get_data(as_text=True)
    assert client.get("/assessments/observations").status_code == 200


def _token_works(app, client, token: str) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def _issue(app, person_id: int, **lifetime):  # type: ignore[no-untyped-def]
    with app.app_context():
        return api_tokens.issue_token(db.session.get(User, person_id), "script", **lifetime)


def test_api_tokens_expire(app, client, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    token = _issue(app, person_id, lifetime=timedelta(days=7))
    assert _token_works(app, client, token)
    with app.app_context():
        issued = db.session.scalars(select(ApiToken)).one()
        assert issued.expires_at - issued.created_at == timedelta(days=7)
        issued.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert not _token_works(app, client, token)


def test_api_tokens_last_ninety_days_by_default(app, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    _issue(app, person_id)
    with app.app_context():
        issued = db.session.scalars(select(ApiToken)).one()
        assert issued.expires_at - issued.created_at == timedelta(days=90)


def test_a_password_reset_revokes_api_tokens(app, client, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    token = _issue(app, person_id)
    with app.app_context():
        services.set_password(db.session.get(User, person_id), "a fresh strong password")
    assert not _token_works(app, client, token)


def test_changing_ones_own_password_revokes_api_tokens(app, auth, client, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    token = _issue(app, person_id)
    auth.sign_in("designer@example.org")
    new = "another long new password"
    post_form(client, "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert not _token_works(app, client, token)


def test_deactivation_and_reactivation_each_revoke_api_tokens(app, client, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    before = _issue(app, person_id)
    with app.app_context():
        services.set_active(None, db.session.get(User, person_id), False)
        services.set_active(None, db.session.get(User, person_id), True)
    assert not _token_works(app, client, before)  # reactivation does not bring it back
    between = _issue(app, person_id)
    assert _token_works(app, client, between)
    with app.app_context():
        services.set_active(None, db.session.get(User, person_id), False)
        services.set_active(None, db.session.get(User, person_id), True)
    assert not _token_works(app, client, between)


# --- Passwords (issue 10) ---


def _change(client, new: str):  # type: ignore[no-untyped-def]
    return post_form(
        client, "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    )


@pytest.mark.parametrize(
    "new, message",
    [
        ("password1234", "Enter a password that is harder to guess, for example 3 or 4 unrelated words"),
        ("qwertyuiop12", "Enter a password that is harder to guess, for example 3 or 4 unrelated words"),
        ("trainee@example.org", "Enter a password that does not contain the person’s name or email address"),
        ("Tess Trainee-Smith 1", "Enter a password that does not contain the person’s name or email address"),
    ],
)
def test_common_guessable_and_own_detail_passwords_are_refused(new, message, auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE, name="Tess Trainee-Smith")
    auth.sign_in("trainee@example.org")
    response = _change(client, new)
    assert response.status_code == 200
    assert f'href="#new_password">{message}' in response.get_data(as_text=True)


def test_wrong_current_passwords_are_throttled_on_the_change_password_page(app, auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE)
    auth.sign_in("trainee@example.org")
    new = "another long new password"
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        wrong = post_form(
            client,
            "/account/password",
            {"current_password": "is it this one", "new_password": new, "confirm_password": new},
        )
        assert wrong.status_code == 200
    # Even the right one waits now: whoever holds this session is guessing.
    response = post_form(
        client, "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    )
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
