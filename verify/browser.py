"""A person's browser, reduced to what the load row needs: cookies, links and forms over real HTTP.

Forms are filled from the page as served (hidden fields, CSRF token, selected options), so the
load follows the app's forms as they change instead of copying their field names.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    submits: list[tuple[str, str]] = field(default_factory=list)
    radios: dict[str, str] = field(default_factory=dict)  # first value of each radio group
    checkboxes: dict[str, list[str]] = field(default_factory=dict)  # every value each group offers

    def data(self, overrides: dict[str, str | list[str]]) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {name: [value] for name, value in self.radios.items()}
        for name, value in self.fields:
            values.setdefault(name, []).append(value)  # a date is three inputs of one name
        if self.submits:
            values.setdefault(self.submits[0][0], [self.submits[0][1]])
        for name, value in overrides.items():
            values[name] = value if isinstance(value, list) else [value]
        return values


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "radio":
                self.forms[-1].radios.setdefault(a["name"], a.get("value", "on"))
                if "checked" in a:
                    self.forms[-1].radios[a["name"]] = a.get("value", "on")
            elif kind in ("checkbox",):
                self.forms[-1].checkboxes.setdefault(a["name"], []).append(a.get("value", "on"))
                if "checked" in a:
                    self.forms[-1].fields.append((a["name"], a.get("value", "on")))
            elif kind == "submit":
                self.forms[-1].submits.append((a["name"], a.get("value", "")))
            elif kind != "file":
                self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self.forms[-1].submits.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._select_first is None:
                self._select_first = a.get("value", "")
            if "selected" in a:
                self.forms[-1].fields.append((self._select, a.get("value", "")))
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select and self.forms:
            if not self._select_chosen and self._select_first is not None:
                self.forms[-1].fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea and self.forms:
            self.forms[-1].fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None


class ScriptBroken(Exception):
    """The page did not offer what the simulated person was about to use."""


class Browser:
    def __init__(
        self,
        base_url: str,
        record,
        think: random.Random | None = None,  # type: ignore[no-untyped-def]
        think_seconds: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self.client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30.0)
        self.think, self.think_seconds = think, think_seconds
        self.record = record  # record(method, path, status, seconds) for every response
        self.url = "/"
        self.page = ""

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:  # type: ignore[no-untyped-def]
        """One click: the request and any redirects it leads to, timed as the person waits."""
        if self.think is not None:
            time.sleep(self.think.uniform(*self.think_seconds))
        started = time.perf_counter()
        response = self.client.request(method, url, **kwargs)
        self.record(method, url, response.status_code, time.perf_counter() - started)
        hops = 0
        while response.is_redirect and hops < 5:
            url = urljoin(str(response.url), response.headers["location"])
            started = time.perf_counter()
            response = self.client.get(url)
            self.record("GET", url, response.status_code, time.perf_counter() - started)
            hops += 1
        self.url = str(response.url.raw_path.decode())
        self.page = response.text
        return response

    def get(self, url: str) -> httpx.Response:
        return self.request("GET", url)

    def _parsed(self) -> _FormParser:
        parser = _FormParser()
        parser.feed(self.page)
        return parser

    def links(self, containing: str) -> list[str]:
        return [link for link in self._parsed().links if containing in link]

    def form(self, action_containing: str = "") -> Form:
        """The first form posting to an address containing ``action_containing``, or with none
        given, the first that posts back to this page."""
        here = self.url.split("?")[0]
        for form in self._parsed().forms:
            target = urljoin(self.url, form.action or self.url).split("#")[0].split("?")[0]
            if form.method == "post" and (action_containing in target if action_containing else target.endswith(here)):
                return form
        raise ScriptBroken(f"no form posting to {action_containing or 'itself'!r} on {self.url}")

    def submit(
        self, action_containing: str = "", overrides: dict[str, str | list[str]] | None = None
    ) -> httpx.Response:
        form = self.form(action_containing)
        target = urljoin(self.url, form.action or self.url).split("#")[0]
        return self.request("POST", target, data=form.data(overrides or {}))
