"""The README is what a newcomer reads first (issue 24): short, the two commands, the rooms and what
may import what, and links into docs/ that lead somewhere. Links inside docs/ are checked by
`mkdocs build --strict` (make lint); the README is outside the site, so its links are checked here."""

from __future__ import annotations

import re
from pathlib import Path

from markdown.extensions.toc import slugify

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)\s]+)\)")
ROOMS = ("core", "curriculum", "competencies", "assessments", "dfe")


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    following = README.find("\n## ", start + 1)
    return README[start : following if following != -1 else len(README)]


def _anchors(page: Path) -> set[str]:
    """The ids MkDocs gives the page's headings (its default slugify), outside code blocks."""
    anchors, fenced = set(), False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            anchors.add(slugify(line.lstrip("#").strip().replace("`", ""), "-"))
    return anchors


def test_the_readme_is_at_most_250_lines() -> None:
    assert len(README.splitlines()) <= 250


def test_the_two_commands_come_first_and_as_they_are() -> None:
    first = re.search(r"^## (.+)$", README, re.MULTILINE)
    assert first is not None and first.group(1) == "Two commands"
    commands = _section("Two commands")
    assert "```\nmake run\n```" in commands
    assert "```\nmake test\n```" in commands


def test_every_link_of_the_readme_to_a_file_leads_to_it_and_its_heading() -> None:
    broken = []
    for target in LINK.findall(README):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        page = ROOT / path
        if not page.is_file() or (anchor and anchor not in _anchors(page)):
            broken.append(target)
    assert broken == []


def test_every_page_of_the_site_is_linked_from_the_readme() -> None:
    linked = {target.partition("#")[0] for target in LINK.findall(README)}
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md") if p.name != "index.md"}
    assert pages - linked == set()


def test_the_layout_names_every_room_and_the_one_way_imports_flow() -> None:
    layout = _section("How the code is laid out")
    for room in ROOMS:
        assert f"\n{room}/ " in layout, room
    assert "`dfe → assessments → competencies → curriculum → core`" in layout
