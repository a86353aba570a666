"""Password hashing with Argon2id (argon2-cffi), the OWASP first choice, and the password rule."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

# A password an administrator sets for someone works once, within this time, and must then be
# replaced by one the person chooses (the page, the form hint and the CLI all read this).
TEMPORARY_PASSWORD_HOURS = 72
TEMPORARY_PASSWORD_LIFETIME = timedelta(hours=TEMPORARY_PASSWORD_HOURS)
TEMPORARY_PASSWORD_HINT = (
    f"It works for one sign-in within {TEMPORARY_PASSWORD_HOURS} hours; they must then choose their own password."
)
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline slow-hash attacks".
PASSWORD_MIN_STRENGTH = 3
PASSWORD_RULE = f"Enter a password of {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters"
PASSWORD_TOO_GUESSABLE = "Enter a password that is harder to guess, for example 3 or 4 unrelated words"
PASSWORD_HAS_OWN_DETAILS = "Enter a password that does not contain the person’s name or email address"
# A part of a name or email shorter than this is too common to forbid ("jo", "uk").
_OWN_DETAIL_MIN_LENGTH = 3

# OWASP's Password Storage Cheat Sheet settings for Argon2id (19 MiB, 2 passes, 1 lane): as strong
# as its other listed settings, at about a fifth of the CPU of argon2-cffi's RFC 9106 default, so
# that 50 people signing in at once do not queue behind each other's hashes. Older hashes are
# upgraded at the next sign-in (needs_rehash).
ARGON2_MEMORY_KIB, ARGON2_TIME_COST, ARGON2_PARALLELISM = 19_456, 2, 1
OWASP_PARAMETERS = replace(
    profiles.RFC_9106_LOW_MEMORY,
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
)
_hasher = PasswordHasher.from_parameters(OWASP_PARAMETERS)
# A hash to check against when the e-mail is unknown, so both paths take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def use_parameters(parameters: Parameters) -> None:
    """Hash and verify with ``parameters`` from now on (and re-make the dummy hash with them).
    Only the test suite calls it, with argon2-cffi's profile for tests (``profiles.CHEAPEST``): it
    hashes thousands of passwords at about 30 ms each otherwise."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(parameters)
    _DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Exactly one Argon2 verification whatever the input: a missing hash, or the empty one of a
    person who has not chosen a password yet (``NO_PASSWORD``), checks the dummy, and never matches
    (the dummy's password is in the source for anyone to read)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def _long_enough(words: list[str]) -> list[str]:
    return [word.lower() for word in words if len(word) >= _OWN_DETAIL_MIN_LENGTH]


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """What is wrong with ``password`` as a new password for this person, or None."""
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        return PASSWORD_RULE
    local_part = email.partition("@")[0]
    # The school's domain may well appear in a good password; the person's own name may not.
    own = _long_enough([email, local_part, *re.split(r"[\W_]+", local_part), *re.split(r"[\W_]+", name)])
    folded = password.lower()
    if any(detail in folded for detail in own):
        return PASSWORD_HAS_OWN_DETAILS
    details = own + _long_enough(re.split(r"[\W_]+", email))
    # zxcvbn knows common passwords, words, names, keyboard walks, dates and l33t; it is slow on
    # long input, so it reads the first 72 characters (past that a password is long enough).
    if zxcvbn(password[:72], user_inputs=details)["score"] < PASSWORD_MIN_STRENGTH:
        return PASSWORD_TOO_GUESSABLE
    return None
