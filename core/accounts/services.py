"""Use cases for people and sessions; each one holds its own transaction."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, or_, select

from core.accounts.models import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, ApiToken, SignInFailure, User, utcnow
from core.accounts.passwords import hash_password, needs_rehash, verify_password
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Invalid


class AccountError(Invalid):
    """A request that breaks an accounts rule, located at the form field to blame (``field``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, path=field or "")


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures_per_account: int
    max_failures_per_address: int
    window: timedelta


@dataclass(frozen=True)
class SignInResult:
    user: User | None = None
    retry_after: datetime | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _retry_after(column, value: str, limit: int, since: datetime, window: timedelta) -> datetime | None:
    """When the oldest failure in the window expires, if the limit is reached; else None."""
    count, oldest = db.session.execute(
        select(func.count(), func.min(SignInFailure.occurred_at)).where(
            column == value, SignInFailure.occurred_at > since
        )
    ).one()
    if count < limit:
        return None
    return oldest + window  # func.min keeps the column's type, so this is aware UTC


def sign_in(email: str, password: str, address: str, policy: ThrottlePolicy) -> SignInResult:
    """Check the credentials unless this account or address has failed too often lately."""
    email = normalise_email(email)
    now = utcnow()
    since = now - policy.window
    retry_after = _retry_after(
        SignInFailure.email, email, policy.max_failures_per_account, since, policy.window
    ) or _retry_after(
        SignInFailure.address, address, policy.max_failures_per_address, since, policy.window
    )
    if retry_after is not None:
        db.session.rollback()
        return SignInResult(retry_after=retry_after)

    user = find_by_email(email)
    if user is None or not verify_password(user.password_hash, password) or not user.active:
        db.session.add(SignInFailure(email=email, address=address, occurred_at=now))
        db.session.commit()
        return SignInResult()

    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_signed_in_at = now
    db.session.execute(delete(SignInFailure).where(SignInFailure.email == email))
    db.session.commit()
    return SignInResult(user=user)


def sign_out(user: User) -> None:
    """End every session of this person, including copies of the cookie elsewhere."""
    user.rotate_session_token()
    db.session.commit()


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Your current password is not right", field="current_password")
    user.password_hash = hash_password(new_password)
    user.rotate_session_token()
    db.session.commit()


def set_password(person: User, password: str) -> None:
    person.password_hash = hash_password(password)
    person.rotate_session_token()
    db.session.commit()


def _check_details(name: str, email: str) -> None:
    """The rules forms check too, enforced here for the CLI and any future API."""
    if not name.strip() or len(name.strip()) > NAME_MAX_LENGTH:
        raise AccountError(f"Enter a name of 1 to {NAME_MAX_LENGTH} characters", field="name")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError(
            "Enter an email address in the correct format, like name@example.org", field="email"
        ) from None
    if len(email) > EMAIL_MAX_LENGTH:
        raise AccountError(f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer", field="email")


def _check_email_free(email: str, user_id: int | None = None) -> None:
    query = select(User.id).where(User.email == email)
    if user_id is not None:
        query = query.where(User.id != user_id)
    if db.session.scalar(query) is not None:
        raise AccountError("A person with this email address already exists", field="email")


def create_person(name: str, email: str, password: str, roles: set[Role], active: bool = True) -> User:
    email = normalise_email(email)
    _check_details(name, email)
    _check_roles(roles)
    _check_email_free(email)
    user = User(name=name.strip(), email=email, password_hash=hash_password(password), active=active)
    user.set_roles(roles)
    db.session.add(user)
    db.session.commit()
    return user


def update_person(
    acting: User,
    person: User,
    *,
    name: str,
    email: str,
    roles: set[Role],
    active: bool,
    new_password: str | None = None,
) -> User:
    """Apply an admin's edit. Admins cannot lock themselves out by accident."""
    email = normalise_email(email)
    _check_details(name, email)
    _check_roles(roles)
    _check_email_free(email, person.id)
    if person.id == acting.id and Role.ADMIN not in roles:
        raise AccountError("You cannot remove your own administrator role", field="roles")
    if person.id == acting.id and not active:
        raise AccountError("You cannot deactivate your own account", field="active")
    person.name = name.strip()
    person.email = email
    person.set_roles(roles)
    if person.active and not active:
        person.rotate_session_token()  # a deactivated person's open sessions end now
    person.active = active
    if new_password:
        person.password_hash = hash_password(new_password)
        person.rotate_session_token()
    db.session.commit()
    return person


def _check_roles(roles: set[Role]) -> None:
    if not roles:
        raise AccountError("Select at least one role", field="roles")


def set_roles(person: User, roles: set[Role]) -> User:
    _check_roles(roles)
    person.set_roles(roles)
    db.session.commit()
    return person


def set_active(acting: User | None, person: User, active: bool) -> None:
    if acting is not None and person.id == acting.id and not active:
        raise AccountError("You cannot deactivate your own account", field="active")
    if person.active and not active:
        person.rotate_session_token()
    person.active = active
    db.session.commit()


def list_people(search: str | None = None) -> list[User]:
    query = select(User).order_by(func.lower(User.name), User.email)
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    return list(db.session.scalars(query))


def load_user(session_token: str) -> User | None:
    """Flask-Login's loader: an unknown (rotated) token or a deactivated person is nobody."""
    return db.session.scalar(
        select(User).where(User.session_token == session_token, User.active.is_(True))
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(person: User, name: str) -> str:
    """A new API token for ``person``; returned once, stored only as a hash."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=person, name=name.strip() or "API token", token_hash=_token_hash(token)))
    db.session.commit()
    return token


def revoke_tokens(person: User) -> int:
    tokens = list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == person.id)))
    for token in tokens:
        db.session.delete(token)
    db.session.commit()
    return len(tokens)


def user_for_token(token: str) -> User | None:
    """The active person a token belongs to, or None. A deactivated person's tokens stop working."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if found is None or not found.user.active:
        return None
    found.last_used_at = utcnow()
    db.session.commit()
    return found.user
