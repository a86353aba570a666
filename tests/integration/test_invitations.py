"""An invited person chooses their own password through a single-use link that expires."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select, update

from core.accounts import passwords
from core.accounts.invitations import invite
from core.accounts.links import AccountLink
from core.accounts.models import NO_PASSWORD, User
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Message
from tests.conftest import Auth, csrf_token

NEW_PASSWORD = "violet tram orchard spoon"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/invitation/[\w-]+)")


def _invite(app: Flask, email: str = "new.trainee@example.org") -> str:
    """Add a person with no password and invite them; the path of the link in their email."""
    with app.app_context():
        person = User(name="Nia Newcomer", email=email, password_hash=NO_PASSWORD)
        person.set_roles({Role.TRAINEE})
        db.session.add(person)
        db.session.flush()
        invite(person)
        db.session.commit()
        body = db.session.scalars(select(Message.body).where(Message.recipient_id == person.id)).one()
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def _choose(client, path: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    html = client.get(path).get_data(as_text=True)
    return client.post(
        path, data={"csrf_token": csrf_token(html), "new_password": password, "confirm_password": password}
    )


def test_the_invitation_email_says_who_it_is_for_what_to_do_and_why_they_get_it(app: Flask) -> None:
    _invite(app)
    with app.app_context():
        message = db.session.scalars(select(Message)).one()
    assert message.to_address == "new.trainee@example.org"
    assert message.subject == "You have been invited to NPQ for SENCOs: choose your password"
    assert "Dear Nia Newcomer" in message.body
    assert "stops working after 7 days" in message.body
    assert "because an administrator of your NPQ for SENCOs provider added you" in message.body
    assert "always sent" in message.body


def test_an_invited_person_cannot_sign_in_until_they_choose_a_password(app: Flask, auth: Auth) -> None:
    _invite(app)
    page = auth.sign_in("new.trainee@example.org", "").get_data(as_text=True)
    assert "Enter a correct email address and password" in page or "Enter your password" in page


def test_following_the_link_sets_the_password_and_signs_the_person_in(app: Flask, client, auth: Auth) -> None:  # type: ignore[no-untyped-def]
    path = _invite(app)
    page = client.get(path).get_data(as_text=True)
    assert "Choose your password" in page and "new.trainee@example.org" in page
    answer = _choose(client, path)
    assert answer.status_code == 302
    assert "Your password has been saved" in client.get(answer.location, follow_redirects=True).get_data(as_text=True)
    auth.sign_out()
    assert auth.sign_in("new.trainee@example.org", NEW_PASSWORD).status_code == 302


def test_the_link_works_once(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    path = _invite(app)
    _choose(client, path)
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert "This link no longer works" in again.get_data(as_text=True)


def test_an_expired_link_shows_the_same_page_and_changes_nothing(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    path = _invite(app)
    with app.app_context():
        db.session.execute(update(AccountLink).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.session.commit()
    assert client.get(path).status_code == 404
    with app.app_context():
        assert db.session.scalars(select(User.password_hash)).one() == NO_PASSWORD


def test_a_tampered_or_made_up_link_shows_the_same_page(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    path = _invite(app)
    assert client.get(path[:-2] + "xy").status_code == 404
    assert client.get("/account/invitation/" + "a" * 5000).status_code == 404


def test_a_second_invitation_stops_the_first_link_working(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    first = _invite(app)
    with app.app_context():
        person = db.session.scalars(select(User)).one()
        invite(person)
        db.session.commit()
    assert client.get(first).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Message)) == 2


def test_a_weak_password_is_refused_and_the_link_still_works(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    path = _invite(app)
    page = _choose(client, path, "password1234").get_data(as_text=True)
    assert "harder to guess" in page
    assert client.get(path).status_code == 200


def test_an_invitation_to_the_same_person_about_the_same_thing_is_written_once(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    from core.messages import notify

    person_id = make_person("someone@example.org", Role.MENTOR)
    with app.app_context():
        person = db.session.get(User, person_id)
        assert notify(person, "invitation", about="same", link="x", days=7) is not None
        assert notify(person, "invitation", about="same", link="x", days=7) is None
        db.session.commit()
        assert db.session.scalar(select(db.func.count()).select_from(Message)) == 1


def test_no_typed_password_lets_anyone_into_an_invited_account_not_even_the_timing_dummys(
    app: Flask, auth: Auth
) -> None:
    _invite(app)
    # The dummy hash checked for unknown addresses has a password written in the public source.
    assert passwords.verify_password(passwords._DUMMY_HASH, "not a real password, only for timing")  # it is that one
    response = auth.sign_in("new.trainee@example.org", "not a real password, only for timing")
    # The same answer as any wrong password (before: a 500, which told an invited account from others).
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
