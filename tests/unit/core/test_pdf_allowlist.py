"""The renderer's allowlist, without rendering: what counts as outside it, and what it serves."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from core import pdf
from core.printing import safe_filename

FONT = pdf.STATIC_DIR.resolve() / "fonts" / "DejaVuSans.ttf"


def test_the_allowlist_is_the_packaged_fonts_and_images_by_exact_url() -> None:
    assets = pdf.allowed_assets()
    assert assets[FONT.as_uri()] == FONT
    assert all(
        path.is_relative_to(pdf.STATIC_DIR.resolve() / "fonts")
        or path.is_relative_to(pdf.STATIC_DIR.resolve() / "images")
        for path in assets.values()
    )
    assert not any("css" in url or "js" in url.split("/")[-2] for url in assets)


def test_any_connection_and_any_open_outside_the_allowlist_is_reported() -> None:
    events = [
        ("open", str(FONT)),
        ("open", "/etc/passwd"),
        ("open", "/tmp/worker/font"),
        ("socket.connect", "('127.0.0.1', 80)"),
        ("open", str(FONT.parent / ".." / ".." / ".." / "core" / "pdf.py")),
    ]
    bad = pdf.outside_allowlist(events, [FONT], ["/tmp/worker/"])
    assert bad == [("open", "/etc/passwd"), ("socket.connect", "('127.0.0.1', 80)"), events[4]]


@given(st.text())
def test_a_download_name_is_always_a_plain_pdf_name(name: str) -> None:
    found = safe_filename("training-plan", name)
    assert found.endswith(".pdf") and "/" not in found and ".." not in found
    assert all(c.isascii() and (c.isalnum() or c in "-.") for c in found)
    assert Path(found).name == found
