"""Engine set-up that SQLAlchemy leaves to us: SQLite transactions and pragmas, a busy database
told apart from a broken one, and an early start-up check.

SQLite under WAL lets any number of readers run beside one writer. So a transaction starts
deferred (``BEGIN``) and reads never take the write lock; the first statement that writes takes
it (``BEGIN IMMEDIATE``), as late as possible, and holds it only until the unit of work commits.
Upgrading a read snapshot in place is what SQLite refuses with "database is locked"
(SQLITE_BUSY_SNAPSHOT, which busy_timeout does not retry) whenever another writer committed in
between, so the read snapshot is ended first: nothing was written in it. The write then sees the
newest data, as on PostgreSQL under READ COMMITTED; lost updates are prevented the same way on
both, by version counters and conditional updates (``version_id_col``), or for a unit that must
read under the lock by :func:`take_write_lock`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
import zlib
from typing import Any

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.routing import IntegerConverter, Map

from core.config import masked
from core.extensions import db

# The bounded retry for the write lock: SQLite's busy handler retries with back-off for this
# long, then the request is answered 503 (see core.errors) rather than waiting on.
SQLITE_BUSY_TIMEOUT_MS = 5000
RETRY_AFTER_SECONDS = 5

# PostgreSQL conditions that mean "busy, try again": lock_not_available, serialization_failure,
# deadlock_detected, and too_many_connections.
_POSTGRESQL_BUSY_STATES = frozenset({"55P03", "40001", "40P01", "53300"})
_SQLITE_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})

log = logging.getLogger(__name__)
LOCK_WAIT_WORTH_LOGGING_SECONDS = 0.1  # a longer wait is contention worth seeing in the log

_TRANSACTION = "sqlite_transaction"  # in Connection.info: "pending", "read" or "write"
_NO_TRANSACTION_NEEDED = frozenset({"PRAGMA", "COMMIT", "END", "ROLLBACK", "RELEASE", "BEGIN"})
_READS = frozenset({"SELECT", "EXPLAIN", "VALUES"})


class DatabaseUnreachable(SystemExit):
    """Raised at start-up with one line that names DATABASE_URL; SystemExit prints no traceback."""


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` means the database was too busy to answer in time (so: 503, try again)."""
    if isinstance(error, PoolTimeout):
        return True
    original = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(original, sqlite3.OperationalError):
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in _SQLITE_BUSY_CODES  # extended codes, e.g. SQLITE_BUSY_SNAPSHOT
        return "database is locked" in str(original) or "database is busy" in str(original)
    return getattr(original, "sqlstate", None) in _POSTGRESQL_BUSY_STATES


def _statement_needs(statement: str) -> str | None:
    """ "read", "write", or None for statements that run outside a transaction's start."""
    words = statement.lstrip(" \t\r\n(").split(None, 1)
    if not words:
        return None
    verb = words[0].upper()
    if verb in _NO_TRANSACTION_NEEDED:
        return None
    # Anything not known to be a read (INSERT, UPDATE, DELETE, DDL, SAVEPOINT, WITH …) writes.
    return "read" if verb in _READS else "write"


def _take_write_lock(connection: Connection) -> None:
    state = connection.info.get(_TRANSACTION)
    if state not in ("pending", "read"):
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    if state == "read":
        driver.execute("COMMIT")  # ends the read snapshot; it wrote nothing
    started = time.perf_counter()
    driver.execute("BEGIN IMMEDIATE")  # waits up to busy_timeout, then "database is locked"
    waited = time.perf_counter() - started
    if waited > LOCK_WAIT_WORTH_LOGGING_SECONDS:
        log.warning("waited %.0f ms for the SQLite write lock", waited * 1000)
    connection.info[_TRANSACTION] = "write"


def take_write_lock() -> None:
    """Take the write lock for the session's unit of work now, so that what it reads next no
    other writer can change before it commits. Only for a unit whose reads decide its writes and
    that has no version counter to catch a concurrent change; a no-op on PostgreSQL."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        _take_write_lock(connection)


def serialise(name: str) -> None:
    """Make the units of work that call this with the same ``name`` run one after another until
    each commits: for a rule that counts rows and then adds one (a throttle), which two requests
    at once would otherwise both pass. SQLite's write lock; on PostgreSQL a transaction-level
    advisory lock on the name."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        _take_write_lock(connection)
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": zlib.crc32(name.encode())})


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Hand transaction control to SQLAlchemy and the listeners below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Nothing is sent yet: the first statement decides whether this unit reads or writes.
        connection.info[_TRANSACTION] = "pending"

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        state = connection.info.get(_TRANSACTION)
        if state not in ("pending", "read"):
            return  # outside a transaction (autocommit), or already writing
        if statement.lstrip().upper().startswith("BEGIN"):  # someone began explicitly: follow them
            writes = any(word in statement.upper() for word in ("IMMEDIATE", "EXCLUSIVE"))
            connection.info[_TRANSACTION] = "write" if writes else "read"
            return
        needs = _statement_needs(statement)
        if needs == "write":
            _take_write_lock(connection)
        elif needs == "read" and state == "pending":
            connection.connection.driver_connection.execute("BEGIN")  # type: ignore[union-attr]
            connection.info[_TRANSACTION] = "read"

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Connection) -> None:
        # pysqlite's commit() and rollback() do nothing when no BEGIN was sent.
        connection.info.pop(_TRANSACTION, None)


def _keep_row_values_out_of_messages(context: ExceptionContext) -> None:
    """PostgreSQL's DETAIL line quotes the values of the failing row ("Key (email)=(…)",
    "Failing row contains (…)"): marks, notes, names. A database error's message is what reaches
    the log and tracebacks, so it keeps only the first line (what failed and which constraint);
    the detail stays on ``error.diag`` for code that needs it. The bound parameters are hidden by
    ``hide_parameters`` (core.config)."""
    original = context.original_exception
    told = original.args[0] if original.args else None
    if not isinstance(told, str) or "\n" not in told:
        return
    first_line = told.split("\n", 1)[0]
    original.args = (first_line, *original.args[1:])
    wrapped = context.sqlalchemy_exception  # its message was written from the original's already
    if wrapped is not None and wrapped.args and isinstance(wrapped.args[0], str):
        wrapped.args = (wrapped.args[0].replace(told, first_line), *wrapped.args[1:])


ID_MAX = 2**31 - 1  # the largest id an INTEGER column holds on PostgreSQL (SQLite's are wider)


class IdConverter(IntegerConverter):
    """``<int:…>`` in every URL: a number no id column can hold is "not found", not a database error."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its routes
    with app.app_context():
        engine = db.engine
        event.listen(engine, "handle_error", _keep_row_values_out_of_messages)
        if engine.dialect.name == "sqlite":
            _configure_sqlite(engine, int(app.config.get("SQLITE_BUSY_TIMEOUT_MS", SQLITE_BUSY_TIMEOUT_MS)))
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
