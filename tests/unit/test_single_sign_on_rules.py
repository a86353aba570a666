"""The rules of signing in with a school account: whose verified claims count, who may be created,
and how the OIDC_* settings are read."""

from __future__ import annotations

import pytest

from core import config
from core.accounts.single_sign_on import Refusal, Refused, email_domain, identity_from_claims, may_create, may_sign_in

LIMITS = {"email_max_length": 254, "name_max_length": 120}


def identity(**claims: object):  # type: ignore[no-untyped-def]
    return identity_from_claims({"sub": "s-1", **claims}, **LIMITS)


def test_a_verified_email_is_taken_in_lower_case_with_the_given_name():
    person = identity(email=" Alice.Smith@School.Example ", email_verified=True, name="Alice  Smith")
    assert (person.email, person.name, person.subject) == ("alice.smith@school.example", "Alice Smith", "s-1")


@pytest.mark.parametrize("verified", [False, None, "true", 1, "yes"])
def test_an_email_not_verified_as_the_boolean_true_is_refused(verified):
    with pytest.raises(Refused) as refused:
        identity(email="alice@school.example", email_verified=verified)
    assert refused.value.refusal is Refusal.UNVERIFIED


@pytest.mark.parametrize("email", [None, "", "not an email", 42, "a@" + "b" * 260 + ".example"])
def test_a_missing_or_malformed_email_is_refused_as_unverified(email):
    with pytest.raises(Refused):
        identity(email=email, email_verified=True)


def test_without_a_name_the_given_and_family_names_or_the_email_are_used():
    assert identity(email="a@s.example", email_verified=True, given_name="Ann", family_name="Lee").name == "Ann Lee"
    assert identity(email="ann.lee@s.example", email_verified=True, name="  ").name == "ann.lee"


def test_a_long_name_is_cut_to_the_accounts_limit():
    assert len(identity(email="a@s.example", email_verified=True, name="N" * 500).name) == 120


@pytest.mark.parametrize(
    "email, allowed",
    [
        ("ann@school.example", True),
        ("ann@SCHOOL.example", True),
        ("ann@staff.school.example", False),
        ("ann@evilschool.example", False),
        ("ann@school.example.evil", False),
    ],
)
def test_only_a_listed_domain_matched_whole_may_be_created(email, allowed):
    assert may_create(email, frozenset({"school.example"})) is allowed
    assert may_create(email, frozenset()) is False


@pytest.mark.parametrize(
    "email, allowed",
    [("ann@school.example", True), ("ann@staff.school.example", False), ("admin@provider.example", False)],
)
def test_an_issuer_limited_to_domains_signs_in_only_those_matched_whole_and_any_when_none_are_listed(email, allowed):
    assert may_sign_in(email, frozenset({"school.example"})) is allowed
    assert may_sign_in(email, frozenset()) is True


def test_the_domain_is_what_follows_the_last_at_sign():
    assert email_domain('"a@b"@School.Example') == "school.example"


def test_every_refusal_has_a_message_that_says_what_to_do():
    for refusal in Refusal:
        assert refusal.message.endswith(".") and len(refusal.message) < 200


def test_no_issuer_is_configured_by_default(monkeypatch):
    monkeypatch.delenv("OIDC_PROVIDERS", raising=False)
    assert config.oidc_issuers() == ()


def test_each_named_issuer_is_read_from_its_own_settings(monkeypatch):
    monkeypatch.setenv("OIDC_PROVIDERS", "school, Google")
    for name, issuer in (("SCHOOL", "https://login.example/tenant/v2.0"), ("GOOGLE", "https://accounts.google.com")):
        monkeypatch.setenv(f"OIDC_{name}_ISSUER", issuer)
        monkeypatch.setenv(f"OIDC_{name}_CLIENT_ID", f"{name}-id")
        monkeypatch.setenv(f"OIDC_{name}_CLIENT_SECRET", f"{name}-secret")
    monkeypatch.setenv("OIDC_SCHOOL_LABEL", "Sign in with Microsoft 365")
    monkeypatch.setenv("OIDC_SCHOOL_CREATE_FOR_DOMAINS", "School.Example, @academy.example")
    school, google = config.oidc_issuers()
    assert school.label == "Sign in with Microsoft 365"
    assert school.create_for_domains == {"school.example", "academy.example"}
    assert school.discovery_url == "https://login.example/tenant/v2.0/.well-known/openid-configuration"
    assert (google.name, google.label, google.create_for_domains) == ("google", "Sign in with google", frozenset())


def test_a_named_issuer_without_its_settings_stops_the_app_with_the_setting_to_add(monkeypatch):
    monkeypatch.setenv("OIDC_PROVIDERS", "school")
    monkeypatch.setenv("OIDC_SCHOOL_ISSUER", "https://login.example")
    monkeypatch.delenv("OIDC_SCHOOL_CLIENT_ID", raising=False)
    with pytest.raises(SystemExit, match="OIDC_SCHOOL_CLIENT_ID"):
        config.oidc_issuers()


def test_an_issuer_name_that_cannot_be_a_setting_name_is_refused(monkeypatch):
    monkeypatch.setenv("OIDC_PROVIDERS", "my-school")
    with pytest.raises(SystemExit, match="letters, digits"):
        config.oidc_issuers()
