"""One plug-in per kind of database: how to take a consistent dump while writers go on, how to
put it into an empty database, and how to check and count what is there.

SQLite: the online backup API copies every page in one step under one read transaction, so the
copy is a single snapshot while WAL lets writers carry on; the counts are taken from the copy.
PostgreSQL: a REPEATABLE READ transaction exports its snapshot, counts every table in it, and
``pg_dump --snapshot`` dumps that same snapshot, so the counts are the dump's.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import NullPool

from core.backups.archive import PRIVATE_FILE_MODE, BackupError

TOOL_TIMEOUT_SECONDS = 60 * 60  # a dump or restore that takes longer than an hour is stuck


@dataclass(frozen=True)
class Snapshot:
    path: Path  # the dump file
    schema: str | None
    revision: str | None
    row_counts: dict[str, int]


class Database(Protocol):
    name: str  # as the manifest records it
    label: str  # for people
    member: str  # the dump's name in the archive

    def dump(self, url: URL, folder: Path) -> Snapshot: ...
    def is_empty(self, url: URL) -> bool: ...
    def restore(self, url: URL, dump: Path, schema: str | None) -> None: ...
    def check(self, url: URL) -> list[str]: ...
    def row_counts(self, url: URL) -> dict[str, int]: ...
    def revision(self, url: URL) -> str | None: ...


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- SQLite ----------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("DATABASE_URL must name a SQLite database file for a backup or restore")
    return Path(url.database)


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    )
    return [name for (name,) in rows]


def _sqlite_counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {
        t: connection.execute(f"SELECT count(*) FROM {_quoted(t)}").fetchone()[0] for t in _sqlite_tables(connection)
    }


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    if "alembic_version" not in _sqlite_tables(connection):
        return None
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    return row[0] if row else None


class SqliteDatabase:
    name = "sqlite"
    label = "SQLite"
    member = "database.sqlite3"

    def _open(self, url: URL) -> sqlite3.Connection:
        connection = sqlite3.connect(_sqlite_file(url), timeout=5)
        connection.execute("PRAGMA busy_timeout=5000")
        return connection

    def dump(self, url: URL, folder: Path) -> Snapshot:
        if not _sqlite_file(url).is_file():
            raise BackupError(f"the database file {_sqlite_file(url)} does not exist")
        target = folder / self.member
        source, copy = self._open(url), sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one snapshot, writers carry on under WAL
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            return Snapshot(target, None, _sqlite_revision(copy), _sqlite_counts(copy))
        finally:
            source.close()
            copy.close()

    def is_empty(self, url: URL) -> bool:
        if not _sqlite_file(url).exists():
            return True
        with self._closing(url) as connection:
            return not _sqlite_tables(connection)

    def restore(self, url: URL, dump: Path, schema: str | None) -> None:
        path = _sqlite_file(url)
        if not path.parent.is_dir():
            raise BackupError(f"the folder {path.parent} of the database file does not exist")
        # The empty database's own WAL must not be replayed onto the restored file.
        for suffix in ("-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.chmod(dump, PRIVATE_FILE_MODE)
        shutil.move(dump, path)  # a rename (whole or not at all) when both are on one file system

    def check(self, url: URL) -> list[str]:
        with self._closing(url) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check") if row[0] != "ok"]
            problems += [
                f"{table} row {rowid} refers to a missing {parent}"
                for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
            ]
        return problems

    def row_counts(self, url: URL) -> dict[str, int]:
        with self._closing(url) as connection:
            return _sqlite_counts(connection)

    def revision(self, url: URL) -> str | None:
        with self._closing(url) as connection:
            return _sqlite_revision(connection)

    def _closing(self, url: URL) -> closing[sqlite3.Connection]:
        return closing(self._open(url))


# ---- PostgreSQL ------------------------------------------------------------------------------

_SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ (SCHEMA - |COMMENT - SCHEMA )")  # in pg_restore --list


def _libpq_environment(url: URL) -> dict[str, str]:
    """The connection for pg_dump/pg_restore as libpq variables: no password on a command line."""
    environment = dict(os.environ)
    for variable, value in (
        ("PGHOST", url.host or url.query.get("host")),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
        ("PGSSLMODE", url.query.get("sslmode")),
    ):
        if value:
            environment[variable] = str(value)
    environment.pop("PGOPTIONS", None)  # the tools set their own search_path
    return environment


def _tool(url: URL, *arguments: str) -> str:
    try:
        done = subprocess.run(
            list(arguments),
            env=_libpq_environment(url),
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
        )
    except FileNotFoundError:
        raise BackupError(f"{arguments[0]} is not installed: install the PostgreSQL client tools") from None
    if done.returncode != 0:
        raise BackupError(f"{arguments[0]} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


def _pg_tables(connection: Connection, schema: str) -> list[str]:
    found = connection.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"), {"schema": schema}
    )
    return list(found)


def _pg_counts(connection: Connection, schema: str) -> dict[str, int]:
    return {
        table: int(connection.scalar(text(f"SELECT count(*) FROM {_quoted(schema)}.{_quoted(table)}")) or 0)
        for table in _pg_tables(connection, schema)
    }


def _pg_revision(connection: Connection, schema: str) -> str | None:
    if "alembic_version" not in _pg_tables(connection, schema):
        return None
    revision = connection.scalar(text(f"SELECT version_num FROM {_quoted(schema)}.alembic_version"))
    return None if revision is None else str(revision)


def _current_schema(connection: Connection) -> str:
    schema = connection.scalar(text("SELECT current_schema()"))
    if schema is None:
        raise BackupError("the schema named by DATABASE_URL's search_path does not exist: create it first")
    return str(schema)


class PostgresqlDatabase:
    name = "postgresql"
    label = "PostgreSQL"
    member = "database.pgdump"

    def _engine(self, url: URL, **options: Any) -> Engine:
        return create_engine(url, poolclass=NullPool, **options)

    def dump(self, url: URL, folder: Path) -> Snapshot:
        target = folder / self.member
        engine = self._engine(url, isolation_level="REPEATABLE READ")
        try:
            with engine.connect() as connection:
                connection.execute(text("SET TRANSACTION READ ONLY"))
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                schema = _current_schema(connection)
                counts, revision = _pg_counts(connection, schema), _pg_revision(connection, schema)
                # The transaction stays open until pg_dump has imported its snapshot and finished.
                _tool(
                    url,
                    "pg_dump",
                    f"--snapshot={snapshot}",
                    f"--schema={_quoted(schema)}",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={target}",
                )
                connection.rollback()
        finally:
            engine.dispose()
        return Snapshot(target, schema, revision, counts)

    def is_empty(self, url: URL) -> bool:
        engine = self._engine(url)
        try:
            with engine.connect() as connection:
                return not _pg_tables(connection, _current_schema(connection))
        finally:
            engine.dispose()

    def restore(self, url: URL, dump: Path, schema: str | None) -> None:
        """Into DATABASE_URL's schema. The dump names its own schema; when that differs, it is
        restored under its own name, then put in place of the empty target schema."""
        if schema is None:
            raise BackupError("the manifest does not name the PostgreSQL schema that was dumped")
        engine = self._engine(url)
        try:
            with engine.connect() as connection:
                target = _current_schema(connection)
                taken = connection.scalar(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": schema})
            restore = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
            if schema == target:  # the schema exists (empty): restore what is in it, not the schema itself
                listing = dump.with_suffix(".list")
                entries = _tool(url, "pg_restore", "--list", str(dump)).splitlines()
                listing.write_text("\n".join(line for line in entries if not _SCHEMA_ENTRY.match(line)) + "\n")
                _tool(url, *restore, f"--use-list={listing}", f"--dbname={url.database}", str(dump))
                return
            if taken:
                raise BackupError(
                    f"the target database already has a schema named {schema!r} (the one backed up): "
                    "restore into a new database"
                )
            _tool(url, *restore, f"--dbname={url.database}", str(dump))
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {_quoted(target)}"))  # empty, as checked
                connection.execute(text(f"ALTER SCHEMA {_quoted(schema)} RENAME TO {_quoted(target)}"))
        finally:
            engine.dispose()

    def check(self, url: URL) -> list[str]:
        """Foreign keys are checked by PostgreSQL as pg_restore adds them; none may be left unchecked."""
        engine = self._engine(url)
        try:
            with engine.connect() as connection:
                unchecked = connection.execute(
                    text(
                        "SELECT c.conname, c.conrelid::regclass::text FROM pg_constraint c "
                        "JOIN pg_namespace n ON n.oid = c.connamespace "
                        "WHERE n.nspname = current_schema() AND c.contype = 'f' AND NOT c.convalidated"
                    )
                ).all()
        finally:
            engine.dispose()
        return [f"foreign key {name} on {table} is not validated" for name, table in unchecked]

    def row_counts(self, url: URL) -> dict[str, int]:
        engine = self._engine(url)
        try:
            with engine.connect() as connection:
                return _pg_counts(connection, _current_schema(connection))
        finally:
            engine.dispose()

    def revision(self, url: URL) -> str | None:
        engine = self._engine(url)
        try:
            with engine.connect() as connection:
                return _pg_revision(connection, _current_schema(connection))
        finally:
            engine.dispose()


DATABASES: dict[str, Database] = {"sqlite": SqliteDatabase(), "postgresql": PostgresqlDatabase()}


def database_for(url: URL) -> Database:
    """The plug-in for DATABASE_URL's kind of database."""
    kind = DATABASES.get(url.get_backend_name())
    if kind is None:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {url.get_backend_name()}")
    return kind
