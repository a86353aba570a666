"""Engine set-up that SQLAlchemy leaves to us: SQLite pragmas and an early start-up check."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from core.config import masked
from core.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 5000


class DatabaseUnreachable(SystemExit):
    """Raised at start-up with one line that names DATABASE_URL; SystemExit prints no traceback."""


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Hand transaction control to SQLAlchemy, so that "begin" below decides how to start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # In WAL a deferred transaction that reads then writes fails with "database is
        # locked" when another writer got in first; IMMEDIATE takes the write lock up front
        # and so waits (busy_timeout) instead of failing.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine)
        if app.config.get("CHECK_DATABASE_ON_START", True):
            check_reachable(engine)


def check_reachable(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise DatabaseUnreachable(
            f"Cannot connect to the database named by DATABASE_URL "
            f"({masked(engine.url.render_as_string(hide_password=False))}): {reason}"
        ) from None
