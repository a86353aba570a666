"""Inviting a person: a single-use link, valid 7 days, to choose their own password.

A person who has been invited but has not yet chosen a password has no password at all
(:data:`NO_PASSWORD`): nothing typed at the sign-in page lets them in, and the check still costs one
Argon2 verification, as for an unknown address.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from core.accounts import links, services
from core.accounts.errors import AccountError
from core.accounts.links import AccountLink, Purpose
from core.accounts.models import NO_PASSWORD, User
from core.accounts.security_messages import security_kind
from core.audit import Action, Subject, record
from core.extensions import db
from core.messages import link_to, notify, register_kind
from core.roles import Role

INVITATION = security_kind(
    "invitation",
    "You have been invited to NPQ for SENCOs: choose your password",
    "an administrator of your NPQ for SENCOs provider added you",
)
INVITATION_DAYS = Purpose.INVITATION.lifetime.days


def invite(user: User, now: datetime | None = None, *, new_person: bool = False) -> None:
    """Send ``user`` a new invitation (an earlier one stops working). In the caller's transaction.
    ``new_person``: added in this transaction (nothing to withdraw, nobody told before)."""
    token = links.issue(user, Purpose.INVITATION, now=now, first=new_person)
    notify(
        user,
        INVITATION.name,
        new_recipient=new_person,
        about=f"invitation:{links.token_hash(token)[:16]}",
        link=link_to("links.accept_invitation", token=token),
        days=INVITATION_DAYS,
    )


def awaiting(user: User) -> bool:
    """Invited and has not yet chosen a password."""
    return user.password_hash == NO_PASSWORD


def add_and_invite(name: str, email: str, roles: set[Role]) -> User:
    """Add a person with no password and invite them, in one transaction (the "Add a person" form)."""
    user = services.add_person(name, email, None, roles)
    invite(user, new_person=True)
    db.session.commit()
    return user


NOT_AWAITING = "{name} has already chosen a password: there is no invitation to send again"


def resend(person_id: int) -> User:
    """A new invitation for someone who has not accepted theirs; the earlier link stops working."""
    user = db.session.get(User, person_id)
    if user is None or user.erased or not user.active:
        raise AccountError("Only an active person can be invited", field="email")
    if not awaiting(user):
        raise AccountError(NOT_AWAITING.format(name=user.name), field="email")
    invite(user)
    record(Action.PERSON_INVITED, Subject("user", user.id), user, resent=True)
    db.session.commit()
    return user


def update_person(acting: User, person: User, **changes: Any) -> User:
    """An administrator's edit (:func:`core.accounts.services.update_person`). A new address withdraws
    the invitation sent to the old one, so someone who has not accepted theirs is invited again at
    the new address."""
    old_email = person.email
    person = services.update_person(acting, person, **changes)
    if person.email != old_email and awaiting(person) and person.active:
        invite(person)
        record(Action.PERSON_INVITED, Subject("user", person.id), person, resent=True, email_changed=True)
        db.session.commit()
    return person


@dataclass(frozen=True)
class Waiting:
    """An invitation not yet accepted: when the newest was sent, and whether its link still works."""

    sent_at: datetime
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now


def waiting(user_ids: Iterable[int]) -> dict[int, Waiting]:
    """Who of ``user_ids`` has not accepted their invitation, with their newest invitation: one query
    for the whole list (the People page)."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(AccountLink.user_id, func.max(AccountLink.created_at), func.max(AccountLink.expires_at))
        .join(User, User.id == AccountLink.user_id)
        .where(
            AccountLink.user_id.in_(ids),
            AccountLink.purpose == Purpose.INVITATION.value,
            User.password_hash == NO_PASSWORD,
        )
        .group_by(AccountLink.user_id)
    )
    # func.max keeps the column's type: aware UTC times, on SQLite too.
    return {user_id: Waiting(sent, expires) for user_id, sent, expires in rows}


def accept(token: str, password: str) -> User:
    """Choose a password through an invitation link; the link is spent and the person may sign in."""
    user_id, password_hash = services.chosen_password_hash(token, Purpose.INVITATION, password)
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
