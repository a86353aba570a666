"""Inviting a person: a single-use link, valid 7 days, to choose their own password.

A person who has been invited but has not yet chosen a password has no password at all
(:data:`NO_PASSWORD`): nothing typed at the sign-in page lets them in, and the check still costs one
Argon2 verification, as for an unknown address.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from core.accounts import links, services
from core.accounts.links import Purpose
from core.accounts.models import NO_PASSWORD, User
from core.audit import Action, Subject, record
from core.extensions import db
from core.messages import Category, MessageKind, link_to, notify, register_kind

INVITATION = MessageKind(
    name="invitation",
    subject="You have been invited to NPQ for SENCOs: choose your password",
    template="messages/invitation.txt",
    category=Category.SECURITY,
    why="an administrator of your NPQ for SENCOs provider added you",
)
INVITATION_DAYS = Purpose.INVITATION.lifetime.days


def invite(user: User, now: datetime | None = None) -> None:
    """Send ``user`` a new invitation (an earlier one stops working). In the caller's transaction."""
    token = links.issue(user, Purpose.INVITATION, now=now)
    notify(
        user,
        INVITATION.name,
        about=f"invitation:{links.token_hash(token)[:16]}",
        link=link_to("links.accept_invitation", token=token),
        days=INVITATION_DAYS,
    )


def awaiting(user: User) -> bool:
    """Invited and has not yet chosen a password."""
    return user.password_hash == NO_PASSWORD


def accept(token: str, password: str) -> User:
    """Choose a password through an invitation link; the link is spent and the person may sign in."""
    link = links.peek(token, Purpose.INVITATION)
    user_id, email, name = link.user_id, link.user.email, link.user.name
    services.check_new_password(password, email, name, "new_password")
    password_hash = services.hash_outside_transaction(password)
    link = links.spend(token, Purpose.INVITATION)
    user = link.user
    user.password_hash = password_hash
    user.must_change_password = False
    user.password_expires_at = None
    user.rotate_session_token()
    record(Action.INVITATION_ACCEPTED, Subject("user", user_id), user)
    db.session.commit()
    return user


def init_app(app: Flask) -> None:
    register_kind(app, INVITATION)
