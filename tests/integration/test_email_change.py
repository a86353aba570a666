"""A person changes their own email address: confirmed from the new address, the old one told;
an administrator's change is told to the old address too."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select, update

from core.accounts.links import AccountLink
from core.accounts.models import SignInFailure, User
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Message
from tests.conftest import PASSWORD, Auth, csrf_token, post_form

LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/email/[\w-]+)")


def _messages(app: Flask) -> list[Message]:
    with app.app_context():
        found = list(db.session.scalars(select(Message).order_by(Message.id)))
        db.session.expunge_all()
        return found


def _ask(client, new_email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return post_form(client, "/account/email", {"new_email": new_email, "current_password": password})


def _confirm(client, path: str):  # type: ignore[no-untyped-def]
    html = client.get(path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_token(html)})


def _emails(app: Flask) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(User.email)))


def _signed_in(app: Flask, make_person, email: str = "mentor@example.org"):  # type: ignore[no-untyped-def]
    make_person(email, Role.MENTOR, name="Maya Mentor")
    client = app.test_client()
    Auth(client).sign_in(email)
    return client


def _confirmation_link(app: Flask) -> str:
    confirm = [m for m in _messages(app) if m.kind == "email_change_confirm"][-1]
    match = LINK.search(confirm.body)
    assert match
    return match.group(1)


def test_asking_sends_a_link_to_the_new_address_tells_the_old_one_and_changes_nothing(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, make_person)
    answer = _ask(client, "Maya.New@Example.org")
    assert answer.status_code == 200
    assert "We have sent a link to maya.new@example.org" in answer.get_data(as_text=True)
    sent = {m.kind: m for m in _messages(app)}
    assert sent["email_change_confirm"].to_address == "maya.new@example.org"
    assert "stops working after 24 hours" in sent["email_change_confirm"].body
    assert "Maya Mentor" not in sent["email_change_confirm"].body  # whoever reads that address needs no name
    assert sent["email_change_asked"].to_address == "mentor@example.org"
    assert "maya.new@example.org" in sent["email_change_asked"].body
    assert _emails(app) == ["mentor@example.org"]


def test_confirming_changes_the_address_and_tells_the_old_one(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, make_person)
    _ask(client, "maya.new@example.org")
    path = _confirmation_link(app)
    page = app.test_client().get(path).get_data(as_text=True)
    assert "Confirm your new email address" in page and "maya.new@example.org" in page
    assert _emails(app) == ["mentor@example.org"]  # opening the link (a mail scanner) changes nothing
    done = _confirm(app.test_client(), path)
    assert done.status_code == 200 and "Your email address has changed" in done.get_data(as_text=True)
    assert _emails(app) == ["maya.new@example.org"]
    told = [m for m in _messages(app) if m.kind == "email_changed"]
    assert [m.to_address for m in told] == ["mentor@example.org"]
    assert Auth(app.test_client()).sign_in("maya.new@example.org").status_code == 302
    assert app.test_client().get(path).status_code == 404  # once


def test_a_wrong_current_password_is_refused_and_counts_as_a_failed_sign_in(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, make_person)
    answer = _ask(client, "maya.new@example.org", "not my password at all")
    assert "Your current password is not right" in answer.get_data(as_text=True)
    assert _messages(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInFailure)) == 1
    for _ in range(5):
        last = _ask(client, "maya.new@example.org", "not my password at all")
    assert last.status_code == 429


def test_bad_new_addresses_are_refused_on_the_form(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, make_person)
    for typed, message in (
        ("not an email", "Enter an email address in the correct format"),
        ("mentor@example.org", "different from your current one"),
        ("a" * 300 + "@example.org", "254 characters or fewer"),
    ):
        answer = _ask(client, typed)
        assert answer.status_code == 200
        assert message in answer.get_data(as_text=True), typed
    assert _messages(app) == []


def test_an_address_another_account_uses_gets_the_same_answer_then_a_clear_refusal(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("taken@example.org", Role.TRAINEE)
    client = _signed_in(app, make_person)
    asked_taken = _ask(client, "taken@example.org").get_data(as_text=True)
    assert "We have sent a link to taken@example.org" in asked_taken
    path = _confirmation_link(app)
    refused = _confirm(app.test_client(), path)
    assert refused.status_code == 409
    assert "Another account already uses this email address" in refused.get_data(as_text=True)
    assert _emails(app) == ["mentor@example.org", "taken@example.org"]
    assert [m for m in _messages(app) if m.kind == "email_changed"] == []


def test_an_expired_or_tampered_confirmation_link_changes_nothing(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    client = _signed_in(app, make_person)
    _ask(client, "maya.new@example.org")
    path = _confirmation_link(app)
    assert app.test_client().get(path[:-2] + "xy").status_code == 404
    assert app.test_client().get("/account/email/" + "b" * 5000).status_code == 404
    with app.app_context():
        db.session.execute(update(AccountLink).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.session.commit()
    assert app.test_client().get(path).status_code == 404
    assert _emails(app) == ["mentor@example.org"]


def test_an_administrator_changing_an_address_tells_the_old_one(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    admin = _signed_in(app, make_person, "admin@example.org")
    with app.app_context():
        admin_person = db.session.scalars(select(User)).one()
        admin_person.set_roles({Role.ADMIN})
        db.session.commit()
    person_id = make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee")
    post_form(
        admin,
        f"/admin/people/{person_id}",
        {"name": "Tia Trainee", "email": "tia@example.org", "roles": ["trainee"]},
    )
    told = [m for m in _messages(app) if m.kind == "email_changed"]
    assert [m.to_address for m in told] == ["trainee@example.org"]
    assert "An administrator of your provider made this change" in told[0].body
    assert "tia@example.org" in _emails(app)


def test_changing_the_password_as_the_warning_email_says_stops_a_change_someone_else_asked_for(
    app: Flask, make_person
) -> None:  # type: ignore[no-untyped-def]
    intruder = _signed_in(app, make_person)  # someone who learned the password
    _ask(intruder, "intruder@elsewhere.example")
    path = _confirmation_link(app)
    owner = app.test_client()
    Auth(owner).sign_in("mentor@example.org")
    new = "violet tram orchard spoon"
    post_form(owner, "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new})
    assert app.test_client().get(path).status_code == 404  # the intruder's link no longer works
    assert _emails(app) == ["mentor@example.org"]
