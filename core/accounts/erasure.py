"""Erasing a person's account: what stays is a tombstone that names nobody.

The account row is kept because other people's records point at it: a trainee's observation keeps
its observer (sign-off counts different observers by account), a moderation item its moderator.
Everything that identifies the person goes: name and email are replaced, the password can never
match, every session and API token ends, roles and failed sign-ins under their email are deleted.
"""

from __future__ import annotations

from sqlalchemy import delete

from core.accounts.models import ApiToken, SignInFailure, User, new_session_token
from core.accounts.throttle import account_key
from core.clock import utcnow
from core.extensions import db

ERASED_DOMAIN = "erased.invalid"  # a reserved top-level domain: no mail is ever sent there
# Not an Argon2 hash, so no password ever matches it (passwords.verify_password answers False).
UNUSABLE_PASSWORD_HASH = "!erased"


def tombstone_name(person_id: int) -> str:
    return f"Erased person {person_id}"


def tombstone_email(person_id: int) -> str:
    return f"erased-{person_id}@{ERASED_DOMAIN}"


def erase_account(person_id: int) -> list[str]:
    """Turn the account into a tombstone, in the caller's transaction; what was kept, in words."""
    person = db.session.get(User, person_id)
    if person is None:
        return []
    db.session.execute(delete(SignInFailure).where(SignInFailure.account_key == account_key(person.email)))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == person_id))
    person.role_grants = []
    person.name = tombstone_name(person_id)
    person.email = tombstone_email(person_id)
    person.password_hash = UNUSABLE_PASSWORD_HASH
    person.session_token = new_session_token()  # every copy of their session cookie stops working
    person.active = False
    person.last_signed_in_at = None
    if person.erased_at is None:
        person.erased_at = utcnow()
    return [
        f"The account row is kept as “{person.name}”, with no email address, password, roles, sessions "
        "or API tokens, and cannot sign in: other people’s records (observations, moderation, a cohort’s "
        "register) refer to it."
    ]
