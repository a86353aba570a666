"""The ID token's checks. The provider signs only good tokens, so a bad signature, audience or
expiry is made here, with the provider's own key (or another), and given to the same check the
callback runs (Authlib's parse_id_token with the app's claims_options), with the keys the app
fetched from the provider. The real flow's nonce and issuer checks are in test_single_sign_on.py."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from core.accounts.sso_views import verify_id_token
from tests.oidc_server import CLIENT_ID, Provider, oidc_provider, sso_client  # noqa: F401

NONCE = "the-nonce-sent"


def _id_token(provider: Provider, key: object = None, drop: tuple[str, ...] = (), **changes: object) -> dict:
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": provider.issuer,
        "sub": "alice@school.example",
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 10 * 60,
        "nonce": NONCE,
        "email": "alice@school.example",
        "email_verified": True,
    }
    claims.update(changes)
    for name in drop:
        del claims[name]
    signing_key = key or provider.keys.get_by_kid("provider-key")
    id_token = jwt.encode({"alg": "RS256", "kid": "provider-key"}, claims, signing_key)
    return {"id_token": id_token, "access_token": "an-access-token", "token_type": "Bearer"}


@pytest.fixture
def verify(sso_client, oidc_provider) -> Callable[[dict], dict]:
    sso_app = sso_client().application
    issuer = oidc_provider.configured()

    def check(token: dict, nonce: str = NONCE) -> dict:
        with sso_app.test_request_context():
            return verify_id_token(issuer, token, nonce)

    return check


def test_an_id_token_signed_by_the_provider_with_the_right_claims_is_accepted(verify, oidc_provider):
    assert verify(_id_token(oidc_provider))["email"] == "alice@school.example"


@pytest.mark.parametrize(
    "what, changes, drop",
    [
        ("another audience", {"aud": "another-app"}, ()),
        ("another audience, with this app as authorised party", {"aud": "another-app", "azp": CLIENT_ID}, ()),
        ("no audience", {}, ("aud",)),
        ("another issuer", {"iss": "http://issuer.example"}, ()),
        ("an expiry an hour ago", {"exp": int(time.time()) - 60 * 60}, ()),
        ("no expiry", {}, ("exp",)),
        ("another nonce", {"nonce": "a-replayed-nonce"}, ()),
        ("no nonce", {}, ("nonce",)),
    ],
)
def test_an_id_token_with_wrong_claims_is_refused(verify, oidc_provider, what, changes, drop):
    with pytest.raises(JoseError):
        verify(_id_token(oidc_provider, drop=drop, **changes))


def test_an_id_token_signed_with_another_key_under_the_providers_key_id_is_refused(verify, oidc_provider):
    other = RSAKey.generate_key(2048, parameters={"kid": "provider-key"})
    with pytest.raises(JoseError):
        verify(_id_token(oidc_provider, key=other))


def test_an_unsigned_id_token_is_refused(verify, oidc_provider):
    token = _id_token(oidc_provider)
    payload = token["id_token"].split(".")[1]
    unsigned = {**token, "id_token": f"{_b64({'alg': 'none', 'kid': 'provider-key'})}.{payload}."}
    with pytest.raises(JoseError):
        verify(unsigned)


def _b64(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()
