"""Hostile inputs: the corpus of tests/hostile/ sent to every import, every API endpoint that takes
a body, and every form, with the database's row counts compared before and after each.

A body must be refused (4xx, with each problem located), never answered 5xx, never half-saved.
A form value may be legitimate text (HTML, emoji) and then be saved; but it is never a 5xx, and a
refusal saves nothing and names the field (the GOV.UK error summary links to it).
"""

from __future__ import annotations

import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote, quote_from_bytes

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.hostile import corpus
from verify import world as worlds
from verify.browser import _FormParser
from verify.client_rows import _routes

Figure = tuple[str, bool, list[str]]
ERROR_SUMMARY_LINK = re.compile(r'govuk-error-summary.*?href="#[^"]+"', re.S)
_TEXT_KINDS = {"text", "email", "password", "number", "search", "tel", "url", "date", ""}


@dataclass(frozen=True)
class Target:
    name: str
    takes: Callable[[str], bool]  # which bodies, by file name
    send: Callable[[bytes, str], TestResponse]
    is_api: bool


def _api(
    world: worlds.World, method: str, url: str, audience: str = "designer"
) -> Callable[[bytes, str], TestResponse]:
    def send(raw: bytes, _name: str) -> TestResponse:
        headers = {"Authorization": f"Bearer {world.tokens[audience]}", "Content-Type": "application/json"}
        return world.app.test_client().open(url, method=method, data=raw, headers=headers)

    return send


def _observation(world: worlds.World, url: str) -> Callable[[bytes, str], TestResponse]:
    """A mentor's new observation: a fresh idempotency key each time, and yesterday for the corpus's date."""
    yesterday = (date.today() - timedelta(days=1)).isoformat()

    def send(raw: bytes, _name: str) -> TestResponse:
        headers = {
            "Authorization": f"Bearer {world.tokens['mentor']}",
            "Content-Type": "application/json",
            "Idempotency-Key": f"hostile-{uuid.uuid4()}",
        }
        body = raw.replace(corpus.OBSERVED_ON.encode(), yesterday.encode())
        return world.app.test_client().open(url, method="POST", data=body, headers=headers)

    return send


def _upload(world: worlds.World, browser: FlaskClient, url: str) -> Callable[[bytes, str], TestResponse]:
    def send(raw: bytes, name: str) -> TestResponse:
        token = worlds.csrf_token(browser.get(url).get_data(as_text=True))
        return browser.post(
            url, data={"csrf_token": token, "document": (io.BytesIO(raw), name)}, content_type="multipart/form-data"
        )

    return send


def _targets(world: worlds.World, browser: FlaskClient) -> list[Target]:
    p, r, m = world.ids["programme_id"], world.ids["rubric_id"], world.ids["module_key"]
    c, e, d = world.ids["cohort_id"], world.ids["enrolment_id"], world.ids["draft_observation_id"]

    def programme(name: str) -> bool:
        return not name.startswith(("rubric-", "observation-"))

    def rubric(name: str) -> bool:
        return not name.startswith(("programme-", "observation-"))

    def observation(name: str) -> bool:
        return not name.startswith(("programme-", "rubric-"))

    def shapeless(name: str) -> bool:
        return name.startswith(("raw-", "deep-")) or "duplicate" in name or "utf" in name

    return [
        Target("programme import", programme, _upload(world, browser, "/curriculum/programmes/import"), False),
        Target("rubric import", rubric, _upload(world, browser, "/competencies/rubrics/import"), False),
        Target("POST /api/v1/programmes", programme, _api(world, "POST", "/api/v1/programmes"), True),
        Target("POST /api/v1/rubrics", rubric, _api(world, "POST", "/api/v1/rubrics"), True),
        Target("POST /api/v1/rubrics/ID/try", rubric, _api(world, "POST", f"/api/v1/rubrics/{r}/try"), True),
        Target("POST …/draft/modules", shapeless, _api(world, "POST", f"/api/v1/programmes/{p}/draft/modules"), True),
        Target(
            "PATCH …/draft/modules/KEY",
            shapeless,
            _api(world, "PATCH", f"/api/v1/programmes/{p}/draft/modules/{m}"),
            True,
        ),
        Target("POST …/publish", shapeless, _api(world, "POST", f"/api/v1/programmes/{p}/publish"), True),
        Target(
            "POST /api/v1/enrolments/ID/observations",
            observation,
            _observation(world, f"/api/v1/enrolments/{e}/observations"),
            True,
        ),
        Target(
            "PATCH /api/v1/observations/ID",
            shapeless,
            _api(world, "PATCH", f"/api/v1/observations/{d}", "mentor"),
            True,
        ),
        Target(
            "POST …/observations/ID/submit",
            shapeless,
            _api(world, "POST", f"/api/v1/observations/{d}/submit", "mentor"),
            True,
        ),
        Target("POST /api/v1/cohorts", shapeless, _api(world, "POST", "/api/v1/cohorts"), True),
        Target(
            "POST /api/v1/cohorts/ID/enrolments",
            shapeless,
            _api(world, "POST", f"/api/v1/cohorts/{c}/enrolments"),
            True,
        ),
        Target("PATCH /api/v1/enrolments/ID", shapeless, _api(world, "PATCH", f"/api/v1/enrolments/{e}"), True),
    ]


