"""Stored PDFs (``instance/documents/``) are pruned when a PDF is stored: those nobody asked for in
``DOCUMENTS_KEEP_DAYS`` go, then the least recently used until the store fits ``DOCUMENTS_MAX_MIB``;
a download marks a PDF as used, and a pruned document is simply made again."""

from __future__ import annotations

import os
import time
from pathlib import Path

from flask import Flask

from core import printing

DAY = 86_400
HTML = '<!doctype html><html lang="en-GB"><head><title>t</title></head><body><p>{}</p></body></html>'


def _stored(app: Flask, name: str, days_unused: float, size: int = 1000) -> Path:
    folder = Path(app.instance_path) / printing.CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.pdf"
    path.write_bytes(b"%PDF-" + b"x" * size)
    used = time.time() - days_unused * DAY
    os.utime(path, (used, used))
    return path


def _store_one(app: Flask, key: str) -> printing.StoredPdf:
    with app.test_request_context():
        return printing.make_pdf(key, lambda: HTML.format(key), [])


def test_storing_a_pdf_removes_those_unused_for_the_kept_days_and_keeps_the_rest(app: Flask) -> None:
    app.config.update(DOCUMENTS_KEEP_DAYS=30, DOCUMENTS_PRUNE_SECONDS=0)
    old = _stored(app, "old", days_unused=31)
    recent = _stored(app, "recent", days_unused=29)
    made = _store_one(app, "new")
    assert made.made and made.pdf.startswith(b"%PDF-")
    assert not old.exists()
    assert recent.exists() and (recent.parent / "new.pdf").exists()


def test_a_download_marks_a_pdf_as_used_so_it_is_kept(app: Flask) -> None:
    app.config.update(DOCUMENTS_KEEP_DAYS=30, DOCUMENTS_PRUNE_SECONDS=0)
    read_lately = _stored(app, "read-lately", days_unused=31)
    with app.test_request_context():
        assert printing.stored_pdf("read-lately") is not None  # someone downloads it today
    _store_one(app, "another")
    assert read_lately.exists()


def test_the_store_keeps_under_its_size_by_removing_the_least_recently_used(app: Flask) -> None:
    app.config.update(DOCUMENTS_MAX_MIB=1, DOCUMENTS_PRUNE_SECONDS=0)
    oldest = _stored(app, "oldest", days_unused=3, size=400_000)
    middle = _stored(app, "middle", days_unused=2, size=400_000)
    newest = _stored(app, "newest", days_unused=1, size=400_000)
    _store_one(app, "fresh")
    assert not oldest.exists()
    assert middle.exists() and newest.exists()  # 800 kB and the new PDF fit in 1 MiB


def test_a_pruned_document_is_made_again_when_next_asked_for(app: Flask) -> None:
    app.config.update(DOCUMENTS_PRUNE_SECONDS=0)
    first = _store_one(app, "again")
    (Path(app.instance_path) / printing.CACHE_FOLDER / "again.pdf").unlink()
    second = _store_one(app, "again")
    assert second.made and second.pdf.startswith(b"%PDF-")
    assert first.made


def test_a_process_looks_at_the_store_at_most_once_a_minute_by_default(app: Flask) -> None:
    app.config.update(DOCUMENTS_KEEP_DAYS=30)
    _store_one(app, "first")  # prunes (nothing yet)
    old = _stored(app, "old", days_unused=31)
    _store_one(app, "second")  # within the minute: the store is not listed again
    assert old.exists()
