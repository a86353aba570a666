"""An administrator's home page (People) says what needs them: invitations that ran out before they
were accepted, and emails that could not be sent, each a link to act on."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import update

from core.accounts.invitations import add_and_invite
from core.accounts.links import AccountLink
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Message, MessageStatus
from tests.conftest import Auth

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def _invite(app: Flask, name: str, email: str) -> None:
    with app.app_context():
        add_and_invite(name, email, {Role.TRAINEE})
        db.session.commit()


def test_nothing_needs_an_administrator_when_every_invitation_is_current_and_every_email_went(
    app: Flask, auth: Auth, make_person
) -> None:  # type: ignore[no-untyped-def]
    make_person("admin@example.org", Role.ADMIN)
    _invite(app, "Nia Newcomer", "nia@example.org")
    auth.sign_in("admin@example.org")
    page = auth.client.get("/admin/people/").get_data(as_text=True)
    assert "What needs you" in page and "Nothing needs you today." in page


def test_expired_invitations_and_failed_emails_are_listed_with_a_link_to_act_on_them(
    app: Flask, auth: Auth, make_person
) -> None:  # type: ignore[no-untyped-def]
    make_person("admin@example.org", Role.ADMIN)
    _invite(app, "Nia Newcomer", "nia@example.org")
    _invite(app, "Omar Oduya", "omar@example.org")
    _invite(app, "Pat Pending", "pat@example.org")
    with app.app_context():
        db.session.execute(
            update(AccountLink).where(~AccountLink.user.has(email="pat@example.org")).values(expires_at=LONG_AGO)
        )
        db.session.execute(
            update(Message).where(Message.to_address == "nia@example.org").values(status=MessageStatus.FAILED.value)
        )
        db.session.commit()
    auth.sign_in("admin@example.org")
    page = auth.client.get("/admin/people/").get_data(as_text=True)
    assert "2 people’s invitations ran out before they were accepted: resend" in page
    assert 'href="/admin/people/?show=invitation-expired"' in page
    assert "1 email could not be sent: see why" in page and 'href="/admin/outbox/"' in page

    listed = auth.client.get("/admin/people/?show=not-accepted").get_data(as_text=True)
    assert "3 people who have not accepted their invitation" in listed
    assert "admin@example.org" not in listed.split("</caption>")[1]
    # The need's own link lists only those to resend, not everyone still within their week.
    expired = auth.client.get("/admin/people/?show=invitation-expired").get_data(as_text=True)
    assert "2 people whose invitation ran out before they accepted it" in expired
    rows = expired.split("</caption>")[1]
    assert "nia@example.org" in rows and "omar@example.org" in rows and "pat@example.org" not in rows
