"""The rows that go through the Flask test client: access matrix, CSRF and headers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import MapAdapter, Rule
from werkzeug.test import TestResponse

from verify import world as worlds
from verify.access_matrix import ACCESS, PUBLIC, SIGNED_IN, Access

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
Figure = tuple[str, bool, list[str]]


@dataclass(frozen=True)
class Route:
    rule: Rule
    url: str
    access: Access

    @property
    def is_api(self) -> bool:
        return self.rule.endpoint.split(".")[0].endswith("_api")

    def allows(self, audience: str) -> bool:
        who = self.access.who
        if who == PUBLIC:
            return True
        if audience == "anonymous":
            return False
        return who == SIGNED_IN or any(role.value == audience for role in who)  # type: ignore[union-attr]


def _routes(world: worlds.World, problems: list[str]) -> list[Route]:
    routes = []
    for rule in sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule):
        access = ACCESS.get(rule.endpoint)
        if access is None:
            problems.append(f"{rule.rule} ({rule.endpoint}) is not in verify/access_matrix.py: say who may use it")
            continue
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        if methods - set(access.methods.split()):
            problems.append(
                f"{rule.rule} ({rule.endpoint}) takes {' '.join(sorted(methods))}, the matrix lists {access.methods}"
            )
            continue
        values = {}
        for name in rule.arguments:
            if name not in access.arguments:
                problems.append(f"{rule.rule} ({rule.endpoint}): the matrix gives no value for <{name}>")
                break
            given = access.arguments[name]
            values[name] = world.ids.get(given, given) if isinstance(given, str) else given
        else:
            routes.append(Route(rule, rule.build(values, append_unknown=False)[1], access))  # type: ignore[index]
    return routes


class Clients:
    """One signed-in browser per audience, signed in again after it signs itself out."""

    def __init__(self, world: worlds.World) -> None:
        self.world = world
        self._clients: dict[str, FlaskClient] = {}

    def __getitem__(self, audience: str) -> FlaskClient:
        if audience not in self._clients:
            self._clients[audience] = self.world.client(audience)
        return self._clients[audience]

    def forget(self, audience: str) -> None:
        self._clients.pop(audience, None)

    def token(self, audience: str) -> str:
        page = self[audience].get("/sign-in" if audience == "anonymous" else "/account/password")
        return worlds.csrf_token(page.get_data(as_text=True))


def _send(clients: Clients, route: Route, method: str, audience: str, url: str | None = None) -> TestResponse:
    url = url or route.url
    if route.is_api:
        client = clients.world.app.test_client()  # no cookie: the API knows only tokens
        headers = {} if audience == "anonymous" else {"Authorization": f"Bearer {clients.world.tokens[audience]}"}
        return client.open(url, method=method, headers=headers, json={} if method in STATE_CHANGING else None)
    data = {"csrf_token": clients.token(audience)} if method in STATE_CHANGING else None
    response = clients[audience].open(url, method=method, data=data)
    if route.rule.endpoint == "auth.sign_out":
        clients.forget(audience)
    return response


def _answer_class(route: Route, response: TestResponse) -> str:
    status = response.status_code
    if status >= 500:
        return f"{status}"
    if status in (401, 403, 405):
        return str(status)
    location = response.headers.get("Location", "")
    if status in (302, 303) and "/sign-in" in location and "next=" in location:
        return "sign-in"  # the guard's redirect; signing out also lands on /sign-in, without next
    return "allowed"


def _answering(route: Route, method: str, adapter: MapAdapter) -> Route | None:
    """The route that answers ``method`` at this route's address (another rule may share it)."""
    try:
        endpoint, _ = adapter.match(route.url, method)
    except MethodNotAllowed:
        return None
    return Route(route.rule, route.url, ACCESS[endpoint]) if endpoint != route.rule.endpoint else route


def _expected(route: Route | None, audience: str) -> str:
    if route is None:
        return "405"
    if route.allows(audience):
        return "allowed"
    if audience == "anonymous":
        return "401" if route.is_api else "sign-in"
    return "403"


def access_matrix() -> Figure:
    world = worlds.build()
    try:
        problems: list[str] = []
        routes = _routes(world, problems)
        clients = Clients(world)
        adapter = world.app.url_map.bind("localhost")
        checked = 0
        # Allowed audiences go last, so that what they change cannot hide a refusal for others.
        for route in routes:
            for method in METHODS:
                answering = _answering(route, method, adapter)
                for audience in sorted(worlds.AUDIENCES, key=lambda a: route.allows(a)):
                    expected = _expected(answering, audience)
                    got = _answer_class(route, _send(clients, route, method, audience))
                    checked += 1
                    if got != expected:
                        problems.append(f"{method} {route.url} as {audience}: expected {expected}, got {got}")
        routes_total = len(list(world.app.url_map.iter_rules()))
        figure = (
            f"{len(routes)}/{routes_total} routes × {len(METHODS)} methods × {len(worlds.AUDIENCES)} audiences "
            f"= {checked} answers: {len(problems)} unexpected"
        )
        return figure, bool(checked) and not problems, problems[:15]
    finally:
        world.close()


