"""Single-use links sent by email: an invitation, a password reset, a change of email.

Only the SHA-256 of a link's secret is stored. A link is spent by one conditional UPDATE, so two
tabs (or a replayed request) racing to use it cannot both succeed; it stops working at its expiry,
when it is used, or when a newer link of the same purpose is sent to the same person.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.accounts.models import EMAIL_MAX_LENGTH, User
from core.clock import utcnow
from core.extensions import db
from core.problems import Invalid

TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 64  # a token_urlsafe(32) is 43 characters; anything longer is not one of ours
LINK_GONE = "This link has expired or has already been used."


class Purpose(str, enum.Enum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"

    @property
    def lifetime(self) -> timedelta:
        return LIFETIMES[self]


LIFETIMES = {
    Purpose.INVITATION: timedelta(days=7),
    Purpose.PASSWORD_RESET: timedelta(hours=1),
    Purpose.EMAIL_CHANGE: timedelta(hours=24),
}


class AccountLink(db.Model):
    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))  # for a change of email only
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # used, or replaced by a newer link
    user: Mapped[User] = relationship()


class LinkGone(Invalid):
    """An expired, used, replaced or made-up link: one message for all, so it tells nothing."""

    def __init__(self) -> None:
        super().__init__(LINK_GONE)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(
    user: User, purpose: Purpose, *, new_email: str | None = None, now: datetime | None = None, first: bool = False
) -> str:
    """A new link for ``user``, in the session (not committed); earlier unused ones of the same purpose
    stop working (``first``: the person was added in this transaction and has none)."""
    now = now or utcnow()
    if not first:
        withdraw(user.id, purpose, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(
        AccountLink(
            user=user,
            purpose=purpose.value,
            token_hash=token_hash(token),
            new_email=new_email,
            created_at=now,
            expires_at=now + purpose.lifetime,
        )
    )
    return token


def withdraw(user_id: int, purpose: Purpose, now: datetime | None = None) -> None:
    """Make every unused link of ``purpose`` for this person stop working."""
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose.value, AccountLink.used_at.is_(None))
        .values(used_at=now or utcnow())
        # "fetch" refreshes only the links it changed; the default ("evaluate") tests every object
        # the session holds, so inviting 5,000 people in one import took time growing as its square.
        .execution_options(synchronize_session="fetch")
    )


def _valid(token: str, purpose: Purpose, now: datetime) -> list[object]:
    return [
        AccountLink.token_hash == token_hash(token[:TOKEN_MAX_LENGTH]),
        AccountLink.purpose == purpose.value,
        AccountLink.used_at.is_(None),
        AccountLink.expires_at > now,
    ]


def peek(token: str, purpose: Purpose, now: datetime | None = None) -> AccountLink:
    """The link, still usable (to show its page before it is used); LinkGone otherwise."""
    found = db.session.scalar(select(AccountLink).where(*_valid(token, purpose, now or utcnow())))
    if found is None or found.user.erased or not found.user.active:
        raise LinkGone()
    return found


def spend(token: str, purpose: Purpose, now: datetime | None = None) -> AccountLink:
    """Use the link, once: of two requests racing, one gets it and the other LinkGone. Not committed."""
    now = now or utcnow()
    found = peek(token, purpose, now)
    spent = db.session.execute(
        update(AccountLink).where(AccountLink.id == found.id, *_valid(token, purpose, now)).values(used_at=now)
    )
    if spent.rowcount != 1:
        raise LinkGone()
    return found


def pending_since(user_id: int, purpose: Purpose) -> datetime | None:
    """When the newest unused link of ``purpose`` was sent to this person, if one is still waiting."""
    return db.session.scalar(
        select(AccountLink.created_at)
        .where(AccountLink.user_id == user_id, AccountLink.purpose == purpose.value, AccountLink.used_at.is_(None))
        .order_by(AccountLink.created_at.desc())
        .limit(1)
    )
