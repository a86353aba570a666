"""The renderer is fail-closed and sandboxed: hostile documents read no file and reach no network
(checked by an audit hook inside the app's own render worker, and by a real loopback canary server),
and a runaway render is stopped while the next one still works."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from core import pdf
from tests.hostile import pdf_corpus

SMALL = '<!doctype html><html lang="en-GB"><head><title>t</title></head><body><p>still serving</p></body></html>'


@pytest.fixture
def worker() -> Iterator[pdf.Worker]:
    found = pdf.Worker()
    yield found
    found.close()


def test_no_hostile_document_opens_a_file_or_reaches_the_canary(worker: pdf.Worker) -> None:
    report = pdf_corpus.run(worker)
    assert report.documents >= 20
    assert report.outside == []          # 0 audit events outside the allowlist, in the worker
    assert report.canary_hits == []      # 0 requests reached the loopback canary
    assert report.not_refused == []      # each was stopped by the fetcher (but the harmless SVG <use>)
    assert report.refused == report.documents - len(pdf_corpus.RENDERS_HARMLESSLY)


def test_the_worker_audit_hook_sees_the_allowed_font_being_read(worker: pdf.Worker) -> None:
    rendered = pdf_corpus.control(worker)
    opened = [argument for event, argument in rendered.events if event == "open"]
    assert any(path.endswith("core/static/fonts/DejaVuSans.ttf") for path in opened)
    assert rendered.outside == ()
    assert rendered.pdf.startswith(b"%PDF-")


def test_a_runaway_render_is_stopped_and_the_next_render_works(worker: pdf.Worker) -> None:
    slow = "<table>" + "".join(f"<tr><td>row {i} " + "word " * 40 + "</td></tr>" for i in range(3000)) + "</table>"
    with pytest.raises(pdf.PdfFailed) as stopped:
        pdf.render_checked(slow, seconds=1, worker=worker)
    assert stopped.value.kind == "timeout"
    assert pdf.render_checked(SMALL, worker=worker).pdf.startswith(b"%PDF-")


def test_a_render_over_the_memory_limit_is_stopped_and_the_next_render_works() -> None:
    small_worker = pdf.Worker(memory_mib=280)
    try:
        huge = "<div>" + "<p>x</p>" * 40_000 + "</div>"
        with pytest.raises(pdf.PdfFailed) as stopped:
            pdf.render_checked(huge, seconds=120, worker=small_worker)
        assert stopped.value.kind in ("memory", "failed")
        assert pdf.render_checked(SMALL, worker=small_worker).pdf.startswith(b"%PDF-")
    finally:
        small_worker.close()


def test_the_worker_gets_no_secrets_from_the_app_environment(worker: pdf.Worker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "do-not-pass")
    worker.render({"html": SMALL}, 30)
    assert worker._process is not None
    with open(f"/proc/{worker._process.pid}/environ", "rb") as environ:
        assert b"do-not-pass" not in environ.read()
