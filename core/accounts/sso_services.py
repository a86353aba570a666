"""Signing in with a school account, once the issuer's ID token has passed Authlib's checks:
find (or, where the provider allows it, create) the person, in one transaction with its audit event."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.accounts import single_sign_on as rules
from core.accounts.models import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, User
from core.accounts.passwords import hash_password
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.config import OidcIssuer
from core.extensions import db

# What a refusal's audit event is about when no account matched.
REFUSAL_SUBJECT = Subject("sign_in")


def record_refusal(issuer: OidcIssuer, refused: rules.Refused) -> None:
    """An audit event for a refused sign-in: which issuer, why, and whose account if one matched.

    Never the email address or a token: the reason's code and the issuer's configured name only."""
    subject = Subject("user", refused.person_id) if refused.person_id else REFUSAL_SUBJECT
    record(Action.SSO_REFUSED, subject, refused.person_id, issuer=issuer.name, reason=refused.refusal.value)
    db.session.commit()


def _matching(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _unguessable_password_hash() -> str:
    """A password nobody knows, hashed like any other: the account signs in through its school
    until the person chooses a password ("Forgot your password?"), and a password sign-in against
    it takes as long as against any account."""
    return hash_password(secrets.token_urlsafe(32))


def _create(identity: rules.Identity, issuer: OidcIssuer) -> User:
    db.session.rollback()  # end the read: hashing takes a moment, and holds no transaction open
    password_hash = _unguessable_password_hash()
    person = User(name=identity.name, email=identity.email, password_hash=password_hash, active=True)
    person.set_roles(set(rules.CREATED_ROLES))
    db.session.add(person)
    db.session.flush()  # the id, for the audit event
    record(Action.PERSON_ADDED, Subject("user", person.id), person, roles=rules.CREATED_ROLES, via=issuer.name)
    return person


def sign_in(issuer: OidcIssuer, claims: Mapping[str, Any]) -> User:
    """The person the verified claims name, signed in now; or ``rules.Refused``.

    An account is matched on its email address alone (the issuer must have verified it); a
    deactivated or erased account is refused. Nobody is created unless the address's domain is in
    the issuer's ``create_for_domains``: then as a trainee with no password of their own.
    """
    identity = rules.identity_from_claims(claims, email_max_length=EMAIL_MAX_LENGTH, name_max_length=NAME_MAX_LENGTH)
    if not rules.may_sign_in(identity.email, issuer.sign_in_domains):
        raise rules.Refused(rules.Refusal.OTHER_DOMAIN)  # before any look-up: it says nothing of who has an account
    person = _matching(identity.email)
    if person is None and rules.may_create(identity.email, issuer.create_for_domains):
        try:
            person = _create(identity, issuer)
        except IntegrityError:  # the same person, signing in twice at once: use the first
            db.session.rollback()
            person = _matching(identity.email)
    if person is None:
        raise rules.Refused(rules.Refusal.NO_ACCOUNT)
    if not person.active or person.erased:
        refused = rules.Refused(rules.Refusal.DEACTIVATED, person_id=person.id)
        db.session.rollback()
        raise refused
    person.last_signed_in_at = utcnow()
    record(Action.SIGNED_IN_WITH_SSO, Subject("user", person.id), person, issuer=issuer.name)
    db.session.commit()
    return person
