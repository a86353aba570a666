"""DfE settings: the token is kept encrypted, never shown again, never in the audit, and a bad
address or token is refused on its field with nothing saved."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.accounts.roles import Role
from core.audit.models import AuditEvent
from core.extensions import db
from dfe import connection, token_store
from dfe.contract import Environment
from dfe.models import DfeConnection
from tests.conftest import Auth, post_form

TOKEN = "sandbox-token-0123456789abcdef"
FORM = {
    "environment": "sandbox",
    "cohort_year": "2025",
    "sandbox_base_url": "https://sandbox.register-npq.education.gov.uk",
    "sandbox_token": TOKEN,
    "production_base_url": "https://register-national-professional-qualifications.education.gov.uk",
    "production_token": "",
}


def _admin(make_person, auth: Auth) -> None:  # type: ignore[no-untyped-def]
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")


def test_a_saved_token_is_encrypted_and_never_shown_again(
    app: Flask, client: FlaskClient, auth: Auth, make_person
) -> None:  # type: ignore[no-untyped-def]
    _admin(make_person, auth)
    response = post_form(client, "/admin/dfe/settings", FORM)
    assert response.status_code == 302
    page = client.get("/admin/dfe/settings").get_data(as_text=True)
    assert TOKEN not in page
    assert "Entered, ending cdef" in page
    with app.app_context():
        row = db.session.get(DfeConnection, "sandbox")
        assert row is not None and row.token_ciphertext and TOKEN not in row.token_ciphertext
        assert token_store.unseal(row.token_ciphertext) == TOKEN
        assert connection.settings().cohort_year == 2025
        events = db.session.scalars(select(AuditEvent)).all()
        assert events and all(TOKEN not in repr(e.details) for e in events)
    # Saving again with the token left blank keeps it.
    post_form(client, "/admin/dfe/settings", {**FORM, "sandbox_token": "", "cohort_year": ""})
    with app.app_context():
        row = db.session.get(DfeConnection, "sandbox")
        assert row is not None and token_store.unseal(row.token_ciphertext or "") == TOKEN
        assert connection.settings().cohort_year is None


def test_a_plain_http_address_elsewhere_and_a_token_with_spaces_are_refused(
    app: Flask, client: FlaskClient, auth: Auth, make_person
) -> None:  # type: ignore[no-untyped-def]
    _admin(make_person, auth)
    response = post_form(
        client,
        "/admin/dfe/settings",
        {**FORM, "sandbox_base_url": "http://example.org", "sandbox_token": "two words", "cohort_year": "1999"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "must start with https://" in page
    assert "Enter a cohort year from 2021" in page
    with app.app_context():
        assert db.session.get(DfeConnection, "sandbox") is None


def test_an_address_with_a_line_break_or_hidden_character_is_refused_on_its_field(
    app: Flask, client: FlaskClient, auth: Auth, make_person
) -> None:  # type: ignore[no-untyped-def]
    """Once saved, such an address made "Test the connection" fail with a server error."""
    _admin(make_person, auth)
    for address in ("https://example.org\r\nX: 1", "https://exam\x00ple.org", "https://example.org /api"):
        response = post_form(client, "/admin/dfe/settings", {**FORM, "sandbox_base_url": address})
        assert response.status_code == 400
        assert 'href="#sandbox_base_url"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(DfeConnection, "sandbox") is None


def test_testing_the_connection_without_a_token_says_what_to_do(client: FlaskClient, auth: Auth, make_person) -> None:  # type: ignore[no-untyped-def]
    _admin(make_person, auth)
    response = post_form(client, "/admin/dfe/settings/test", {}, form_url="/admin/dfe/settings")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not connected: Enter the DfE API token for the sandbox environment" in page


def test_only_administrators_reach_the_dfe_pages(client: FlaskClient, auth: Auth, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    assert client.get("/admin/dfe/settings").status_code == 403


def test_the_environment_chosen_is_the_one_the_client_uses(app: Flask) -> None:
    with app.app_context():
        connection.choose(Environment.PRODUCTION, None)
        db.session.commit()
        assert connection.environment() is Environment.PRODUCTION


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("https://10.0.0.5", "not a private, local or link-local address"),
        ("https://192.168.1.1/api/v3", "not a private, local or link-local address"),
        ("https://172.16.0.1", "not a private, local or link-local address"),
        ("https://169.254.169.254", "not a private, local or link-local address"),  # a cloud's metadata service
        ("https://127.0.0.1:8443", "not a private, local or link-local address"),
        ("https://[::1]", "not a private, local or link-local address"),
        ("https://[fd12:3456::1]", "not a private, local or link-local address"),
        ("https://[fe80::1]", "not a private, local or link-local address"),
        ("https://[::ffff:10.0.0.5]", "not a private, local or link-local address"),
        ("https://user:secret@sandbox.register-npq.education.gov.uk", "Remove the user name and password"),
        ("https://user@sandbox.register-npq.education.gov.uk", "Remove the user name and password"),
        ("https://:secret@sandbox.register-npq.education.gov.uk", "Remove the user name and password"),
    ],
)
def test_an_address_inside_the_network_or_carrying_credentials_is_refused_on_its_field(
    app: Flask, client: FlaskClient, auth: Auth, make_person, address: str, says: str
) -> None:  # type: ignore[no-untyped-def]
    _admin(make_person, auth)
    response = post_form(client, "/admin/dfe/settings", {**FORM, "sandbox_base_url": address})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in page and 'href="#sandbox_base_url"' in page
    with app.app_context():
        assert db.session.get(DfeConnection, "sandbox") is None


def test_plain_http_to_this_machine_is_allowed_for_tests(
    app: Flask, client: FlaskClient, auth: Auth, make_person
) -> None:  # type: ignore[no-untyped-def]
    _admin(make_person, auth)
    for address in ("http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"):
        response = post_form(client, "/admin/dfe/settings", {**FORM, "sandbox_base_url": address})
        assert response.status_code == 302, address
