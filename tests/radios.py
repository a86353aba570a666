"""Reading GOV.UK radios back from a page as a person (or a screen reader) meets them: each group's
legend and hint, and each radio's value, label, hint (what its aria-describedby points at) and
whether it is chosen."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Radio:
    value: str
    label: str
    hint: str
    checked: bool


@dataclass
class Group:
    legend: str = ""
    hint: str = ""
    radios: list[Radio] = field(default_factory=list)

    def by_value(self, value: str) -> Radio:
        return next(r for r in self.radios if r.value == value)


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, list[str]] = {}  # element id → its text
        self.labels: dict[str, list[str]] = {}  # input id → its label's text
        self.inputs: list[dict[str, str | None]] = []
        self.fieldsets: list[dict[str, object]] = []  # in page order: describedby, legend, input names
        self.open: list[tuple[str, str | None, str | None]] = []  # (tag, id, label's for)
        self.fieldset: dict[str, object] | None = None
        self.in_legend = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input":
            if found.get("type") == "radio":
                self.inputs.append(found)
                if self.fieldset is not None:
                    self.fieldset["names"].add(found.get("name"))  # type: ignore[attr-defined]
            return
        if tag == "fieldset":
            self.fieldset = {"describedby": found.get("aria-describedby") or "", "legend": [], "names": set()}
            self.fieldsets.append(self.fieldset)
        if tag == "legend":
            self.in_legend = True
        self.open.append((tag, found.get("id"), found.get("for") if tag == "label" else None))
        if found.get("id"):
            self.texts.setdefault(str(found["id"]), [])
        if tag == "label" and found.get("for"):
            self.labels.setdefault(str(found["for"]), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset":
            self.fieldset = None
        if tag == "legend":
            self.in_legend = False
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        for _, element_id, label_for in self.open:
            if element_id:
                self.texts[element_id].append(data)
            if label_for:
                self.labels[label_for].append(data)
        if self.in_legend and self.fieldset is not None:
            self.fieldset["legend"].append(data)  # type: ignore[attr-defined]


def _squeeze(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def radio_groups(html: str) -> dict[str, Group]:
    """Each group of radios on the page by its name."""
    page = _Page()
    page.feed(html)
    groups: dict[str, Group] = {}
    for found in page.inputs:
        name, radio_id = str(found.get("name")), str(found.get("id"))
        hints = [_squeeze(page.texts.get(i, [])) for i in (found.get("aria-describedby") or "").split()]
        groups.setdefault(name, Group()).radios.append(
            Radio(
                str(found.get("value") or ""),
                _squeeze(page.labels.get(radio_id, [])),
                " ".join(hints),
                "checked" in found,
            )
        )
    for fieldset in page.fieldsets:
        for name in fieldset["names"]:  # type: ignore[attr-defined]
            if name in groups:
                groups[name].legend = _squeeze(fieldset["legend"])  # type: ignore[arg-type]
                groups[name].hint = " ".join(
                    _squeeze(page.texts.get(i, [])) for i in str(fieldset["describedby"]).split()
                )
    return groups


def text_of(html: str, element_id: str) -> str:
    """The text of the element with ``element_id``: a field's hint, say (``f0-hint``)."""
    page = _Page()
    page.feed(html)
    return _squeeze(page.texts.get(element_id, []))
