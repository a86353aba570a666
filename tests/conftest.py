"""Fixtures shared by every layer: the app on each database, a client, and signing in."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from argon2 import profiles
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Integer, Table, create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from core.accounts import passwords, services
from core.accounts.roles import Role
from core.app import create_app
from core.content import loaders
from core.extensions import db
from tests.smtp import SmtpServer

if TYPE_CHECKING:
    from tests.dfe_simulator import DfeSimulator

# argon2-cffi's profile for tests: the suite hashes and checks thousands of passwords, at about
# 30 ms each with the production settings (tests/unit/core/test_passwords.py checks those, and
# make verify's servers use them).
passwords.use_parameters(profiles.CHEAPEST)

# Each test run, and each of its xdist workers, gets schemas of its own, so that two runs on one
# server never meet; they are dropped when the run ends. Redis queues and SQLite files are named or
# placed by it too (tmp_path is per worker).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
RUN_ID = f"{WORKER}_{os.getpid()}_{secrets.token_hex(3)}"
TEST_SCHEMA = f"senco_test_{RUN_ID}"
_created_schemas: list[str] = []
PASSWORD = "correct horse battery staple"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCK_INPUT = re.compile(r'<input[^>]*name="lock_version"[^>]*value="([^"]*)"')


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


_migrated: dict[str, str] = {}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty database of each kind, migrated to head once per worker. pytest sets a session
    fixture up again each time the tests switch from one kind to the other (under xdist, at every
    file or so): the database is kept, as each test leaves it empty, and not migrated again."""
    if request.param in _migrated:
        return _migrated[request.param]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        url = postgresql_url()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        _capture_content(url)
        db.engine.dispose()
    _migrated[request.param] = url
    return url


def _empty_all_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


class _TemplateCode(BytecodeCache):
    """Compiled templates kept for the worker's life, so that each test's new app does not compile
    every page again. Keyed by name and checked against the source, as Jinja's own caches are."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


_TEMPLATE_CODE = _TemplateCode()


def make_app(url: str, **config: object) -> Flask:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, **config})
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    return app


# The built-in content, per database and loader: the rows each loader wrote into an empty
# database, captured once per worker when the database is migrated, then copied into the tests that
# need them instead of loading the files again for each.
ContentRows = list[tuple[Table, list[dict[str, object]]]]
_content_rows: dict[str, dict[str, ContentRows]] = {}


def _all_rows() -> dict[Table, list[dict[str, object]]]:
    return {t: [dict(r._mapping) for r in db.session.execute(select(t))] for t in db.metadata.sorted_tables}


def _capture_content(url: str) -> None:
    """Run each content loader in turn on the empty database at ``url`` and keep what it wrote."""
    before = _all_rows()
    captured: dict[str, ContentRows] = {}
    for loader in loaders():
        loader.load()
        after = _all_rows()
        written = [t for t in db.metadata.sorted_tables if after[t] != before[t]]
        # A loader that changed another loader's rows could not be copied table by table.
        assert all(before[t] == [] for t in written), f"the {loader.name} loader changed rows it did not write"
        captured[loader.name] = [(t, after[t]) for t in written]
        before = after
    _empty_all_tables()
    _content_rows[url] = captured


def load_content(app: Flask, *names: str) -> None:
    """Load the built-in content named (``"Catalogue"``, ``"Scenarios"``), as ``flask setup`` does:
    a loader's captured rows are copied in when its tables are empty, and otherwise (or for a
    database the fixtures did not migrate) the loader itself runs."""
    with app.app_context():
        captured = _content_rows.get(app.config["SQLALCHEMY_DATABASE_URI"], {})
        by_name = {loader.name: loader.load for loader in loaders()}
        for name in names:
            rows = captured.get(name)
            if rows and all(db.session.scalar(select(func.count()).select_from(t)) == 0 for t, _ in rows):
                _insert_rows(rows)
            else:
                by_name[name]()


def _insert_rows(rows: ContentRows) -> None:
    """Insert captured rows (each table has some: only tables a loader wrote were kept)."""
    for table, values in rows:
        db.session.execute(insert(table), values)
    if db.engine.dialect.name == "postgresql":
        # Rows came with their ids: move each id sequence past them, as the loaders' inserts would.
        ids = [
            (t, c) for t, _ in rows for c in t.primary_key.columns if isinstance(c.type, Integer) and c.autoincrement
        ]
        for table, column in ids:
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence(:t, :c), (SELECT max({column.name}) FROM {table.name}))"),
                {"t": table.name, "c": column.name},
            )
    db.session.commit()


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
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on a free port, started; ``.messages`` holds what arrived (tests/smtp.py)."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


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


def page_lock(html: str) -> dict[str, str]:
    """The page's hidden ``lock_version`` (the first, if several forms carry one), as a browser sends it."""
    match = LOCK_INPUT.search(html)
    return {"lock_version": match.group(1)} if match else {}


def post_form(client: FlaskClient, url: str, data: dict[str, object], form_url: str | None = None):  # type: ignore[no-untyped-def]
    """Submit a form as a browser would: fetch the page for its CSRF token and lock version, then post."""
    html = client.get(form_url or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_token(html), **page_lock(html), **data})


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
    load_content(app, "Catalogue")
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests first, then the unit tests (a few property files take a minute each),
    then the many short integration files: xdist hands out files in this order, so the workers
    finish together instead of one waiting on a long file at the end."""
    first = {"e2e": 0, "unit": 1}
    items.sort(key=lambda item: first.get(item.path.relative_to(item.config.rootpath).parts[1], 2))


# The DfE NPQ API v3 (issue 23): a stateful simulator per test, and Prism once per process.
# Imported inside the fixtures so that test runs which do not use them do not load openapi-core.


@pytest.fixture
def dfe_api() -> Iterator[DfeSimulator]:
    """A fresh simulator of the DfE's NPQ API on a free port (tests/dfe_simulator.py)."""
    from tests.dfe_simulator import DfeSimulator

    with DfeSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="session")
def prism_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Stoplight Prism mocking the DfE's NPQ API document with --errors (tests/prism.py); its URL."""
    from tests.prism import running_prism

    with running_prism(tmp_path_factory.mktemp("prism")) as url:
        yield url
