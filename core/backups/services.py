"""Making a backup of the app's database and stored files, and restoring one into an empty database.

What is in an archive: the database (every table of the app's schema, with its Alembic revision),
and the stored files of ``instance/documents/`` (PDFs) and ``instance/job-results/`` (finished
jobs' downloads). Not the secret key: nothing stored depends on it (passwords are Argon2 hashes,
API tokens SHA-256 digests), so a restore on a new machine only signs everyone out once.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from alembic.script import ScriptDirectory
from flask import current_app

from core import jobs, printing
from core.backups import archive, databases
from core.backups.archive import PRIVATE_FOLDER_MODE, BackupError, Manifest
from core.extensions import db

STORED_FOLDERS = (printing.CACHE_FOLDER, jobs.RESULT_FOLDER)  # instance folders an archive holds


@dataclass(frozen=True)
class TableCount:
    table: str
    in_archive: int | None  # None: a table the archive does not know
    restored: int | None

    @property
    def equal(self) -> bool:
        return self.in_archive == self.restored


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    counts: list[TableCount]
    problems: list[str]  # integrity, foreign keys, revision
    files: int
    head_revision: str | None  # the code's newest migration
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(count.equal for count in self.counts)


def app_version() -> str:
    try:
        return version("npq-senco-designer")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def _stored_files(instance: Path) -> Iterator[tuple[str, Path]]:
    for folder in STORED_FOLDERS:
        found = instance / folder
        if not found.is_dir():
            continue
        for path in sorted(found.iterdir()):
            if path.is_file() and not path.name.startswith("."):  # dot files are being written
                yield f"{archive.FILES_PREFIX}{folder}/{path.name}", path


def make_backup(output: Path) -> Manifest:
    """Write one archive of the database and stored files to ``output`` (a new file, 0600)."""
    if output.exists():
        raise BackupError(f"{output} already exists: give a new file name (an older backup is never overwritten)")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    url = db.engine.url
    database = databases.database_for(url)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as folder:  # 0700, beside the archive
        snapshot = database.dump(url, Path(folder))
        manifest = Manifest(
            app_version=app_version(),
            created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            database=database.name,
            schema=snapshot.schema,
            alembic_revision=snapshot.revision,
            row_counts=snapshot.row_counts,
            members={},
        )
        members = [(database.member, snapshot.path), *_stored_files(Path(current_app.instance_path))]
        return archive.write(output, manifest, members)


def _head_revision() -> str | None:
    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def _compare(expected: dict[str, int], found: dict[str, int]) -> list[TableCount]:
    return [TableCount(t, expected.get(t), found.get(t)) for t in sorted(set(expected) | set(found))]


def _restore_files(staged: Path, instance: Path) -> int:
    """Move the archive's stored files into the instance folders (0700; files stay 0600)."""
    moved = 0
    for folder in STORED_FOLDERS:
        source = staged / archive.FILES_PREFIX / folder
        if not source.is_dir():
            continue
        target = instance / folder
        target.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
        for path in sorted(source.iterdir()):
            os.replace(path, target / path.name)  # both under the instance folder: a rename
            moved += 1
    return moved


def restore(path: Path) -> Restored:
    """Check the archive at ``path`` whole, restore it into DATABASE_URL's empty database and the
    instance folder, then check the database and count its rows against the manifest's."""
    url = db.engine.url
    database = databases.database_for(url)
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=instance) as folder:
        staged = Path(folder)
        manifest = archive.read(path, staged, STORED_FOLDERS)
        if manifest.database != database.name:
            kind = databases.DATABASES.get(manifest.database)
            raise BackupError(
                f"the archive holds a {kind.label if kind else manifest.database} database, but DATABASE_URL "
                f"names {database.label}: restore it into a database of the same kind"
            )
        if database.member not in manifest.members:
            raise BackupError(f"the archive holds no {database.label} dump ({database.member})")
        if not database.is_empty(url):
            raise BackupError(
                "the database named by DATABASE_URL already has tables: restore only into a new, empty "
                "database (create one, point DATABASE_URL at it, and run flask restore again)"
            )
        db.session.remove()
        db.engine.dispose()  # no connection of ours may hold the database being replaced
        database.restore(url, staged / database.member, manifest.schema)
        problems = database.check(url)
        revision = database.revision(url)
        if revision != manifest.alembic_revision:
            problems.append(f"the restored revision {revision} is not the archive's {manifest.alembic_revision}")
        counts = _compare(manifest.row_counts, database.row_counts(url))
        files = _restore_files(staged, instance)
    head = _head_revision()
    notes = []
    if revision != head:
        notes.append(f"The database is at revision {revision}; this code's is {head}: run `flask setup --no-demo`.")
    return Restored(manifest, counts, problems, files, head, notes)
