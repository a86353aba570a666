"""Printed documents for the rooms: a template rendered to PDF once per set of inputs, stored, and
sent with an ETag.

A document's key is a SHA-256 of everything it shows (the plain data the room passes in) and of
everything that shapes it (the templates and print stylesheets, the renderer's version), so the same
inputs give the stored PDF and a change of any of them gives a new one. PDFs are stored as files in
the instance folder (``documents/<key>.pdf``), written atomically, shared by every worker process.
The rendering itself is :mod:`core.pdf`'s (a sandboxed worker process).

The store is pruned whenever a PDF is stored: a file is "used" when it is stored or served (its
modification time is set then, since access times are often not kept), and files unused for
``DOCUMENTS_KEEP_DAYS`` go, then the least recently used until the store is under
``DOCUMENTS_MAX_MIB``. A pruned document is simply made again when next asked for. The daily
retention purge removes those unused for ``DOCUMENTS_KEEP_DAYS`` too (:func:`purge_unused`), so
the rule holds when nothing new is stored.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, render_template, request

from core import pdf

CACHE_FOLDER = "documents"
CORE_PRINT_CSS = Path(__file__).resolve().parent / "print.css"
DOCUMENTS_KEEP_DAYS = 30  # a stored PDF nobody asked for in this long is removed
DOCUMENTS_MAX_MIB = 512  # and the store is kept under this size, the least recently used going first
PRUNE_EVERY_SECONDS = 60.0  # a process looks at the whole store at most this often (a cohort stores hundreds at once)
RENDERER_VERSION = "1"  # bump to make every stored PDF again (e.g. after a WeasyPrint upgrade)


@dataclass(frozen=True)
class StoredPdf:
    key: str
    pdf: bytes
    made: bool  # rendered now (False: read from the store)

    @property
    def etag(self) -> str:
        return self.key[:40]


def _plain(value: Any) -> Any:
    """JSON for a document's data: dataclasses, dates and enums included, in a stable form."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    return value


def _source_of(template: str) -> str:
    loader = current_app.jinja_env.loader
    assert loader is not None
    source, _, _ = loader.get_source(current_app.jinja_env, template)
    return source


def shape_fingerprint(templates: Sequence[str], stylesheets: Sequence[Path]) -> str:
    """What shapes a document besides its data: template and stylesheet sources, renderer version.
    Kept per app, since templates do not change while it runs."""
    memo: dict[tuple[Any, ...], str] = current_app.extensions.setdefault("print_shapes", {})
    memo_key = (tuple(templates), tuple(stylesheets))
    if memo_key not in memo:
        digest = hashlib.sha256(RENDERER_VERSION.encode())
        for name in templates:
            digest.update(_source_of(name).encode())
        for sheet in (CORE_PRINT_CSS, *stylesheets):
            digest.update(sheet.read_bytes())
        memo[memo_key] = digest.hexdigest()
    return memo[memo_key]


