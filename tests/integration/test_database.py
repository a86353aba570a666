"""The database set-up SQLAlchemy leaves to us, and a clear message when it is unreachable."""

from __future__ import annotations

import logging
import os
import sqlite3
import subprocess
import sys
import threading
import traceback

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from core.accounts import api_tokens
from core.accounts.models import User
from core.database import is_busy, take_write_lock
from core.extensions import db
from tests.conftest import csrf_token, make_app
from tests.hostile.corpus import PROGRAMME


@pytest.fixture
def sqlite_app(tmp_path):  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}", INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        yield app
        db.engine.dispose()


def test_every_sqlite_connection_has_foreign_keys_wal_and_a_busy_timeout(sqlite_app):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def _make_counter() -> None:
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER, version INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0, 1)"))


def _in_threads(work, count: int = 4) -> list[Exception]:  # type: ignore[no-untyped-def]
    errors: list[Exception] = []

    def run() -> None:
        try:
            work()
        except Exception as error:  # collected to fail the test with the cause
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _counter() -> int:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT n FROM counter")).scalar_one()


def test_a_read_is_answered_while_another_unit_holds_the_write_lock(sqlite_app):
    _make_counter()
    with db.engine.connect() as writer, db.engine.connect() as reader:
        writer.execute(text("UPDATE counter SET n = 41"))  # holds the write lock, not committed
        reader.exec_driver_sql("PRAGMA busy_timeout=0")  # a reader that waited would fail at once
        assert reader.execute(text("SELECT n FROM counter")).scalar_one() == 0
        reader.rollback()
        writer.commit()


def test_a_unit_that_read_an_old_snapshot_still_writes_after_another_writer_committed(sqlite_app):
    # Deferred SQLite transactions fail here with "database is locked" (SQLITE_BUSY_SNAPSHOT).
    _make_counter()
    with db.engine.connect() as first, db.engine.connect() as second:
        assert first.execute(text("SELECT n FROM counter")).scalar_one() == 0
        second.execute(text("UPDATE counter SET n = n + 1"))
        second.commit()
        first.execute(text("UPDATE counter SET n = n + 10"))
        first.commit()
    assert _counter() == 11


def test_concurrent_read_then_write_units_lose_no_update_with_a_version_counter(sqlite_app):
    _make_counter()
    engine = db.engine

    def bump() -> None:
        done = 0
        while done < 20:
            with engine.begin() as connection:
                n, version = connection.execute(text("SELECT n, version FROM counter")).one()
                changed = connection.execute(
                    text("UPDATE counter SET n = :n, version = version + 1 WHERE version = :seen"),
                    {"n": n + 1, "seen": version},
                ).rowcount
            done += changed  # 0: someone else saved first, so read again and retry

    assert _in_threads(bump) == []
    assert _counter() == 80


def test_concurrent_units_that_take_the_write_lock_first_read_then_write_in_turn(sqlite_app):
    _make_counter()

    def bump() -> None:
        with sqlite_app.app_context():
            for _ in range(20):
                take_write_lock()
                n = db.session.execute(text("SELECT n FROM counter")).scalar_one()
                db.session.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
                db.session.commit()

    assert _in_threads(bump) == []
    assert _counter() == 80


def test_a_write_that_cannot_get_the_lock_in_time_is_a_503_with_retry_after_and_saves_nothing(tmp_path):
    from flask_migrate import upgrade

    url = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
    app = make_app(url, INSTANCE_PATH=str(tmp_path), SQLITE_BUSY_TIMEOUT_MS=50)
    with app.app_context():
        upgrade()
    blocker = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        client = app.test_client()
        page = client.get("/sign-in")
        response = client.post(
            "/sign-in",
            data={"csrf_token": csrf_token(page.get_data(as_text=True)), "email": "a@b.example", "password": "x"},
        )
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "Sorry, the service is busy" in response.get_data(as_text=True)
        blocker.execute("ROLLBACK")
        assert blocker.execute("SELECT count(*) FROM sign_in_failure").fetchone() == (0,)
    finally:
        blocker.close()
        with app.app_context():
            db.engine.dispose()


def test_an_api_write_that_cannot_get_the_lock_in_time_is_a_json_503(tmp_path):
    from flask_migrate import upgrade

    from core.accounts import services
    from core.accounts.roles import Role

    app = make_app(f"sqlite:///{tmp_path / 'busy.sqlite3'}", INSTANCE_PATH=str(tmp_path), SQLITE_BUSY_TIMEOUT_MS=50)
    with app.app_context():
        upgrade()
        token = api_tokens.issue_token(
            services.create_person("Dee", "dee@example.org", "a long enough password", {Role.DESIGNER}), "t"
        )
    blocker = sqlite3.connect(tmp_path / "busy.sqlite3", isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        response = app.test_client().post(
            "/api/v1/programmes", headers={"Authorization": f"Bearer {token}"}, json=PROGRAMME
        )
        blocker.execute("ROLLBACK")
    finally:
        blocker.close()
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.get_json()["errors"][0]["message"].startswith("Too many people")


def test_busy_means_locked_on_sqlite_and_lock_or_serialization_failures_on_postgresql():
    locked = sqlite3.OperationalError("database is locked")
    assert is_busy(OperationalError("BEGIN IMMEDIATE", {}, locked))
    assert not is_busy(OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x")))


def test_foreign_keys_are_enforced_on_sqlite(sqlite_app):
    from flask_migrate import upgrade
    from sqlalchemy.exc import IntegrityError

    upgrade()
    with pytest.raises(IntegrityError):
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO role_grant (user_id, role) VALUES (424242, 'admin')"))
    assert db.session.query(User).count() == 0


def test_an_unreachable_database_url_gives_one_clear_line_and_no_traceback(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://nobody:secret@127.0.0.1:1/nowhere",
        "INSTANCE_PATH": str(tmp_path),
        "FLASK_APP": "wsgi",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "users", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cannot connect to the database named by DATABASE_URL")
    assert "secret" not in lines[0] and "***" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_unit_that_begins_explicitly_keeps_the_transaction_it_asked_for(sqlite_app):
    _make_counter()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        assert connection.execute(text("SELECT n FROM counter")).scalar_one() == 0
        connection.execute(text("UPDATE counter SET n = 5"))
        connection.commit()
    assert _counter() == 5


def test_a_database_error_names_neither_the_values_sent_nor_the_row_refused(app, caplog):
    """What reaches the log when a write fails (a race on a unique email, here) holds no one's data:
    SQLAlchemy hides the bound values and PostgreSQL's "Key (email)=(…)" detail line is dropped."""
    with app.app_context():
        db.session.add(User(email="canary-7f3a@example.org", name="Canary Person 7f3a", password_hash="x"))
        db.session.commit()
        db.session.add(User(email="canary-7f3a@example.org", name="Canary Person 7f3a", password_hash="x"))
        with pytest.raises(IntegrityError) as caught:
            db.session.commit()
        db.session.rollback()
        logging.getLogger("test").error("write failed", exc_info=caught.value)
    told = "".join(traceback.format_exception(caught.value)) + caplog.text
    assert "7f3a" not in told
    assert "email" in str(caught.value) and "parameters hidden" in str(caught.value)  # still says what failed
