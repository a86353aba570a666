"""``flask backup`` while writes go on, and ``flask restore`` into a new database: counts equal,
records readable, stored files back; a damaged archive or a database in use refused."""

from __future__ import annotations

import io
import json
import os
import secrets
import stat
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from curriculum import services as curriculum
from curriculum.models import Programme
from tests.conftest import RUN_ID, Auth, make_app

DETAILS = curriculum.ProgrammeDetails("Backed-up programme", "Backup Hub", date(2026, 9, 7), 52)
WRITES_BEFORE_BACKUP = 3  # the writer has saved this many before the backup starts, and goes on


@contextmanager
def _fresh_postgresql(source: str, same_schema: bool) -> Iterator[str]:
    """A PostgreSQL database of its own: its public schema, or one named as ``source``'s schema."""
    name = f"senco_restore_{RUN_ID}_{secrets.token_hex(3)}"
    server = create_engine(make_url(source).set(query={}), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(source).set(database=name, query={} if not same_schema else make_url(source).query)
    try:
        if same_schema:
            schema = make_url(source).query["options"].split("=", 1)[1]
            with create_engine(url).connect() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
                connection.commit()
        yield url.render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture
def fresh_url(app: Flask, tmp_path: Path) -> Iterator[str]:
    """A new, empty database of the same kind as ``app``'s: a file, or a PostgreSQL database of its own."""
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    if source.startswith("sqlite"):
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'senco.sqlite3'}"
        return
    with _fresh_postgresql(source, same_schema=False) as url:
        yield url


@pytest.fixture
def restored(fresh_url: str, tmp_path: Path) -> Iterator[Flask]:
    """The app on the new database, with an instance folder of its own."""
    restored_app = make_app(fresh_url, INSTANCE_PATH=str(tmp_path / "restored"))
    yield restored_app
    with restored_app.app_context():
        db.engine.dispose()


def _manifest(archive: Path) -> dict:  # type: ignore[type-arg]
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.loads(member.read())


