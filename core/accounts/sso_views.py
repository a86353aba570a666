"""Signing in with a school account: the OpenID Connect authorization code flow, through Authlib.

Authlib makes the state, the nonce and the PKCE verifier (S256), keeps them in this browser's
session, checks the state on the way back, swaps the code for tokens and verifies the ID token
(signature against the issuer's JWKS, ``iss``, ``aud``, ``exp``, ``nonce``). Every failure comes
back to the sign-in page with one plain message (``single_sign_on.Refusal``); nothing is saved
but an audit event, and no token or code is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from joserfc.errors import JoseError
from werkzeug.wrappers import Response

from core.access import public
from core.accounts import sso_services
from core.accounts.forms import SignInForm
from core.accounts.single_sign_on import SCOPES, Refusal, Refused
from core.accounts.views import start_session
from core.config import OidcIssuer
from core.redirects import local_target, redirect_to_local

sso = Blueprint("sso", __name__, url_prefix="/sign-in/school")

NEXT = "sso_next"  # session key: the page to open after signing in (a local path only)
EXTENSION = "sso"  # app.extensions key of this app's Authlib registry (one per app: tests make many)
# How long a started sign-in may take at the issuer before its state is refused: long enough to
# type a password and a second factor, short enough that an old tab's link is dead.
STATE_LIFETIME_SECONDS = 10 * 60
# The issuer's error answers: the person (or their school's rules) stopped the sign-in; the issuer
# is in trouble (try later); anything else (invalid_request, unauthorized_client) is a refused request.
_PERSON_STOPPED = {
    "access_denied",
    "login_required",
    "consent_required",
    "interaction_required",
    "account_selection_required",
}
_ISSUER_TROUBLE = {"server_error", "temporarily_unavailable"}
# An authorization code the issuer will not swap (used already, expired): the sign-in is spent.
_SPENT_CODE = {"invalid_grant"}
# What can go wrong talking to the issuer or checking its answer. Authlib raises RuntimeError
# for discovery without a jwks_uri, and ValueError/KeyError for malformed documents.
_NETWORK_ERRORS = (requests.RequestException,)
_TOKEN_ERRORS = (AuthlibBaseError, JoseError, RuntimeError, ValueError, KeyError, TypeError)


def configured_issuers() -> tuple[OidcIssuer, ...]:
    return tuple(current_app.config.get("OIDC_ISSUERS") or ())


def _issuer_or_404(name: str) -> OidcIssuer:
    for issuer in configured_issuers():
        if issuer.name == name:
            return issuer
    abort(404)


def _client(issuer: OidcIssuer) -> Any:
    return current_app.extensions[EXTENSION].create_client(issuer.name)


def claims_options(issuer: OidcIssuer) -> dict[str, Any]:
    """What the ID token must say beyond its signature: issued by this issuer (as configured, not
    as its discovery document claims), for this client. Authlib adds ``exp``, ``iat`` and the nonce."""
    return {
        "iss": {"essential": True, "values": [issuer.issuer]},
        "aud": {"essential": True, "values": [issuer.client_id]},
    }


def verify_id_token(issuer: OidcIssuer, token: Mapping[str, Any], nonce: str) -> dict[str, Any]:
    """The ID token's claims once verified, or an Authlib/JOSE error. The callback's check, by name."""
    return dict(_client(issuer).parse_id_token(dict(token), nonce=nonce, claims_options=claims_options(issuer)))


def _refused(issuer: OidcIssuer, refused: Refused) -> tuple[str, int]:
    """The sign-in page again, with the reason at the top, and an audit event."""
    sso_services.record_refusal(issuer, refused)
    errors = [{"text": refused.refusal.message, "href": "#single-sign-on"}]
    page = render_template("accounts/sign_in.html", form=SignInForm(), page_errors=errors, issuers=configured_issuers())
    return page, refused.refusal.status


@sso.route("/<name>")
@public
def start(name: str) -> Response | tuple[str, int]:
    """Send the person to their school's sign-in page, with a fresh state, nonce and PKCE challenge."""
    issuer = _issuer_or_404(name)
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    try:
        response: Response = _client(issuer).authorize_redirect(url_for("sso.callback", name=name, _external=True))
        session[NEXT] = local_target(request.args.get("next"))
        return response
    except (*_NETWORK_ERRORS, *_TOKEN_ERRORS):
        return _refused(issuer, Refused(Refusal.UNAVAILABLE))


