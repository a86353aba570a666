"""The restore drill: a backup taken during a write burst, restored into a new database, checked,
served again, and a record opened in it over HTTP.

A real gunicorn serves a migrated database with a mentor, a trainee and their enrolment. Client
threads submit observations through the API; once some are acknowledged, ``flask backup`` runs
as a separate process while they go on, and they stop only after it has finished. The server is
stopped; ``flask restore`` puts the archive into a new, empty database (SQLite: a new file;
PostgreSQL: a new database on the same server) with a new instance folder. Then the manifest's
row counts are compared with the restored tables read directly, gunicorn is started on the
restored database, and the mentor signs in and opens an observation saved before the backup.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from verify import kill_row, load
from verify.browser import Browser

CLIENTS = 4
BACKUP_AFTER_ACKNOWLEDGED = 12  # observations saved before the backup starts
KEYS_AFTER_BACKUP = 3  # each client sends at least this many once the backup has finished
KEYS_MAX = 200  # per client: the burst is bounded even if the backup never finishes


@dataclass
class DrillResult:
    database: str
    acknowledged: list[int] = field(default_factory=list)  # observation ids answered 201
    at_backup_start: int = 0
    at_backup_end: int = 0
    server_errors: int = 0
    backup_output: str = ""
    restore_exit: int | None = None
    restore_output: str = ""
    in_archive: dict[str, int] = field(default_factory=dict)
    restored: dict[str, int] = field(default_factory=dict)
    opened: str = ""  # the record opened on the restored server, or why not
    opened_ok: bool = False
    lock = threading.Lock()

    @property
    def different(self) -> list[str]:
        tables = sorted(set(self.in_archive) | set(self.restored))
        return [
            f"{t}: {self.in_archive.get(t)} in the archive, {self.restored.get(t)} restored"
            for t in tables
            if self.in_archive.get(t) != self.restored.get(t)
        ]


def _flask(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(load.BIN / "flask"), *arguments],
        cwd=load.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _burst_with_backup(
    server: kill_row._Server, seeded: dict[str, object], env: dict[str, str], archive: Path, result: DrillResult
) -> None:
    url = f"{server.base}/api/v1/enrolments/{seeded['enrolment_id']}/observations"
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    backed_up, ready = threading.Event(), threading.Event()

    def client_thread(c: int) -> None:
        after = 0
        with httpx.Client(headers=headers, timeout=kill_row.REQUEST_TIMEOUT_SECONDS) as client:
            for n in range(KEYS_MAX):
                answer = kill_row._send(client, url, f"drill-{c}-{n}-{secrets.token_hex(6)}", n)
                with result.lock:
                    if answer is not None and answer[0] == 201:
                        result.acknowledged.append(int(answer[1]["id"]))  # type: ignore[call-overload]
                    result.server_errors += answer is not None and answer[0] >= 500
                    if len(result.acknowledged) >= BACKUP_AFTER_ACKNOWLEDGED:
                        ready.set()
                after += backed_up.is_set()
                if after >= KEYS_AFTER_BACKUP:
                    return

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        clients = [pool.submit(client_thread, c) for c in range(CLIENTS)]
        try:
            if not ready.wait(120):
                raise RuntimeError("the burst saved too few observations to start the backup")
            with result.lock:
                result.at_backup_start = len(result.acknowledged)
            made = _flask(env, "backup", "-o", str(archive))
            with result.lock:
                result.at_backup_end = len(result.acknowledged)
        finally:
            backed_up.set()
        for finished in clients:
            finished.result()
    result.backup_output = (made.stdout + made.stderr).strip()
    if made.returncode != 0:
        raise RuntimeError(f"flask backup failed: {result.backup_output[-600:]}")


def _manifest_counts(archive: Path) -> dict[str, int]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return dict(json.loads(member.read())["row_counts"])


def _table_counts(database_url: str) -> dict[str, int]:
    """Every table's rows, read directly (not through the app or flask restore)."""
    from sqlalchemy import create_engine, func, inspect, select, table

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            names = inspect(connection).get_table_names()
            return {n: int(connection.scalar(select(func.count()).select_from(table(n))) or 0) for n in names}
    finally:
        engine.dispose()


def _open_a_record(server: kill_row._Server, observation_id: int, result: DrillResult) -> None:
    browser = Browser(server.base, lambda *_: None)
    try:
        browser.get("/sign-in")
        browser.submit("", {"email": "mentor@kill.example", "password": load.PASSWORD})
        page = browser.get(f"/assessments/observations/{observation_id}")
        signed_in = "/sign-in" not in browser.url
        result.opened_ok = signed_in and page.status_code == 200 and "Kill Trainee" in page.text
        result.opened = f"observation {observation_id}: {page.status_code}" + ("" if signed_in else " (not signed in)")
    finally:
        browser.close()


@contextmanager
def fresh_postgresql_database(base_url: str) -> Iterator[str]:
    """A new, empty database on TEST_DATABASE_URL's server (its public schema), dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(query={})
    name = f"verify_restore_{os.getpid()}_{secrets.token_hex(3)}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def run(database: str, source_url: str, target_url: str) -> DrillResult:
    result = DrillResult(database)
    with kill_row._world(source_url) as (env, seeded, instance):
        archive = instance / "drill-backup.tar.gz"
        server = kill_row._Server(env, instance / "gunicorn.log")
        try:
            server.start()
            _burst_with_backup(server, seeded, env, archive, result)
        finally:
            server.stop()
        with tempfile.TemporaryDirectory(prefix="verify-restored-") as restored_instance:
            target_env = {**env, "DATABASE_URL": target_url, "INSTANCE_PATH": restored_instance}
            restored = _flask(target_env, "restore", str(archive))
            result.restore_exit, result.restore_output = (
                restored.returncode,
                (restored.stdout + restored.stderr).strip(),
            )
            result.in_archive = _manifest_counts(archive)
            result.restored = _table_counts(target_url)
            if restored.returncode == 0:
                again = kill_row._Server(target_env, Path(restored_instance) / "gunicorn.log")
                try:
                    again.start()
                    _open_a_record(again, result.acknowledged[0], result)
                finally:
                    again.stop()
    return result


def describe(result: DrillResult) -> tuple[str, bool]:
    observations = result.in_archive.get("observation", -1)
    ok = (
        result.restore_exit == 0
        and result.server_errors == 0
        and bool(result.in_archive)
        and not result.different
        and result.at_backup_start <= observations <= len(result.acknowledged)
        and len(result.acknowledged) > result.at_backup_end  # writes went on after the backup too
        and result.opened_ok
    )
    failed = (result.restore_exit != 0) + (not result.opened_ok) + bool(result.different) + result.server_errors
    figure = (
        f"{result.database}: {failed} failed; {len(result.different)} tables with different counts of "
        f"{len(result.in_archive)} ({sum(result.in_archive.values())} rows, {observations} observations in the "
        f"archive of {len(result.acknowledged)} saved, {result.at_backup_start} before the backup started, "
        f"{result.at_backup_end} when it ended); restore exit {result.restore_exit}; opened {result.opened}"
    )
    return figure, ok


def details(result: DrillResult) -> list[str]:
    notes = [f"{result.database}: {line}" for line in result.backup_output.splitlines()[:1]]
    if result.restore_exit != 0:
        notes += [f"{result.database} restore: {line}" for line in result.restore_output.splitlines()[-6:]]
    return notes + [f"{result.database} different: {d}" for d in result.different[:5]]
