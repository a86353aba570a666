"""Tables for people, their roles and failed sign-ins."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Enum, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.clock import utcnow
from core.extensions import db
from core.roles import HOME_PRIORITY, Role

EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 120
NAME_UNSAFE = "Enter the name without line breaks, tabs or hidden control characters"
# Text-direction overrides and isolates: in a name they make "Eve" display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ADDRESS_MAX_LENGTH = 64  # an IPv6 address with zone fits; anything longer is cut, never stored whole
# The password of a person invited who has not yet chosen one: no typed text matches it, and checking
# it still costs one Argon2 verification (core.accounts.passwords.verify_password).
NO_PASSWORD = ""


def normalise_email(email: str) -> str:
    """The one spelling of an address that is stored and compared: trimmed, lower case, and NFC,
    so "jö@…" typed with a combining mark (as some keyboards and exports do) is the same person."""
    return unicodedata.normalize("NFC", email.strip()).lower()


def name_is_safe(name: str) -> bool:
    """Whether a person's name holds only printable text: it starts every email ("Dear …"), so a
    line break in it could write lines of the email's own, and a direction override disguise it."""
    return not any(unicodedata.category(c) == "Cc" or c in _BIDI_CONTROLS for c in name)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Flask-Login's "alternative id": the session cookie holds this, not the primary key,
    # so rotating it makes every copy of an earlier cookie useless.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_signed_in_at: Mapped[datetime | None]
    # A password an administrator set: it stops working at this moment (and is spent by its first
    # sign-in), and the person is sent to choose their own before anything else. None and False
    # for a password the person chose.
    password_expires_at: Mapped[datetime | None]
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    deactivated_at: Mapped[datetime | None]  # when it was last deactivated; None while active
    # Set when the person's personal data was erased: the row stays as a tombstone ("Erased
    # person 17") because others' records (observations they wrote, a cohort's register) point at it.
    erased_at: Mapped[datetime | None]

    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.role_grants)

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role]) -> None:
        kept = [grant for grant in self.role_grants if grant.role in roles]
        added = [RoleGrant(role=role) for role in sorted(roles - self.roles, key=HOME_PRIORITY.index)]
        self.role_grants = kept + added

    def sorted_roles(self) -> list[Role]:
        return sorted(self.roles, key=HOME_PRIORITY.index)

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class RoleGrant(db.Model):
    __tablename__ = "role_grant"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda roles: [r.value for r in roles]),
        primary_key=True,
    )
    user: Mapped[User] = relationship(back_populates="role_grants")


ACCOUNT_KEY_LENGTH = 64  # an HMAC-SHA256 in hex


class SignInFailure(db.Model):
    """One failed sign-in. Counted in the database so the limit holds across server processes.

    What was typed as the email address is kept only as a keyed hash (``account_key``): enough to
    count failures against one account, but never the text itself, which may be a password typed
    into the wrong field."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (
        Index("ix_sign_in_failure_account_key_at", "account_key", "occurred_at"),
        Index("ix_sign_in_failure_address_at", "address", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(ACCOUNT_KEY_LENGTH))
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX_LENGTH))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(db.Model):
    """A personal token for scripts calling the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    user: Mapped[User] = relationship()
