"""The password rule: length, guessability and the person's own details."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.accounts.passwords import (
    PASSWORD_HAS_OWN_DETAILS,
    PASSWORD_RULE,
    PASSWORD_TOO_GUESSABLE,
    password_problem,
)
from core.setup import demo_password

KIM = {"email": "kim.khan@school.example", "name": "Kim Khan"}


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "e2e password that is long", "Tr0ub4dor&3 lamp post"]
)
def test_long_unrelated_words_are_accepted(password):
    assert password_problem(password, **KIM) is None


@pytest.mark.parametrize(
    "password", ["password1234", "123456789012", "qwertyuiop12", "aaaaaaaaaaaaaaaa", "iloveyou2025"]
)
def test_common_and_patterned_passwords_are_refused(password):
    assert password_problem(password, **KIM) == PASSWORD_TOO_GUESSABLE


@pytest.mark.parametrize(
    "password", ["kim.khan@school.example", "KimKhan is great", "my name is khan!!", "the kim.khan password"]
)
def test_the_persons_name_or_email_is_refused_in_any_case(password):
    assert password_problem(password, **KIM) == PASSWORD_HAS_OWN_DETAILS


def test_the_schools_domain_alone_is_not_the_persons_own_detail():
    assert password_problem("school example lighthouse ladder", **KIM) is None


@pytest.mark.parametrize("password", ["short", "x" * 11, "y" * 129])
def test_too_short_or_too_long_is_refused_with_the_length_rule(password):
    assert password_problem(password, **KIM) == PASSWORD_RULE


def test_any_characters_are_allowed_without_composition_rules():
    assert password_problem("ünïcödé wörds ärë fïnë hérè", **KIM) is None


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([("Ada Admin", "admin@example.org"), ("Tia Trainee", "trainee@example.org")]))
def test_demo_passwords_always_pass_the_rule(person):
    name, email = person
    assert password_problem(demo_password(name, email), email=email, name=name) is None


@pytest.fixture
def production_hashing():  # type: ignore[no-untyped-def]
    """The settings the app hashes with outside the suite (tests/conftest.py uses cheaper ones)."""
    from argon2 import profiles

    from core.accounts import passwords

    passwords.use_parameters(passwords.OWASP_PARAMETERS)
    yield
    passwords.use_parameters(profiles.CHEAPEST)


def test_new_hashes_use_owasps_argon2id_settings_and_older_ones_are_upgraded(production_hashing):
    from argon2 import PasswordHasher

    from core.accounts.passwords import hash_password, needs_rehash

    assert "$argon2id$v=19$m=19456,t=2,p=1$" in hash_password("quartz lantern over seven meadows")
    older = PasswordHasher().hash("quartz lantern over seven meadows")  # argon2-cffi's default settings
    assert needs_rehash(older) and not needs_rehash(hash_password("quartz lantern over seven meadows"))
