"""An administrator's "What needs you": invitations that ran out before they were accepted, and emails
that could not be sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from core.accounts.links import AccountLink, Purpose
from core.accounts.models import NO_PASSWORD, User
from core.extensions import db
from core.messages import Message, MessageStatus
from core.needs import Item

NOT_ACCEPTED = "not-accepted"  # the People page's filter: people who have not accepted their invitation
EXPIRED = "invitation-expired"  # …and of those, people whose invitation ran out (what an administrator resends)
# Each filter: the words after "N people" on the page, and what it says when nobody is left.
FILTERS = {
    NOT_ACCEPTED: ("who have not accepted their invitation", "Everyone invited has accepted their invitation."),
    EXPIRED: ("whose invitation ran out before they accepted it", "No invitation has run out unaccepted."),
}


def _expired_invitations(now: datetime) -> int:
    newest = (
        select(AccountLink.user_id, func.max(AccountLink.expires_at).label("expires_at"))
        .where(AccountLink.purpose == Purpose.INVITATION.value)
        .group_by(AccountLink.user_id)
        .subquery()
    )
    query = (
        select(func.count())
        .select_from(User)
        .join(newest, newest.c.user_id == User.id)
        .where(User.password_hash == NO_PASSWORD, User.active.is_(True), newest.c.expires_at <= now)
    )
    return int(db.session.scalar(query) or 0)


def administrator_needs(now: datetime) -> list[Item]:
    needs = []
    expired = _expired_invitations(now)
    if expired:
        people = "person’s invitation" if expired == 1 else "people’s invitations"
        needs.append(
            Item(
                f"{expired} {people} ran out before they were accepted: resend",
                "people.index",
                {"show": EXPIRED},
                "Expired",
                "yellow",
            )
        )
    failed = int(db.session.scalar(select(func.count()).where(Message.status == MessageStatus.FAILED.value)) or 0)
    if failed:
        emails = "email" if failed == 1 else "emails"
        needs.append(Item(f"{failed} {emails} could not be sent: see why", "outbox.index", {}, "Not sent", "red"))
    return needs