def _located(response: TestResponse, is_api: bool) -> bool:
    if is_api:
        try:
            errors = json.loads(response.get_data())["errors"]
        except (ValueError, KeyError, TypeError):
            return False
        return bool(errors) and all(isinstance(e, dict) and "path" in e and e.get("message") for e in errors)
    return bool(ERROR_SUMMARY_LINK.search(response.get_data(as_text=True)))


def _refused(response: TestResponse) -> bool:
    page = response.get_data(as_text=True)
    return 400 <= response.status_code < 500 or (response.status_code == 200 and "govuk-error-summary" in page)


def _check(
    world: worlds.World,
    what: str,
    send: Callable[[], TestResponse],
    must_refuse: bool,
    is_api: bool,
    problems: list[str],
) -> str:
    before = world.row_counts()
    response = send()
    changed = world.row_counts() != before
    if response.status_code >= 500:
        problems.append(f"{what}: {response.status_code}")
        return "5xx"
    if _refused(response):
        if changed:
            problems.append(f"{what}: refused ({response.status_code}) but rows changed")
            return "partial"
        if not _located(response, is_api):
            problems.append(f"{what}: refused ({response.status_code}) without naming where")
            return "unlocated"
        return "refused"
    if must_refuse:
        problems.append(f"{what}: accepted ({response.status_code}{', saved' if changed else ''})")
        return "wrongly accepted"
    return "accepted"


def _form_body(fields: list[tuple[str, str]], value: bytes) -> bytes:
    parts = []
    for name, default in fields:
        raw = default.encode() if name == "csrf_token" else value
        parts.append(f"{quote(name)}={quote_from_bytes(raw)}")
    return "&".join(parts).encode()


def _form_fields(page: str, url: str) -> list[tuple[str, str]] | None:
    parser = _FormParser()
    parser.feed(page)
    for form in parser.forms:
        if form.method == "post" and (not form.action or form.action.split("#")[0].split("?")[0] == url):
            return [(n, v) for n, vs in form.data({}).items() for v in vs]
    return None


def hostile() -> Figure:
    world = worlds.build(MAX_CONTENT_LENGTH=10 * 1024 * 1024)
    try:
        problems: list[str] = []
        outcomes: dict[str, int] = {}
        bodies, values = corpus.load()
        browser = world.client("designer")
        for target in _targets(world, browser):
            for name, raw in bodies:
                if target.takes(name):
                    got = _check(
                        world,
                        f"{target.name} ← {name}",
                        lambda: target.send(raw, name),
                        corpus.must_be_refused(name),
                        target.is_api,
                        problems,
                    )
                    outcomes[got] = outcomes.get(got, 0) + 1
        forms = [r for r in _routes(world, []) if not r.is_api and {"GET", "POST"} <= set(r.access.methods.split())]
        for route in forms:
            audience = next((a for a in worlds.AUDIENCES if route.allows(a)), "anonymous")
            client = world.app.test_client() if audience == "anonymous" else world.client(audience)
            previous = "nothing"
            for name, raw in values:
                page = client.get(route.url)
                fields = _form_fields(page.get_data(as_text=True), route.url)
                if fields is None and page.status_code == 404 and route.rule.endpoint.startswith(("links.", "dfe.")):
                    # A made-up emailed link, or a DfE record the verify world has not synced: no form, by design
                    # (the link pages' tests and tests/integration/dfe try bad values on the real ones).
                    break
                if fields is None:
                    problems.append(
                        f"form {route.url}: after ← {previous}, the page answers {page.status_code} "
                        "with no form posting to itself"
                    )
                    break
                if all(field == "csrf_token" for field, _ in fields):
                    break  # a confirmation (publish, import, deactivate): no field to put a value in

                def send(raw: str = raw, fields: list = fields) -> object:  # type: ignore[type-arg]
                    return client.post(
                        route.url,
                        data=_form_body(fields, raw),
                        content_type="application/x-www-form-urlencoded",
                    )

                got = _check(world, f"form {route.url} ← {name}", send, False, False, problems)
                outcomes[got] = outcomes.get(got, 0) + 1
                previous = name
        sent = sum(outcomes.values())
        summary = ", ".join(f"{count} {kind}" for kind, count in sorted(outcomes.items()))
        failures = len(problems)
        figure = (
            f"{len(bodies)} bodies and {len(values)} form values, {sent} requests to "
            f"{len(_targets(world, browser))} imports/API endpoints and {len(forms)} forms: {summary}; "
            f"{failures} failures"
        )
        by_target: dict[str, int] = {}
        for problem in problems:
            where = problem.split(" ←")[0]
            by_target[where] = by_target.get(where, 0) + 1
        notes = (
            ["failures by target: " + ", ".join(f"{k} {v}" for k, v in sorted(by_target.items()))] if problems else []
        )
        notes += problems[:20] + ([f"… {len(problems) - 20} more"] if len(problems) > 20 else [])
        return figure, sent > 0 and not problems, notes
    finally:
        world.close()
