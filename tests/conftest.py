"""Fixtures shared by every layer: the app on each database, a client, and signing in."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from core.accounts import services
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from curriculum.services import catalogue

# Each test run gets schemas of its own, so that two runs on one server never meet; they are
# dropped when the run ends.
RUN_ID = f"{os.getpid()}_{secrets.token_hex(3)}"
TEST_SCHEMA = f"senco_test_{RUN_ID}"
_created_schemas: list[str] = []
PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def postgresql_url(schema: str = TEST_SCHEMA) -> str:
    """TEST_DATABASE_URL pointed at ``schema`` (suffixed with this run's id), created empty;
    fails if unreachable."""
    if not schema.endswith(RUN_ID):
        schema = f"{schema}_{RUN_ID}"
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI: the PostgreSQL run may not be skipped")
        pytest.skip("TEST_DATABASE_URL is not set (make test sets it)")
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        _created_schemas.append(schema)
    except OperationalError as error:
        pytest.fail(f"PostgreSQL at TEST_DATABASE_URL is unreachable: {error.orig}")
    finally:
        engine.dispose()
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's PostgreSQL schemas."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not (base and _created_schemas):
        return
    engine = create_engine(make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)))
    try:
        with engine.begin() as connection:
            for schema in _created_schemas:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    except OperationalError:
        pass  # the run's result matters more than tidying up
    finally:
        engine.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database of each kind, migrated to head once per test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = postgresql_url()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


def _empty_all_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def make_app(url: str, **config: object) -> Flask:
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})


@pytest.fixture
def app(database_url: str, tmp_path) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    # No app context stays pushed during the test: each request must get its own, as in
    # production, or Flask-Login's per-context user cache would leak between requests.
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path))
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict[str, object], form_url: str | None = None):  # type: ignore[no-untyped-def]
    """Submit a form as a browser would: fetch the page for its CSRF token, then post."""
    page = client.get(form_url or url)
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


@dataclass
class Auth:
    client: FlaskClient

    def sign_in(self, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        return post_form(self.client, "/sign-in", {"email": email, "password": password})

    def sign_out(self):  # type: ignore[no-untyped-def]
        # The sign-out button sits in the header of every signed-in page.
        return post_form(self.client, "/sign-out", {}, form_url="/account/password")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def make_person(app: Flask):  # type: ignore[no-untyped-def]
    """Create a person holding the given roles, with the shared test password."""

    def make(email: str, *roles: Role, name: str | None = None, active: bool = True) -> int:
        with app.app_context():
            person = services.create_person(name or email.split("@")[0].title(), email, PASSWORD, set(roles), active)
            return person.id

    return make


@pytest.fixture
def designer(app: Flask, auth: Auth, make_person) -> None:  # type: ignore[no-untyped-def]
    """A course designer signed in through the client, with the built-in catalogue loaded."""
    with app.app_context():
        catalogue.load_catalogue()
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