def _expired_token(world: worlds.World, client: FlaskClient) -> str:
    app = world.app
    limit = app.config.get("WTF_CSRF_TIME_LIMIT") or 3600

    class _Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - int(limit) - 60

    with client.session_transaction() as session:
        raw = session.get("csrf_token", "")
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.config["SECRET_KEY"]
    return str(URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=_Past).dumps(raw))


def _bad_tokens(world: worlds.World, audience: str) -> Iterator[tuple[str, FlaskClient, str | None]]:
    """(what, a browser signed in as ``audience``, the token it sends) for each kind of bad token."""
    client = world.client(audience)
    yield "no token", client, None
    yield (
        "another session's token",
        client,
        worlds.csrf_token(world.client(audience).get("/sign-in").get_data(as_text=True)),
    )
    client.get("/account/password" if audience != "anonymous" else "/sign-in")
    yield "an expired token", client, _expired_token(world, client)
    if audience != "anonymous":
        fresh = world.app.test_client()
        before = worlds.csrf_token(fresh.get("/sign-in").get_data(as_text=True))
        page = fresh.get("/sign-in").get_data(as_text=True)
        fresh.post(
            "/sign-in",
            data={"csrf_token": worlds.csrf_token(page), "email": world.emails[audience], "password": worlds.PASSWORD},
        )
        yield "a token from before signing in", fresh, before


def csrf() -> Figure:
    world = worlds.build()
    try:
        problems: list[str] = []
        routes = [r for r in _routes(world, []) if not r.is_api]
        sent = 0
        bad_tokens: dict[str, list[tuple[str, FlaskClient, str | None]]] = {}
        for route in routes:
            for method in sorted(STATE_CHANGING & set(route.access.methods.split())):
                audience = next((a for a in worlds.AUDIENCES if route.allows(a)), None)
                if audience is None:
                    continue
                if audience not in bad_tokens:  # a refused post leaves the browser as it was
                    bad_tokens[audience] = list(_bad_tokens(world, audience))
                for what, client, token in bad_tokens[audience]:
                    before = world.row_counts()
                    response = client.open(route.url, method=method, data={"csrf_token": token} if token else {})
                    sent += 1
                    if response.status_code != 400 or world.row_counts() != before:
                        problems.append(f"{method} {route.url} with {what}: accepted ({response.status_code})")
        # The API must not act on the session cookie: a signed-in browser without a token is refused.
        api = [r for r in _routes(world, []) if r.is_api]
        browser = world.client("designer")
        for route in api:
            for method in sorted(STATE_CHANGING & set(route.access.methods.split())):
                response = browser.open(route.url, method=method, json={})
                sent += 1
                if response.status_code != 401:
                    problems.append(
                        f"{method} {route.url} with the session cookie only: {response.status_code}, not 401"
                    )
        figure = f"{sent} requests with no, another session's, expired or pre-sign-in tokens: {len(problems)} accepted"
        return figure, bool(sent) and not problems, problems[:15]
    finally:
        world.close()


# What every answer must carry (as tests/integration/test_security_headers.py checks), and what
# answers to a signed-in person or a token must add.
CSP_DIRECTIVES = ("script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'")


def _header_violations(response: TestResponse, personal: bool) -> list[str]:
    found = []
    csp = response.headers.get("Content-Security-Policy", "")
    found += [f"CSP lacks {d}" for d in CSP_DIRECTIVES if d not in csp]
    if "unsafe-inline" in csp:
        found.append("CSP allows unsafe-inline")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    if not response.headers.get("Referrer-Policy"):
        found.append("no Referrer-Policy")
    if personal and response.headers.get("Cache-Control") != "no-store":
        found.append(f"Cache-Control is {response.headers.get('Cache-Control')!r}, not no-store")
    return found


def headers() -> Figure:
    world = worlds.build()
    try:
        problems: list[str] = []
        routes = [r for r in _routes(world, []) if "GET" in r.access.methods.split()]
        clients = Clients(world)
        checked = 0
        for audience in worlds.AUDIENCES:
            for route in routes + [
                Route(Rule("/no/such/page", endpoint="none"), "/no/such/page", Access("GET", PUBLIC))
            ]:
                response = _send(clients, route, "GET", audience)
                checked += 1
                personal = audience != "anonymous" and route.rule.endpoint != "static"
                for violation in _header_violations(response, personal):
                    problems.append(f"GET {route.url} as {audience}: {violation}")
        figure = f"{checked} answers (every GET route × {len(worlds.AUDIENCES)} audiences): {len(problems)} violations"
        return figure, bool(checked) and not problems, problems[:15]
    finally:
        world.close()