def _state_is_current(issuer: OidcIssuer) -> bool:
    """Whether this browser started this sign-in lately. Authlib keeps each started sign-in in the
    session under its state, with an expiry it does not itself enforce on the way back."""
    started = session.get(f"_state_{issuer.name}_{request.args.get('state', '')}")
    return isinstance(started, dict) and float(started.get("exp") or 0) > time.time()


def _forget_state(issuer: OidcIssuer) -> None:
    session.pop(f"_state_{issuer.name}_{request.args.get('state', '')}", None)


def _token(issuer: OidcIssuer) -> dict[str, Any]:
    """Swap the code for tokens and verify the ID token; Refused on any failure."""
    error = request.args.get("error")
    if error:
        _forget_state(issuer)
        if error in _PERSON_STOPPED:
            raise Refused(Refusal.DENIED)
        raise Refused(Refusal.UNAVAILABLE if error in _ISSUER_TROUBLE else Refusal.TOKEN)
    if not _state_is_current(issuer):
        _forget_state(issuer)
        raise Refused(Refusal.STATE)
    try:
        token = _client(issuer).authorize_access_token(claims_options=claims_options(issuer))
    except MismatchingStateError:
        raise Refused(Refusal.STATE) from None
    except OAuthError as refused:
        raise Refused(Refusal.STATE if refused.error in _SPENT_CODE else Refusal.TOKEN) from None
    except _NETWORK_ERRORS:
        raise Refused(Refusal.UNAVAILABLE) from None
    except _TOKEN_ERRORS:
        raise Refused(Refusal.TOKEN) from None
    if not token.get("userinfo"):  # no ID token came back, so nothing was verified
        raise Refused(Refusal.TOKEN)
    return dict(token)


def _claims(issuer: OidcIssuer, token: Mapping[str, Any]) -> dict[str, Any]:
    """The ID token's claims, with the email from the userinfo endpoint when the ID token leaves it
    out (many issuers send it only there); that answer counts only for the same subject."""
    claims = dict(token["userinfo"])
    if "email" in claims and "email_verified" in claims:
        return claims
    try:
        extra = dict(_client(issuer).userinfo(token=dict(token)))
    except _NETWORK_ERRORS:
        raise Refused(Refusal.UNAVAILABLE) from None
    except _TOKEN_ERRORS:
        raise Refused(Refusal.TOKEN) from None
    if extra.get("sub") != claims.get("sub"):
        raise Refused(Refusal.TOKEN)
    return {**claims, **{key: extra[key] for key in ("email", "email_verified", "name") if key in extra}}


@sso.route("/<name>/callback")
@public
def callback(name: str) -> Response | tuple[str, int]:
    """Where the school's sign-in page sends the person back: check everything, then start a
    session exactly as a password sign-in does."""
    issuer = _issuer_or_404(name)
    try:
        token = _token(issuer)
        person = sso_services.sign_in(issuer, _claims(issuer, token))
    except Refused as refused:
        return _refused(issuer, refused)
    next_page = session.get(NEXT)
    start_session(person)
    return redirect_to_local(next_page, url_for("auth.home"))


def init_app(app: Flask) -> None:
    """One Authlib registry per app, with a client for each configured issuer."""
    # Authlib logs the PKCE verifier at debug level; tokens and codes stay out of every log.
    logging.getLogger("authlib").setLevel(max(logging.INFO, logging.getLogger("authlib").level))
    oauth = OAuth(app)
    app.extensions[EXTENSION] = oauth
    for issuer in app.config.get("OIDC_ISSUERS") or ():
        client = oauth.register(
            name=issuer.name,
            client_id=issuer.client_id,
            client_secret=issuer.client_secret,
            server_metadata_url=issuer.discovery_url,
            client_kwargs={
                "scope": SCOPES,
                "code_challenge_method": "S256",
                "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"],
            },
        )
        client.framework.expires_in = STATE_LIFETIME_SECONDS
    app.register_blueprint(sso)