def document_key(kind: str, data: Any, templates: Sequence[str], stylesheets: Sequence[Path]) -> str:
    """The key of a document: its kind, its data and its shape."""
    text = json.dumps(
        [kind, _plain(data), shape_fingerprint(templates, stylesheets)],
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _store() -> Path:
    folder = Path(current_app.instance_path) / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_pdf(key: str) -> bytes | None:
    path = _store() / f"{key}.pdf"
    try:
        body = path.read_bytes()
    except FileNotFoundError:  # never made, or pruned a moment ago: it is made again
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: pruning keeps what people still download
    return body


def _unused_since(folder: Path, cutoff: float) -> list[Path]:
    """Stored PDFs last made or downloaded before ``cutoff`` (a POSIX time)."""
    found = []
    for path in folder.glob("*.pdf"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                found.append(path)
    return found


def purge_unused(now: datetime, period: timedelta, dry_run: bool = False) -> int:
    """Remove stored PDFs unused for ``period`` before ``now`` (the daily retention purge); how many."""
    unused = _unused_since(_store(), (now - period).timestamp())
    if not dry_run:
        for path in unused:
            path.unlink(missing_ok=True)
    return len(unused)


def prune(now: float | None = None) -> int:
    """Remove stored PDFs unused for the configured days, then the least recently used until the
    store fits its size; how many were removed. Safe beside other processes: a file read while it is
    removed was already read whole, and one missing is made again."""
    folder = _store()
    now = time.time() if now is None else now
    keep_seconds = 86_400 * int(current_app.config.get("DOCUMENTS_KEEP_DAYS") or DOCUMENTS_KEEP_DAYS)
    max_bytes = 1024 * 1024 * int(current_app.config.get("DOCUMENTS_MAX_MIB") or DOCUMENTS_MAX_MIB)
    unused = _unused_since(folder, now - keep_seconds)
    for path in unused:
        path.unlink(missing_ok=True)
    removed = len(unused)
    files: list[tuple[float, int, Path]] = []
    for path in folder.glob("*.pdf"):
        try:
            found = path.stat()
        except FileNotFoundError:
            continue
        files.append((found.st_mtime, found.st_size, path))
    files.sort()  # least recently used first
    total = sum(size for _, size, _ in files)
    for _, size, path in files:  # then the least recently used, until the store fits
        if total <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size
        removed += 1
    for part in folder.glob("*.part"):  # a write cut short by a crash
        with contextlib.suppress(FileNotFoundError):
            if part.stat().st_mtime < now - 3600:
                part.unlink()
    return removed


def _prune_now_and_then() -> None:
    last: dict[str, float] = current_app.extensions.setdefault("print_pruned", {})
    interval = float(current_app.config.get("DOCUMENTS_PRUNE_SECONDS", PRUNE_EVERY_SECONDS))
    now = time.monotonic()
    if now - last.get("at", -interval - 1) >= interval:
        last["at"] = now
        prune()


def _save(key: str, body: bytes) -> None:
    folder = _store()
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(handle, "wb") as out:
        out.write(body)
    os.replace(temporary, folder / f"{key}.pdf")  # atomic: a reader sees the old file or the whole new one
    _prune_now_and_then()


def stylesheet_texts(stylesheets: Sequence[Path]) -> list[str]:
    return [sheet.read_text(encoding="utf-8") for sheet in (CORE_PRINT_CSS, *stylesheets)]


def make_pdf(key: str, html: Callable[[], str], stylesheets: Sequence[Path]) -> StoredPdf:
    """The stored PDF for ``key``, or a new one rendered from ``html()`` and stored."""
    found = stored_pdf(key)
    if found is not None:
        return StoredPdf(key, found, made=False)
    body = pdf.render_pdf(html(), stylesheet_texts(stylesheets))
    _save(key, body)
    return StoredPdf(key, body, made=True)


def render_html(template: str, **context: Any) -> str:
    """A print template's HTML: Jinja escapes every value, so user text never becomes markup."""
    return render_template(template, author=pdf.AUTHOR, language=pdf.LANGUAGE, **context)


BASE_TEMPLATE = "print/base.html"  # every printed document extends it


@dataclass(frozen=True)
class Printed:
    """A kind of printed document: its name (part of every key), its page template, the partials it
    includes and its room's stylesheet. Its key, HTML and stored PDF are made the one way below."""

    kind: str
    template: str
    stylesheet: Path
    partials: tuple[str, ...] = ()

    @property
    def templates(self) -> tuple[str, ...]:
        return (self.template, BASE_TEMPLATE, *self.partials)

    def key(self, data: Any) -> str:
        return document_key(self.kind, data, self.templates, [self.stylesheet])

    def html(self, **context: Any) -> str:
        return render_html(self.template, **context)

    def pdf(self, name: str, data: Any, *, title: str, header: str, footer: str) -> StoredPdf:
        """The stored PDF of ``data`` (passed to the template as ``name``), or a new one."""
        return make_pdf(
            self.key(data),
            lambda: self.html(**{name: data}, title=title, header=header, footer=footer),
            [self.stylesheet],
        )


def send_pdf(document: StoredPdf, filename: str) -> Response:
    """The PDF as a download, or ``304 Not Modified`` when the client already holds this version."""
    if request.if_none_match.contains(document.etag):
        response = Response(status=304)
    else:
        response = Response(document.pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Cache-Control stays the house's "no-store" for signed-in answers (core.security): a plan is
    # personal data, not to linger on a shared computer. The ETag still spares a client that keeps
    # its own copy (the CLI, a script) the download: it gets a 304.
    response.set_etag(document.etag)
    return response


def safe_filename(*words: str) -> str:
    """``training-plan-ann-smith.pdf``: ASCII letters, digits and hyphens only, never a path."""
    text = "-".join(words).lower()
    cleaned = "".join(c if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(part for part in cleaned.split("-") if part)[:80] + ".pdf"


def init_app(app: Flask) -> None:
    from core.errors import render_error

    def failed(error: pdf.PdfFailed):  # type: ignore[no-untyped-def]
        body = {
            "timeout": f"It took longer than {int(pdf.SECONDS_LIMIT)} seconds to make, so it was stopped.",
            "memory": f"It needed more than {pdf.MEMORY_LIMIT_MIB} MiB of memory, so it was stopped.",
            "refused": "It asked for a file or web address that documents may not use, so it was stopped.",
        }.get(error.kind, "The program that makes documents stopped.")
        app.logger.warning("PDF not made (%s): %s", error.kind, error.message)
        return render_error(
            503,
            "Sorry, the document could not be made",
            f"{body} Nothing has changed. Try again later, and if it happens again, tell the service team.",
        )

    app.register_error_handler(pdf.PdfFailed, failed)