def _rewrite(archive: Path, target: Path, change: dict[str, bytes]) -> None:
    """A copy of ``archive`` with some members' bytes replaced and the manifest left as it was."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            body = change.get(member.name) or source.extractfile(member).read()  # type: ignore[union-attr]
            member.size = len(body)
            out.addfile(member, io.BytesIO(body))


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_backup_taken_while_programmes_are_saved_restores_with_equal_counts_and_opens(
    app, runner, restored, make_person, tmp_path
):
    make_person("designer@example.org", Role.DESIGNER)
    with app.app_context():
        first = curriculum.create_programme(None, DETAILS).id
    (Path(app.instance_path) / "documents").mkdir(exist_ok=True)
    (Path(app.instance_path) / "documents" / "plan.pdf").write_bytes(b"%PDF-1.7 a stored plan")
    saved, stop, going = [0], threading.Event(), threading.Event()

    def writer() -> None:
        with app.app_context():
            while not stop.is_set():
                curriculum.create_programme(
                    None, curriculum.ProgrammeDetails(f"Written {saved[0]}", "Hub", DETAILS.cohort_start, 52)
                )
                saved[0] += 1
                if saved[0] >= WRITES_BEFORE_BACKUP:
                    going.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert going.wait(60), "the writer saved nothing"
        archive = tmp_path / "backup.tar.gz"
        made = runner.invoke(args=["backup", "-o", str(archive)])
        during = saved[0]
    finally:
        stop.set()
        thread.join()
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    in_archive = _manifest(archive)["row_counts"]["programme"]
    assert 1 + WRITES_BEFORE_BACKUP <= in_archive <= 1 + saved[0], (in_archive, during, saved[0])

    result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "counts equal to the archive's" in result.output
    assert _count(restored, Programme) == in_archive
    assert _count(restored, User) == 1
    stored = Path(restored.instance_path) / "documents"
    assert (stored / "plan.pdf").read_bytes() == b"%PDF-1.7 a stored plan"
    assert stat.S_IMODE((stored / "plan.pdf").stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.stat().st_mode) == 0o700

    client = restored.test_client()
    assert Auth(client).sign_in("designer@example.org").status_code == 302
    page = client.get(f"/curriculum/programmes/{first}")
    assert page.status_code == 200
    assert "Backed-up programme" in page.get_data(as_text=True)
    with restored.app_context():  # ids go on after the restored ones, on PostgreSQL too
        assert curriculum.create_programme(None, DETAILS).id > first + in_archive - 1


def test_a_changed_archive_is_refused_and_nothing_is_restored(app, runner, restored, tmp_path):
    with app.app_context():
        curriculum.create_programme(None, DETAILS)
    archive, changed = tmp_path / "backup.tar.gz", tmp_path / "changed.tar.gz"
    assert runner.invoke(args=["backup", "-o", str(archive)]).exit_code == 0
    dump = next(name for name in _manifest(archive)["members"] if name.startswith("database."))
    _rewrite(archive, changed, {dump: b"not the database"})

    result = restored.test_cli_runner().invoke(args=["restore", str(changed)])
    assert result.exit_code == 1
    assert f"member '{dump}' does not match its SHA-256" in result.output
    assert "Traceback" not in result.output
    with restored.app_context():
        assert inspect(db.engine).get_table_names() == []


@pytest.mark.parametrize("damage", ["truncated", "not an archive", "missing"])
def test_a_truncated_or_wrong_file_is_refused_with_a_clear_message(app, runner, restored, tmp_path, damage):
    archive, damaged = tmp_path / "backup.tar.gz", tmp_path / "damaged.tar.gz"
    assert runner.invoke(args=["backup", "-o", str(archive)]).exit_code == 0
    if damage == "truncated":
        damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    elif damage == "not an archive":
        damaged.write_text("name,email\nAda,ada@example.org\n")

    result = restored.test_cli_runner().invoke(args=["restore", str(damaged)])
    assert result.exit_code == 1
    expected = "no such file" if damage == "missing" else "is not a complete backup archive"
    assert f"{damaged}" in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_restore_refuses_a_database_that_already_has_tables(app, runner, tmp_path):
    with app.app_context():
        curriculum.create_programme(None, DETAILS)
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", "-o", str(archive)]).exit_code == 0

    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code == 1
    assert "already has tables: restore only into a new, empty database" in result.output
    assert _count(app, Programme) == 1


def test_a_backup_never_overwrites_an_existing_file(app, runner, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    archive.write_text("last night's backup")
    result = runner.invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert archive.read_text() == "last night's backup"
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def test_an_archive_of_the_other_kind_of_database_is_refused(app, runner, restored, tmp_path):
    archive, other = tmp_path / "backup.tar.gz", tmp_path / "other.tar.gz"
    assert runner.invoke(args=["backup", "-o", str(archive)]).exit_code == 0
    manifest = _manifest(archive)
    kind = "postgresql" if manifest["database"] == "sqlite" else "sqlite"
    _rewrite(archive, other, {"manifest.json": json.dumps({**manifest, "database": kind}).encode()})

    result = restored.test_cli_runner().invoke(args=["restore", str(other)])
    assert result.exit_code == 1
    assert "restore it into a database of the same kind" in result.output
    with restored.app_context():
        assert inspect(db.engine).get_table_names() == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # schemas are PostgreSQL's alone
def test_a_postgresql_dump_restores_into_a_schema_of_the_same_name(app, runner, make_person, tmp_path):
    """As from public to public on a new server: the dump's schema exists already, empty."""
    source = app.config["SQLALCHEMY_DATABASE_URI"]
    make_person("designer@example.org", Role.DESIGNER)
    with app.app_context():
        programme = curriculum.create_programme(None, DETAILS).id
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", "-o", str(archive)]).exit_code == 0

    with _fresh_postgresql(source, same_schema=True) as url:
        restored = make_app(url, INSTANCE_PATH=str(tmp_path / "restored"))
        result = restored.test_cli_runner().invoke(args=["restore", str(archive)])
        assert result.exit_code == 0, result.output
        client = restored.test_client()
        assert Auth(client).sign_in("designer@example.org").status_code == 302
        assert "Backed-up programme" in client.get(f"/curriculum/programmes/{programme}").get_data(as_text=True)
        with restored.app_context():
            db.engine.dispose()
