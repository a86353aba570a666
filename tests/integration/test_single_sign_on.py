"""Signing in with a school account, against a real OpenID Connect provider started locally
(the certified `oidc-provider` package, tests/oidc_provider/), from the sign-in page's button
through the provider's sign-in to the app's callback."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlencode, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.accounts.models import User
from core.accounts.roles import Role
from core.accounts.single_sign_on import Refusal
from core.audit import Action
from core.audit.models import AuditEvent
from core.extensions import db
from tests.conftest import PASSWORD, post_form
from tests.oidc_server import Provider, free_port, oidc_provider, sign_in_at_provider, sso_client  # noqa: F401


def _start(client: FlaskClient, name: str = "school") -> str:
    response = client.get(f"/sign-in/school/{name}")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def _callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in_with_school(client: FlaskClient, account: str, name: str = "school"):  # type: ignore[no-untyped-def]
    return client.get(_callback_path(sign_in_at_provider(_start(client, name), account)))


def _events(app: Flask, action: Action) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def _person(app: Flask, email: str) -> User | None:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _refused_with(response, refusal: Refusal, status: int) -> None:  # type: ignore[no-untyped-def]
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert "There is a problem" in page
    assert refusal.message.replace("’", "&#39;") in page or refusal.message in page
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in page


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/account/password").status_code == 200


# ---- the sign-in page --------------------------------------------------------------------------


def test_the_sign_in_page_shows_no_school_button_when_no_issuer_is_configured(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "school account" not in page
    assert client.get("/sign-in/school/school").status_code == 404


def test_the_sign_in_page_shows_one_secondary_button_per_issuer(sso_client, oidc_provider):
    client = sso_client(
        oidc_provider.configured(),
        oidc_provider.configured("elsewhere", label="Sign in with Google Workspace"),
    )
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with your school account" in page
    assert page.count('class="govuk-button govuk-button--secondary"') == 2
    assert 'href="/sign-in/school/school"' in page and "Sign in with Microsoft 365" in page
    assert 'href="/sign-in/school/elsewhere"' in page and "Sign in with Google Workspace" in page


# ---- the whole flow through the real provider ----------------------------------------------------


def test_a_person_whose_verified_school_email_has_an_account_signs_in_and_lands_on_their_home(
    app, sso_client, make_person
):
    person_id = make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    response = sign_in_with_school(client, "alice@school.example")
    assert response.status_code == 302
    home = client.get(response.headers["Location"], follow_redirects=True)
    assert home.request.path == "/assessments/my-training"
    assert _signed_in(client)
    [event] = _events(app, Action.SIGNED_IN_WITH_SSO)
    assert event.person_id == person_id and event.details == {"issuer": "school"}
    assert _person(app, "alice@school.example").last_signed_in_at is not None


def test_the_page_asked_for_before_signing_in_opens_after_a_school_sign_in(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    asked = client.get("/account/password")
    sign_in_page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'href="/sign-in/school/school?next=/account/password"' in sign_in_page
    back = sign_in_at_provider(_start(client, "school?next=%2Faccount%2Fpassword"), "alice@school.example")
    assert client.get(_callback_path(back)).headers["Location"] == "/account/password"


def test_a_next_page_on_another_site_is_ignored(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client, "school?next=https%3A%2F%2Fevil.example%2F"), "alice@school.example")
    assert client.get(_callback_path(back)).headers["Location"] == "/"


def test_the_email_address_is_matched_whatever_its_case(app, sso_client, make_person):
    make_person("bob.jones@school.example", Role.MENTOR)
    client = sso_client()
    response = sign_in_with_school(client, "Bob.Jones@School.Example")
    assert response.status_code == 302 and _signed_in(client)


def test_the_request_to_the_provider_carries_pkce_s256_a_state_and_a_nonce(sso_client, oidc_provider):
    query = parse_qs(urlsplit(_start(sso_client())).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://localhost/sign-in/school/school/callback"]


def test_the_provider_refuses_a_request_without_pkce_and_the_person_is_told(app, sso_client, make_person):
    """The local provider requires PKCE, as the app always sends it: a request stripped of it fails."""
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    parts = urlsplit(_start(client))
    query = {k: v for k, v in parse_qs(parts.query).items() if not k.startswith("code_challenge")}
    stripped = parts._replace(query=urlencode(query, doseq=True)).geturl()
    back = sign_in_at_provider(stripped, "alice@school.example")
    assert "error=invalid_request" in back
    _refused_with(client.get(_callback_path(back)), Refusal.TOKEN, 400)
    assert not _signed_in(client)


def test_signing_in_with_a_school_account_starts_a_fresh_session_as_a_password_does(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client), "alice@school.example")
    with client.session_transaction() as before:
        assert any(key.startswith("_state_school_") for key in before)
        before["left_over"] = "from before signing in"
    client.get(_callback_path(back))
    with client.session_transaction() as after:
        assert "left_over" not in after
        assert not any(key.startswith("_state_") for key in after)
        assert isinstance(after.get("signed_in_at"), int)
        assert after.get("_user_id") == _person(app, "alice@school.example").session_token


def test_a_deactivated_account_is_refused(app, sso_client, make_person):
    person_id = make_person("gone@school.example", Role.TRAINEE, active=False)
    client = sso_client()
    _refused_with(sign_in_with_school(client, "gone@school.example"), Refusal.DEACTIVATED, 403)
    assert not _signed_in(client)
    [event] = _events(app, Action.SSO_REFUSED)
    assert event.person_id == person_id and event.details == {"issuer": "school", "reason": "deactivated"}


def test_signing_out_after_a_school_sign_in_ends_the_session(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    sign_in_with_school(client, "alice@school.example")
    post_form(client, "/sign-out", {}, form_url="/account/password")
    assert not _signed_in(client)


# ---- who may come in ----------------------------------------------------------------------------


def test_an_unverified_email_address_is_refused_even_when_an_account_has_it(app, sso_client, make_person):
    make_person("unverified.carol@school.example", Role.TRAINEE)
    client = sso_client()
    _refused_with(sign_in_with_school(client, "unverified.carol@school.example"), Refusal.UNVERIFIED, 403)
    assert not _signed_in(client)
    assert _events(app, Action.SSO_REFUSED)[0].details == {"issuer": "school", "reason": "unverified"}


def test_nobody_is_created_when_the_provider_allows_no_domain(app, sso_client):
    client = sso_client()
    _refused_with(sign_in_with_school(client, "newcomer@school.example"), Refusal.NO_ACCOUNT, 403)
    assert _person(app, "newcomer@school.example") is None
    assert not _signed_in(client)


def test_a_person_from_an_allowed_domain_is_created_as_a_trainee_with_no_password_of_their_own(
    app,
    sso_client,
    oidc_provider,
    auth,
):
    client = sso_client(oidc_provider.configured(create_for_domains=frozenset({"school.example"})))
    response = sign_in_with_school(client, "dana.smith@school.example")
    assert client.get(response.headers["Location"], follow_redirects=True).request.path == "/assessments/my-training"
    person = _person(app, "dana.smith@school.example")
    assert person is not None and person.roles == {Role.TRAINEE} and person.name == "Dana Smith"
    assert not person.must_change_password and person.password_expires_at is None
    [added] = _events(app, Action.PERSON_ADDED)
    assert added.details == {"roles": ["trainee"], "via": "school"}
    # No password works for them (they may choose one with "Forgot your password?").
    assert auth.sign_in("dana.smith@school.example", PASSWORD).status_code == 200
    # A second sign-in finds the same account.
    again = sso_client(oidc_provider.configured(create_for_domains=frozenset({"school.example"})))
    sign_in_with_school(again, "dana.smith@school.example")
    with app.app_context():
        assert db.session.query(User).filter(User.email == "dana.smith@school.example").count() == 1


def test_only_the_exact_domain_listed_may_be_created(app, sso_client, oidc_provider):
    client = sso_client(oidc_provider.configured(create_for_domains=frozenset({"school.example"})))
    _refused_with(sign_in_with_school(client, "eve@staff.school.example"), Refusal.NO_ACCOUNT, 403)
    assert _person(app, "eve@staff.school.example") is None


def test_an_issuer_limited_to_its_schools_domains_signs_in_nobody_else_not_even_an_administrator(
    app, sso_client, oidc_provider, make_person
):
    make_person("alice@school.example", Role.TRAINEE)
    make_person("admin@provider.example", Role.ADMIN)
    limited = oidc_provider.configured(sign_in_domains=frozenset({"school.example"}))
    _refused_with(sign_in_with_school(sso_client(limited), "admin@provider.example"), Refusal.OTHER_DOMAIN, 403)
    assert _events(app, Action.SSO_REFUSED)[0].details == {"issuer": "school", "reason": "other_domain"}
    school = sso_client(limited)
    sign_in_with_school(school, "alice@school.example")
    assert _signed_in(school)


# ---- a callback that is not what was started ---------------------------------------------------


def test_a_callback_with_a_wrong_state_is_refused(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client), "alice@school.example")
    forged = back.replace("state=", "state=x")
    _refused_with(client.get(_callback_path(forged)), Refusal.STATE, 400)
    assert not _signed_in(client)
    assert _events(app, Action.SSO_REFUSED)[0].details["reason"] == "state"


def test_a_callback_in_another_browser_than_the_one_that_started_is_refused(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    back = sign_in_at_provider(_start(sso_client()), "alice@school.example")
    other_browser = sso_client()
    _refused_with(other_browser.get(_callback_path(back)), Refusal.STATE, 400)
    assert not _signed_in(other_browser)


def test_a_code_replayed_with_the_cookie_from_before_is_refused_by_the_provider(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client), "alice@school.example")
    name = client.application.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    client.get(_callback_path(back))
    assert _signed_in(client)
    attacker = sso_client()
    attacker.set_cookie(name, cookie.value)
    _refused_with(attacker.get(_callback_path(back)), Refusal.STATE, 400)
    assert not _signed_in(attacker)


def test_a_callback_used_again_in_the_same_browser_is_refused(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client), "alice@school.example")
    client.get(_callback_path(back))
    post_form(client, "/sign-out", {}, form_url="/account/password")
    _refused_with(client.get(_callback_path(back)), Refusal.STATE, 400)
    assert not _signed_in(client)


def test_an_id_token_with_another_nonce_than_the_one_sent_is_refused(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client), "alice@school.example")
    with client.session_transaction() as session:
        [key] = [k for k in session if k.startswith("_state_school_")]
        started = session[key]
        started["data"]["nonce"] = "not-the-nonce-that-was-sent"
        session[key] = started
    _refused_with(client.get(_callback_path(back)), Refusal.TOKEN, 400)
    assert not _signed_in(client)
    assert _events(app, Action.SSO_REFUSED)[0].details["reason"] == "token"


def test_an_id_token_from_another_issuer_than_the_one_configured_is_refused(
    app,
    sso_client,
    oidc_provider,
    make_person,
):
    """The app trusts http://127.0.0.1:PORT; the provider there signs as http://localhost:PORT."""
    make_person("alice@school.example", Role.TRAINEE)
    impostor = oidc_provider.configured("elsewhere", issuer=f"http://127.0.0.1:{oidc_provider.port}")
    client = sso_client(impostor)
    _refused_with(sign_in_with_school(client, "alice@school.example", "elsewhere"), Refusal.TOKEN, 400)
    assert not _signed_in(client)


