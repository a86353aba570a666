"""The renderer is fail-closed and sandboxed: hostile documents read no file and reach no network
(checked by an audit hook inside the app's own render worker, and by a real loopback canary server),
and a runaway render is stopped while the next one still works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core import pdf
from tests import pdf_reading as read
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
    assert report.outside == []  # 0 audit events outside the allowlist, in the worker
    assert report.canary_hits == []  # 0 requests reached the loopback canary
    assert report.not_refused == []  # each was stopped by the fetcher (but the harmless SVG <use>)
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


def test_the_worker_gets_no_secrets_from_the_app_environment(
    worker: pdf.Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_KEY", "do-not-pass")
    worker.render({"html": SMALL}, 30)
    assert worker._process is not None
    with open(f"/proc/{worker._process.pid}/environ", "rb") as environ:
        assert b"do-not-pass" not in environ.read()


def test_a_worker_loads_the_fonts_of_a_stylesheet_once_for_many_documents(worker: pdf.Worker) -> None:
    """A cohort's plans share one print stylesheet: its fonts are read for the first plan, not again
    for each (the audit hook sees every open), and each PDF still embeds the font face (C)."""
    css = "@font-face { font-family: C; src: url(fonts/DejaVuSans.ttf); } p { font-family: C }"
    fonts = []
    for name in ("Ann", "Bea", "Cai"):
        html = f'<!doctype html><html lang="en-GB"><head><title>{name}</title></head><body><p>{name}</p></body></html>'
        rendered = pdf.render_checked(html, [css], worker=worker)
        fonts.append([a for e, a in rendered.events if e == "open" and a.endswith("fonts/DejaVuSans.ttf")])
        embedded = read.fonts(rendered.pdf)
        assert any(font.endswith("+C") for font, _ in embedded) and all(e for _, e in embedded), embedded
        assert rendered.outside == ()
    assert fonts[0] and fonts[1:] == [[], []]


def test_a_refused_stylesheet_is_not_kept_for_the_next_document(worker: pdf.Worker) -> None:
    hostile = "@font-face { font-family: H; src: url(file:///etc/passwd); } p { font-family: H }"
    with pytest.raises(pdf.PdfFailed):
        pdf.render_checked(SMALL, [hostile], worker=worker)
    with pytest.raises(pdf.PdfFailed) as again:
        pdf.render_checked(SMALL, [hostile], worker=worker)  # refused again, not served from a kept parse
    assert again.value.kind == "refused"
