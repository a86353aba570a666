"""The backup archive on its own: what goes in comes out checked, and nothing may land outside
the folder it is unpacked into."""

from __future__ import annotations

import io
import stat
import tarfile
from pathlib import Path

import pytest

from core.backups.archive import BackupError, Manifest, read, write

FOLDERS = ("documents", "job-results")
MANIFEST = Manifest("0.1.0", "2026-12-07T15:00:00Z", "sqlite", None, "7d2e5c1b9a40", {"user": 2}, {})


def _archive(tmp_path: Path) -> Path:
    (tmp_path / "database.sqlite3").write_bytes(b"SQLite format 3\x00 pages")
    (tmp_path / "plan.pdf").write_bytes(b"%PDF a plan")
    archive = tmp_path / "backup.tar.gz"
    write(
        archive,
        MANIFEST,
        [
            ("database.sqlite3", tmp_path / "database.sqlite3"),
            ("files/documents/plan.pdf", tmp_path / "plan.pdf"),
            ("files/documents/pruned.pdf", tmp_path / "pruned meanwhile.pdf"),
        ],
    )
    return archive


def _hostile(tmp_path: Path, name: str, kind: bytes = tarfile.REGTYPE) -> Path:
    """A valid archive with one more member named ``name``."""
    archive, hostile = _archive(tmp_path), tmp_path / "hostile.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(hostile, "w:gz") as out:
        extra = tarfile.TarInfo(name)
        extra.type, extra.size = kind, 0 if kind != tarfile.REGTYPE else 4
        if kind == tarfile.SYMTYPE:
            extra.linkname = "/etc/passwd"
        out.addfile(extra, io.BytesIO(b"evil") if kind == tarfile.REGTYPE else None)
        for member in source:
            out.addfile(member, source.extractfile(member))
    return hostile


def test_what_is_written_reads_back_checked_with_the_files_that_went_meanwhile_left_out(tmp_path):
    archive = _archive(tmp_path)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    into = tmp_path / "out"
    into.mkdir()
    manifest = read(archive, into, FOLDERS)
    assert manifest.row_counts == {"user": 2}
    assert sorted(manifest.members) == ["database.sqlite3", "files/documents/plan.pdf"]
    assert (into / "files/documents/plan.pdf").read_bytes() == b"%PDF a plan"
    assert stat.S_IMODE((into / "database.sqlite3").stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "name",
    ["../escaped", "/etc/cron.d/evil", "files/documents/../../escaped", "files/secrets/key", "files/documents/a/b"],
)
def test_a_member_outside_the_backup_layout_is_refused_before_it_is_written(tmp_path, name):
    into = tmp_path / "out"
    into.mkdir()
    with pytest.raises(BackupError, match="is not one a backup holds"):
        read(_hostile(tmp_path, name), into, FOLDERS)
    assert not (tmp_path / "escaped").exists()


def test_a_link_is_refused(tmp_path):
    into = tmp_path / "out"
    into.mkdir()
    with pytest.raises(BackupError, match="is not a regular file"):
        read(_hostile(tmp_path, "files/documents/link.pdf", tarfile.SYMTYPE), into, FOLDERS)


def test_a_member_the_manifest_does_not_list_is_refused(tmp_path):
    into = tmp_path / "out"
    into.mkdir()
    with pytest.raises(BackupError, match="not listed in manifest.json"):
        read(_hostile(tmp_path, "files/job-results/extra.zip"), into, FOLDERS)


def test_a_writer_that_fails_leaves_no_file_behind(tmp_path):
    with pytest.raises(BackupError, match="could not write"):
        write(tmp_path / "backup.tar.gz", MANIFEST, [("database.sqlite3", tmp_path)])  # a folder: unreadable
    assert list(tmp_path.iterdir()) == []
