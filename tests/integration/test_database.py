"""The database set-up SQLAlchemy leaves to us, and a clear message when it is unreachable."""
from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from sqlalchemy import text

from core.accounts.models import User
from core.extensions import db
from tests.conftest import make_app


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


def test_concurrent_read_then_write_transactions_wait_instead_of_failing(sqlite_app):
    # Deferred transactions in WAL fail with "database is locked" when two read then write;
    # BEGIN IMMEDIATE makes the second wait for the first.
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE counter (n INTEGER)"))
        connection.execute(text("INSERT INTO counter VALUES (0)"))
    errors: list[Exception] = []
    engine = db.engine

    def bump() -> None:
        try:
            for _ in range(20):
                with engine.begin() as connection:
                    n = connection.execute(text("SELECT n FROM counter")).scalar()
                    connection.execute(text("UPDATE counter SET n = :n"), {"n": n + 1})
        except Exception as error:  # collected to fail the test below with the cause
            errors.append(error)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT n FROM counter")).scalar() == 80


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
        capture_output=True, text=True, env=env, timeout=60, cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cannot connect to the database named by DATABASE_URL")
    assert "secret" not in lines[0] and "***" in lines[0]
    assert "Traceback" not in result.stderr
