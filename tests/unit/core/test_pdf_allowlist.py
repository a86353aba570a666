"""The renderer's allowlist, without rendering: what counts as outside it, and what it serves."""

from __future__ import annotations

import json
from pathlib import Path

import hypothesis
import pytest
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


SECRET_KEY = pdf.PROJECT_DIR / "instance" / "secret_key"


@pytest.mark.parametrize(
    "opened",
    [SECRET_KEY, pdf.PROJECT_DIR / "instance" / "documents" / "plan.pdf", pdf.PROJECT_DIR / "core" / "config.py"],
)
def test_a_render_that_opens_the_secret_key_or_a_stored_pdf_or_the_apps_code_is_flagged(opened: Path) -> None:
    """The worker's own folders: Python's code is trusted, the project folder (and instance/) is not."""
    events = [("open", str(FONT)), ("open", str(opened))]
    bad = pdf.outside_allowlist(events, [FONT], pdf.code_folders(), pdf.denied_folders())
    assert bad == [("open", str(opened))]


def test_the_instance_folder_is_flagged_even_where_an_allowed_folder_holds_it() -> None:
    whole_project = [str(pdf.PROJECT_DIR) + "/"]  # as the worker trusted before
    events = [("open", str(SECRET_KEY)), ("open", str(pdf.PROJECT_DIR / "README.md"))]
    assert pdf.outside_allowlist(events, [FONT], whole_project, pdf.denied_folders()) == events[:1]
    moved = pdf.denied_folders("/srv/senco-instance")
    assert pdf.outside_allowlist([("open", "/srv/senco-instance/secret_key")], [FONT], ["/srv/"], moved)


def test_pythons_own_code_stays_allowed_and_no_folder_above_the_project_is_trusted() -> None:
    folders = pdf.code_folders()
    assert pdf.outside_allowlist([("open", json.__file__)], [], folders) == []
    assert pdf.outside_allowlist([("open", hypothesis.__file__)], [], folders) == []
    project = str(pdf.PROJECT_DIR) + "/"
    assert not any(project.startswith(folder) for folder in folders)
