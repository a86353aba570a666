"""A copied session cookie must stop working when its owner signs out, changes password or is deactivated."""
from __future__ import annotations

from core.accounts import services
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import PASSWORD, Auth, post_form


def _second_browser(app, client):  # type: ignore[no-untyped-def]
    """A client holding a copy of ``client``'s session cookie, as a thief would."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
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
        {"current_password": PASSWORD, "new_password": "a brand new long one", "confirm_password": "a brand new long one"},
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
        {"current_password": "not my password", "new_password": "a brand new long one", "confirm_password": "a brand new long one"},
    )
    page = response.get_data(as_text=True)
    assert 'href="#current_password">Your current password is not right' in page


def test_a_short_or_mismatched_new_password_is_refused(auth, client, make_person):
    make_person("trainee@example.org", Role.TRAINEE)
    auth.sign_in("trainee@example.org")
    page = post_form(
        client, "/account/password", {"current_password": PASSWORD, "new_password": "short", "confirm_password": "other"}
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
