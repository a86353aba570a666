"""The rules of signing in with a school account (OpenID Connect): who the verified claims name,
who may be given an account at first sign-in, and what each refusal tells the person.

Pure: no Flask, no database. The flow itself (state, nonce, PKCE, the ID token's signature and
claims) is Authlib's, driven by ``core.accounts.sso_views``; ``core.accounts.sso_services``
applies these rules in a transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from core.roles import Role

# What an account made at first sign-in may do: follow its own training, nothing more. An
# administrator gives any other role by hand.
CREATED_ROLES = frozenset({Role.TRAINEE})
# What the app asks the issuer for: who the person is and their email address.
SCOPES = "openid email profile"
_TRY_PASSWORD = "or sign in with your email address and password"


class Refusal(str, enum.Enum):
    """Why a sign-in with a school account was refused: a code for the audit log, words for the page."""

    STATE = "state"  # no sign-in was started in this browser, it was used already, or it is too old
    DENIED = "denied"  # the person (or their school) refused at the issuer
    UNAVAILABLE = "unavailable"  # the issuer is down, unreachable, slow, or answered nonsense
    TOKEN = "token"  # the ID token failed a check: signature, issuer, audience, expiry or nonce
    UNVERIFIED = "unverified"  # the issuer does not vouch for the email address
    NO_ACCOUNT = "no_account"  # nobody has this email address, and the domain may not be created
    DEACTIVATED = "deactivated"  # the account exists but may not sign in (deactivated or erased)
    OTHER_DOMAIN = "other_domain"  # the address is outside the domains this issuer may sign in

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES[self]

    @property
    def status(self) -> int:
        """The sign-in page's HTTP status with this refusal: not allowed, try later, or a bad request."""
        if self in {Refusal.NO_ACCOUNT, Refusal.DEACTIVATED, Refusal.UNVERIFIED, Refusal.DENIED, Refusal.OTHER_DOMAIN}:
            return 403
        return 503 if self is Refusal.UNAVAILABLE else 400


REFUSAL_MESSAGES = {
    Refusal.STATE: "Your sign-in with your school account timed out or was already used. Try again.",
    Refusal.DENIED: f"You did not finish signing in with your school account. Try again, {_TRY_PASSWORD}.",
    Refusal.UNAVAILABLE: f"Your school’s sign-in service is not answering. Try again later, {_TRY_PASSWORD}.",
    Refusal.TOKEN: f"Your school account could not be checked. Try again, {_TRY_PASSWORD}.",
    Refusal.UNVERIFIED: (
        "Your school account does not have a verified email address. Ask your school’s IT team to verify it, "
        f"{_TRY_PASSWORD}."
    ),
    # One message for both: the person proved they own the address, but the page need not say more.
    Refusal.NO_ACCOUNT: (
        "There is no account you can use for your school email address. "
        "Ask your programme’s administrator to add you or to check your account."
    ),
    Refusal.DEACTIVATED: (
        "There is no account you can use for your school email address. "
        "Ask your programme’s administrator to add you or to check your account."
    ),
    Refusal.OTHER_DOMAIN: (
        "This school account cannot be used to sign in here. Sign in with your email address and password instead."
    ),
}


@dataclass(frozen=True)
class Identity:
    """Who the issuer says signed in: ``email`` is normalised and only set when verified."""

    subject: str
    email: str
    name: str


class Refused(Exception):
    def __init__(self, refusal: Refusal, person_id: int | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.person_id = person_id


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _valid_email(email: str, max_length: int) -> bool:
    if not email or len(email) > max_length:
        return False
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _name(claims: Mapping[str, Any], email: str, max_length: int) -> str:
    """The name the issuer gives, else given and family names, else the email's local part."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())
    return (" ".join(name.split()) or email.partition("@")[0])[:max_length]


def identity_from_claims(claims: Mapping[str, Any], *, email_max_length: int, name_max_length: int) -> Identity:
    """The identity in verified ID token (and userinfo) claims, or Refused(UNVERIFIED). The
    limits are the account columns' (``core.accounts.models``), passed in to keep this pure.

    Only ``email_verified: true`` (the boolean, not the string some issuers once sent) counts:
    an address the issuer has not checked could be anyone's.
    """
    email = claims.get("email")
    if claims.get("email_verified") is not True or not isinstance(email, str):
        raise Refused(Refusal.UNVERIFIED)
    email = normalise_email(email)
    if not _valid_email(email, email_max_length):
        raise Refused(Refusal.UNVERIFIED)
    return Identity(subject=str(claims.get("sub", "")), email=email, name=_name(claims, email, name_max_length))


def email_domain(email: str) -> str:
    return normalise_email(email).rpartition("@")[2]


def may_create(email: str, create_for_domains: Collection[str]) -> bool:
    """Whether a person with no account may be given one: only for a domain the provider listed,
    matched whole (``school.example`` does not admit ``evilschool.example`` or ``a.school.example``)."""
    return email_domain(email) in create_for_domains


def may_sign_in(email: str, sign_in_domains: Collection[str]) -> bool:
    """Whether this issuer may sign in the account with ``email``: any, unless the provider listed
    the domains it vouches for (matched whole, as :func:`may_create`)."""
    return not sign_in_domains or email_domain(email) in sign_in_domains
