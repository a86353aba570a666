"""Personal tokens for scripts calling the JSON API. Only a token's SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select

from core.accounts.errors import AccountError, refuse_erased
from core.accounts.models import NAME_MAX_LENGTH, ApiToken, User
from core.clock import utcnow
from core.extensions import db

# An API token stops working after this unless issued for less (`flask users token --days`).
API_TOKEN_LIFETIME = timedelta(days=90)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(person: User, name: str, lifetime: timedelta = API_TOKEN_LIFETIME) -> str:
    """A new API token for ``person``, valid for ``lifetime``; returned once, stored only as a hash."""
    refuse_erased(person)
    if lifetime <= timedelta(0):
        raise AccountError("Enter a token life of at least 1 day", field="days")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        ApiToken(
            user=person,
            name=name.strip()[:NAME_MAX_LENGTH] or "API token",
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.commit()
    return token


def delete_tokens(person_id: int) -> int:
    return db.session.execute(delete(ApiToken).where(ApiToken.user_id == person_id)).rowcount


def revoke_tokens(person: User) -> int:
    count = delete_tokens(person.id)
    db.session.commit()
    return count


def user_for_token(token: str) -> User | None:
    """The active person an unexpired token belongs to, or None."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    now = utcnow()
    if found is None or found.expires_at <= now or not found.user.active or found.user.must_change_password:
        return None
    found.last_used_at = now
    db.session.commit()
    return found.user
