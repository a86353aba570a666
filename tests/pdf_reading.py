"""Reading a PDF back as a person or a screen reader would meet it: its text, outline, metadata,
fonts, and whether anything is drawn in the page margins."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pypdf
from PIL import Image

A4_WIDTH_MM = 210
A4_HEIGHT_MM = 297
RIGHT_MARGIN_MM = 18  # core/print.css
TOP_MARGIN_MM, BOTTOM_MARGIN_MM = 22, 20  # core/print.css: the running header and footer live in these
POINTS_PER_MM = 72 / 25.4


def reader(body: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(body))


def text(body: bytes) -> str:
    """All the text, with whitespace and line breaks squeezed (wrapped lines join up again)."""
    pages = [page.extract_text() or "" for page in reader(body).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


def fragments(body: bytes) -> list[list[tuple[float, float, str, str]]]:
    """Each page's runs of text as drawn: (y from the page's foot, x, text, font name), in points."""
    pages = []
    for page in reader(body).pages:
        found: list[tuple[float, float, str, str]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: Any, found: list = found) -> None:  # type: ignore[type-arg]
            if text.strip():
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                found.append((y, x, text, str(font.get("/BaseFont", "")) if font else ""))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def body_lines(body: bytes) -> list[list[str]]:
    """Each page's lines of text, top to bottom, without the running header and footer (and
    without list bullets): runs on one baseline join up, so a table row reads as one line."""
    top = (A4_HEIGHT_MM - TOP_MARGIN_MM) * POINTS_PER_MM
    foot = BOTTOM_MARGIN_MM * POINTS_PER_MM
    pages = []
    for runs in fragments(body):
        rows: dict[int, list[tuple[float, str]]] = {}
        for y, x, text, _ in runs:
            if foot < y < top and text.strip() != "•":
                rows.setdefault(round(y), []).append((x, text.strip()))
        pages.append([" ".join(t for _, t in sorted(parts)) for _, parts in sorted(rows.items(), reverse=True)])
    return pages


def bold_texts(body: bytes) -> set[str]:
    """Every run of text set in the bold face."""
    return {text.strip() for runs in fragments(body) for _, _, text, font in runs if "Bold" in font}


def compact(value: str) -> str:
    """Text without any whitespace: a name wrapped anywhere still matches."""
    return re.sub(r"\s+", "", value)


def outline(body: bytes) -> list[Any]:
    """The bookmarks as nested lists of titles."""

    def walk(items: list[Any]) -> list[Any]:
        return [walk(item) if isinstance(item, list) else item.title for item in items]

    return walk(reader(body).outline)


def flat_outline(body: bytes) -> list[str]:
    def flat(items: list[Any]) -> list[str]:
        return [t for item in items for t in (flat(item) if isinstance(item, list) else [item])]

    return flat(outline(body))


def bookmark_pages(body: bytes) -> dict[str, int]:
    """Each bookmark's title and the page (1-based) it takes the reader to."""
    pdf = reader(body)

    def walk(items: list[Any]) -> dict[str, int]:
        found: dict[str, int] = {}
        for item in items:
            found.update(
                walk(item) if isinstance(item, list) else {item.title: pdf.get_destination_page_number(item) + 1}
            )
        return found

    return walk(pdf.outline)


def xmp(body: bytes) -> str:
    return reader(body).trailer["/Root"]["/Metadata"].get_object().get_data().decode()


def language(body: bytes) -> str:
    return str(reader(body).trailer["/Root"].get("/Lang"))


def fonts(body: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font used on any page."""
    found = {}
    for page in reader(body).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded
    return sorted(found.items())


def pages_as_images(body: bytes, dpi: int = 40) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "doc.pdf"
        source.write_bytes(body)
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(Path(folder) / "page")], check=True)
        return [Image.open(p).convert("L").copy() for p in sorted(Path(folder).glob("page-*.png"))]


def ink_in_right_margin(body: bytes) -> list[int]:
    """Pages (1-based) with anything drawn in the right margin: text that did not wrap."""
    found = []
    for number, image in enumerate(pages_as_images(body), 1):
        left = int(image.width * (A4_WIDTH_MM - RIGHT_MARGIN_MM + 2) / A4_WIDTH_MM)
        strip = image.crop((left, 0, image.width, image.height))
        if strip.getextrema()[0] < 200:
            found.append(number)
    return found


def blank_pages(body: bytes) -> list[int]:
    """Pages (1-based) with nothing in the body area (header and footer aside)."""
    found = []
    for number, image in enumerate(pages_as_images(body), 1):
        top, bottom = int(image.height * 0.08), int(image.height * 0.92)
        if image.crop((0, top, image.width, bottom)).getextrema()[0] > 200:
            found.append(number)
    return found


def figures_without_alt(body: bytes) -> int:
    """Figures in the structure tree (images, charts) with no alternative text: PDF/UA needs one each."""
    missing = 0

    def walk(node: Any) -> None:
        nonlocal missing
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for kid in node:
                walk(kid)
        elif isinstance(node, dict):
            if node.get("/S") == "/Figure" and not node.get("/Alt"):
                missing += 1
            if "/K" in node:
                walk(node["/K"])

    walk(reader(body).trailer["/Root"]["/StructTreeRoot"].get_object().get("/K"))
    return missing
