"""The backup archive: a gzipped tar holding the database dump, the stored files and a manifest.

The manifest (``manifest.json``, the last member) names the app version, the Alembic revision,
the kind of database, the row count of every table as it was in the dumped snapshot, and the
SHA-256 of every other member. Reading checks every member against it before anything is
restored, so a truncated or corrupt archive is refused whole. The checksums catch damage, not a
forger who rewrites the manifest too: archives are kept encrypted (see docs/backups.md).

Standard library only: the app's parts are handed in by :mod:`core.backups.services`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import tarfile
import time
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

ARCHIVE_FORMAT = 1  # bump when the layout changes; a reader refuses a format it does not know
MANIFEST = "manifest.json"
DATABASE_PREFIX = "database."  # database.sqlite3 or database.pgdump
FILES_PREFIX = "files/"  # files/<instance folder>/<name>
CHUNK_BYTES = 1024 * 1024
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    app_version: str
    created_at: str  # ISO 8601, UTC
    database: str  # "sqlite" or "postgresql"
    schema: str | None  # PostgreSQL: the schema dumped
    alembic_revision: str | None
    row_counts: dict[str, int]
    members: dict[str, str]  # member name → SHA-256 (hex)
    format: int = ARCHIVE_FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, ValueError) as error:
            raise BackupError(f"{MANIFEST} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise BackupError(f"{MANIFEST} must hold a JSON object")
        if data.get("format") != ARCHIVE_FORMAT:
            raise BackupError(f"{MANIFEST}: format {data.get('format')!r} is not one this version reads")
        for name, kind in (("row_counts", int), ("members", str)):
            value = data.get(name)
            if not isinstance(value, dict) or not all(isinstance(v, kind) for v in value.values()):
                raise BackupError(f"{MANIFEST}: {name} is missing or malformed")
        try:
            return cls(**{field: data[field] for field in cls.__dataclass_fields__})
        except KeyError as missing:
            raise BackupError(f"{MANIFEST}: {missing.args[0]} is missing") from None


class _Hashing:
    """A file wrapper that hashes what tarfile reads from it."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def _private_temporary(beside: Path) -> tuple[Path, IO[bytes]]:
    """A new file next to ``beside``, readable by its owner only from the first byte."""
    path = beside.with_name(f".{beside.name}.{secrets.token_hex(6)}.part")
    return path, os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), "wb")


def _add(tar: tarfile.TarFile, name: str, source: Path) -> str | None:
    """Add one file; its SHA-256, or None if it went meanwhile (a stored PDF pruned, say)."""
    try:
        file = source.open("rb")
    except FileNotFoundError:
        return None
    with file:
        info = tarfile.TarInfo(name)
        info.size = os.fstat(file.fileno()).st_size
        info.mode = PRIVATE_FILE_MODE
        info.mtime = int(time.time())
        hashing = _Hashing(file)
        tar.addfile(info, hashing)
    return hashing.digest.hexdigest()


def write(path: Path, manifest: Manifest, members: Iterable[tuple[str, Path]]) -> Manifest:
    """Write the archive to ``path`` (0600, whole or not at all); the manifest as written."""
    temporary = None
    try:
        temporary, file = _private_temporary(path)
        with file, tarfile.open(fileobj=file, mode="w:gz") as tar:
            digests = {}
            for name, source in members:
                digest = _add(tar, name, source)
                if digest is not None:
                    digests[name] = digest
            manifest = Manifest(**{**asdict(manifest), "members": digests})
            body = manifest.to_json()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(body), PRIVATE_FILE_MODE, int(time.time())
            tar.addfile(info, _BytesReader(body))
        os.replace(temporary, path)
    except OSError as error:  # a full disk, say: said plainly, and no half archive left
        raise BackupError(f"could not write {path}: {error}") from None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return manifest


class _BytesReader:
    def __init__(self, body: bytes) -> None:
        self.body, self.at = body, 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.body) if size < 0 else self.at + size
        chunk, self.at = self.body[self.at : end], min(end, len(self.body))
        return chunk


def _check_name(name: str, seen: set[str], folders: tuple[str, ...]) -> None:
    """Only the names a backup writes: no absolute paths, no "..", nothing outside its folder."""
    if name in seen:
        raise BackupError(f"member {name!r} appears twice")
    parts = name.split("/")
    plain = all(part not in ("", ".", "..") and "\\" not in part for part in parts)
    known = (
        name == MANIFEST
        or (len(parts) == 1 and name.startswith(DATABASE_PREFIX))
        or (len(parts) == 3 and name.startswith(FILES_PREFIX) and parts[1] in folders)
    )
    if not (plain and known):
        raise BackupError(f"member {name!r} is not one a backup holds; the file is not a backup of this app")


def _extract(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path) -> str:
    target = into / member.name
    target.parent.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    source = tar.extractfile(member)
    assert source is not None  # a regular file, checked by the caller
    digest = hashlib.sha256()
    with source, os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), "wb") as out:
        while chunk := source.read(CHUNK_BYTES):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def read(path: Path, into: Path, folders: tuple[str, ...]) -> Manifest:
    """Unpack the archive at ``path`` into the empty folder ``into`` and check every member
    against the manifest; the manifest, or :class:`BackupError` saying what is wrong. Stored
    files may only be in ``folders``."""
    digests: dict[str, str] = {}
    seen: set[str] = set()
    manifest_body = None
    try:
        with tarfile.open(path, mode="r:gz") as tar:
            for member in tar:
                _check_name(member.name, seen, folders)
                seen.add(member.name)
                if not member.isfile():
                    raise BackupError(f"member {member.name!r} is not a regular file")
                if member.name == MANIFEST:
                    source = tar.extractfile(member)
                    assert source is not None
                    manifest_body = source.read()
                else:
                    digests[member.name] = _extract(tar, member, into)
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"{path} is not a complete backup archive ({error or type(error).__name__}); "
            "it may be truncated or corrupt: use another copy"
        ) from None
    if manifest_body is None:
        raise BackupError(f"{path} has no {MANIFEST}; it is not a backup of this app")
    manifest = Manifest.from_json(manifest_body)
    _compare(manifest, digests)
    return manifest


def _compare(manifest: Manifest, digests: dict[str, str]) -> None:
    for name in sorted(set(manifest.members) - set(digests)):
        raise BackupError(f"member {name!r} listed in {MANIFEST} is missing: the archive is incomplete")
    for name in sorted(set(digests) - set(manifest.members)):
        raise BackupError(f"member {name!r} is not listed in {MANIFEST}: the archive was changed")
    for name, digest in sorted(digests.items()):
        if manifest.members[name] != digest:
            raise BackupError(f"member {name!r} does not match its SHA-256 in {MANIFEST}: the archive is corrupt")
    if not any(name.startswith(DATABASE_PREFIX) for name in digests):
        raise BackupError("the archive holds no database dump")