def test_the_person_refusing_at_the_provider_comes_back_to_a_clear_message(app, sso_client):
    client = sso_client()
    back = sign_in_at_provider(_start(client), deny=True)
    assert "error=access_denied" in back
    _refused_with(client.get(_callback_path(back)), Refusal.DENIED, 403)
    assert _events(app, Action.SSO_REFUSED)[0].details["reason"] == "denied"


# ---- an issuer that is down, unreachable or slow ------------------------------------------------


def test_an_issuer_that_is_down_gives_a_clear_message_instead_of_an_error(app, sso_client, oidc_provider):
    down = oidc_provider.configured(issuer=f"http://127.0.0.1:{free_port()}")
    response = sso_client(down).get("/sign-in/school/school")
    _refused_with(response, Refusal.UNAVAILABLE, 503)
    assert _events(app, Action.SSO_REFUSED)[0].details == {"issuer": "school", "reason": "unavailable"}


def test_an_issuer_that_accepts_but_never_answers_gives_a_clear_message(app, sso_client, oidc_provider):
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections, never answers them
        slow = oidc_provider.configured(issuer=f"http://127.0.0.1:{silent.getsockname()[1]}")
        response = sso_client(slow, OIDC_TIMEOUT_SECONDS=1).get("/sign-in/school/school")
    _refused_with(response, Refusal.UNAVAILABLE, 503)


def test_an_issuer_that_stops_answering_before_the_code_is_swapped_gives_a_clear_message(app, sso_client, make_person):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    back = sign_in_at_provider(_start(client), "alice@school.example")
    sso_app = client.application
    with sso_app.app_context():
        sso_app.extensions["sso"].create_client("school").server_metadata["token_endpoint"] = (
            f"http://127.0.0.1:{free_port()}/token"
        )
    _refused_with(client.get(_callback_path(back)), Refusal.UNAVAILABLE, 503)
    assert not _signed_in(client)


def test_no_code_or_token_reaches_the_log(app, sso_client, make_person, caplog):
    make_person("alice@school.example", Role.TRAINEE)
    client = sso_client()
    caplog.set_level(logging.DEBUG)
    authorize = _start(client)
    back = sign_in_at_provider(authorize, "alice@school.example")
    client.get(_callback_path(back))
    code = parse_qs(urlsplit(back).query)["code"][0]
    nonce = parse_qs(urlsplit(authorize).query)["nonce"][0]
    # What the app (and Authlib, requests under it) logged; the test's own browser (httpx) is not the app.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore")))
    assert "/token" in logged  # the log was captured at the level that would show it
    assert code not in logged and nonce not in logged and "code_verifier" not in logged
