"""Rows about getting back in, against a real gunicorn over HTTP: whether asking for a password
reset (or signing in) tells a known email from an unknown one, and whether reset links work once
and expire.

The server runs as ``make serve`` would (the local job runner sends the links behind the
requests), behind one trusted proxy hop so each request can come from an address of its own
(X-Forwarded-For): the per-address limits then never turn the measured path into the throttled
one. Links are read from the ``message`` table, as the outbox would show them.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.engine import Engine

from verify import load

Figure = tuple[str, bool, list[str]]
PAIRS = 32  # reset requests: known and unknown, alternating
SIGN_IN_PAIRS = 12  # wrong-password sign-ins (each one Argon2 verification)
PAUSE_SECONDS = 0.1  # between requests, so the job behind one has finished before the next is timed
BOOTSTRAP_ROUNDS = 2_000
NOISE_SIGMAS = 3.0
RESOLUTION_MS = 0.5  # a median difference smaller than this is below one request's jitter on loopback
LINK_WAIT_SECONDS = 20.0
PASSWORD = "quartz lantern over seven meadows"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

# One process migrates the database and adds the people (each start of the app costs seconds).
_SETUP_SCRIPT = """
import sys
from flask_migrate import upgrade
from core.app import create_app
from core.accounts.models import NO_PASSWORD, User
from core.accounts.passwords import hash_password
from core.accounts.roles import Role
from core.extensions import db
app = create_app()
with app.app_context():
    upgrade()
    password_hash = hash_password(sys.argv[2])
    for i in range(int(sys.argv[1])):
        person = User(name=f"Known Person {i}", email=f"known{i:03d}@verify.example", password_hash=password_hash)
        person.set_roles({Role.MENTOR})
        db.session.add(person)
    invited = User(name="Invited Person", email="invited@verify.example", password_hash=NO_PASSWORD)
    invited.set_roles({Role.TRAINEE})
    db.session.add(invited)
    db.session.commit()
"""


@dataclass
class Server:
    base: str
    engine: Engine
    address_counter: int = 0

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30, follow_redirects=False)

    def next_address(self) -> dict[str, str]:
        """A client address of its own for each request (the app trusts one proxy hop here)."""
        self.address_counter += 1
        n = self.address_counter
        return {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


@contextmanager
def _server(people: int) -> Iterator[Server]:
    folder = tempfile.mkdtemp(prefix="verify-reset-")
    url = f"sqlite:///{folder}/reset.sqlite3"
    # The local runner, even where REDIS_URL is set: the row then needs no worker of its own.
    env = load.server_environment(url, folder, TRUSTED_PROXY_HOPS="1", JOBS_RUNNER="local")
    port = load._free_port()
    process = None
    engine = create_engine(url)
    try:
        load._run([sys.executable, "-c", _SETUP_SCRIPT, str(people), PASSWORD], env)
        process = subprocess.Popen(
            [str(load.BIN / "gunicorn"), "-c", str(load.REPO_ROOT / "gunicorn.conf.py")]
            + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=load.REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(folder) / "gunicorn.log", "w"),
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        load.wait_for_health(base)
        yield Server(base, engine)
    finally:
        engine.dispose()
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _token(client: httpx.Client, path: str) -> str:
    match = CSRF_INPUT.search(client.get(path).text)
    if not match:
        raise RuntimeError(f"{path} has no CSRF token")
    return match.group(1)


def _wording(response: httpx.Response, client: httpx.Client) -> str:
    """What the person reads: the status, where it sends them, and that page without its CSRF token."""
    location = response.headers.get("Location", "")
    page = client.get(location).text if location else response.text
    return f"{response.status_code} {location}\n" + CSRF_INPUT.sub("", page)


def _timed_post(server: Server, client: httpx.Client, path: str, data: dict[str, str]) -> tuple[float, str]:
    headers = server.next_address()
    started = time.perf_counter()
    response = client.post(path, data=data, headers=headers)
    took = time.perf_counter() - started
    # A form shown again keeps what was typed in its field: that echo is the person's own text.
    return took, _wording(response, client).replace(data["email"], "EMAIL")


@dataclass(frozen=True)
class Comparison:
    what: str
    known_ms: float
    unknown_ms: float
    tolerance_ms: float
    pairs: int
    same_wording: bool

    @property
    def difference_ms(self) -> float:
        return self.known_ms - self.unknown_ms

    @property
    def ok(self) -> bool:
        return self.same_wording and abs(self.difference_ms) <= self.tolerance_ms

    def describe(self) -> str:
        return (
            f"{self.what}: median known {self.known_ms:.1f} ms, unknown {self.unknown_ms:.1f} ms, "
            f"difference {self.difference_ms:+.2f} ms (tolerance ±{self.tolerance_ms:.2f} ms), "
            f"wording {'identical' if self.same_wording else 'DIFFERENT'}, {self.pairs} pairs"
        )


def _compare(what: str, known: list[float], unknown: list[float], wordings: set[str]) -> Comparison:
    """The medians, and a tolerance from this run's own noise: ``NOISE_SIGMAS`` standard errors of
    the difference of medians, estimated by resampling the two sets (a bootstrap)."""
    rng = random.Random(22)
    differences = [
        statistics.median(rng.choices(known, k=len(known))) - statistics.median(rng.choices(unknown, k=len(unknown)))
        for _ in range(BOOTSTRAP_ROUNDS)
    ]
    noise_ms = statistics.stdev(differences) * 1000
    return Comparison(
        what,
        statistics.median(known) * 1000,
        statistics.median(unknown) * 1000,
        max(NOISE_SIGMAS * noise_ms, RESOLUTION_MS),
        len(known),
        len(wordings) == 1,
    )


def _reset_requests(server: Server) -> Comparison:
    client = server.client()
    token = _token(client, "/account/forgot-password")
    known, unknown, wordings = [], [], set()
    for i in range(PAIRS):  # alternating (and which goes first alternates), so a busy moment costs both alike
        order = [("known", f"known{i:03d}@verify.example"), ("unknown", f"other{i:03d}@verify.example")]
        for label, email in order if i % 2 else order[::-1]:
            took, wording = _timed_post(
                server, client, "/account/forgot-password", {"csrf_token": token, "email": email}
            )
            (known if label == "known" else unknown).append(took)
            wordings.add(wording)
            time.sleep(PAUSE_SECONDS)
    return _compare("reset request", known, unknown, wordings)


def _sign_ins(server: Server) -> Comparison:
    """A wrong password for an invited person (no password yet) and for an unknown address."""
    client = server.client()
    token = _token(client, "/sign-in")
    known, unknown, wordings = [], [], set()
    for i in range(SIGN_IN_PAIRS):
        order = [("known", "invited@verify.example"), ("unknown", "invitee@verify.example")]
        for label, email in order if i % 2 else order[::-1]:
            took, wording = _timed_post(
                server, client, "/sign-in", {"csrf_token": token, "email": email, "password": "not the password"}
            )
            (known if label == "known" else unknown).append(took)
            wordings.add(wording)
    return _compare("sign-in of an invited person", known, unknown, wordings)


def _links_sent(server: Server) -> int:
    with server.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM message WHERE kind = 'password_reset'")).scalar_one())


def account_discovery() -> Figure:
    with _server(PAIRS) as server:
        compared = [_reset_requests(server), _sign_ins(server)]
        deadline = time.monotonic() + LINK_WAIT_SECONDS
        while _links_sent(server) < PAIRS and time.monotonic() < deadline:
            time.sleep(0.2)
        sent = _links_sent(server)
    ok = all(c.ok for c in compared) and sent == PAIRS
    figure = "; ".join(c.describe() for c in compared)
    notes = [
        f"links written by the job behind the requests: {sent} for {PAIRS} known addresses, 0 expected for unknown ones",
        f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    ]
    return figure, ok, notes


# ---- reset links: single-use and expiring ----------------------------------------------------

LINK = re.compile(r"https?://[^/\s]+(/account/reset/[\w-]+)")


def _ask_for_link(server: Server, email: str) -> str:
    """Ask for a link as a person would, then wait for the job to write the email; its path."""
    client = server.client()
    before = _links_sent(server)
    client.post(
        "/account/forgot-password",
        data={"csrf_token": _token(client, "/account/forgot-password"), "email": email},
        headers=server.next_address(),
    )
    deadline = time.monotonic() + LINK_WAIT_SECONDS
    while _links_sent(server) <= before:
        if time.monotonic() > deadline:
            raise RuntimeError("no reset email was written within 20 s")
        time.sleep(0.1)
    with server.engine.connect() as connection:
        body = connection.execute(
            text("SELECT body FROM message WHERE kind = 'password_reset' ORDER BY id DESC LIMIT 1")
        ).scalar_one()
    match = LINK.search(body)
    if not match:
        raise RuntimeError("the reset email holds no link")
    return match.group(1)


def _choose(server: Server, path: str, password: str) -> httpx.Response:
    client = server.client()
    page = client.get(path)
    if page.status_code != 200:
        return page
    return client.post(
        path,
        data={"csrf_token": _token(client, path), "new_password": password, "confirm_password": password},
        headers=server.next_address(),
    )


def _signs_in(server: Server, email: str, password: str) -> bool:
    client = server.client()
    answer = client.post(
        "/sign-in",
        data={"csrf_token": _token(client, "/sign-in"), "email": email, "password": password},
        headers=server.next_address(),
    )
    return answer.status_code == 302


def _age_links(server: Server, by: timedelta) -> None:
    """Move the unused reset links' clock back: as if they had been sent ``by`` earlier."""
    from core.accounts.links import AccountLink

    with server.engine.begin() as connection:
        rows = connection.execute(
            select(AccountLink.id, AccountLink.created_at, AccountLink.expires_at).where(
                AccountLink.purpose == "password_reset", AccountLink.used_at.is_(None)
            )
        ).all()
        for row in rows:
            connection.execute(
                update(AccountLink)
                .where(AccountLink.id == row.id)
                .values(created_at=row.created_at - by, expires_at=row.expires_at - by)
            )


def reset_links() -> Figure:
    checks: list[tuple[str, bool]] = []
    with _server(3) as server:
        first = _ask_for_link(server, "known000@verify.example")
        checks.append(("a fresh link opens (200)", server.client().get(first).status_code == 200))
        used = _choose(server, first, "new meadow lantern quartz")
        checks.append(("used once: the password is saved (302)", used.status_code == 302))
        again = _choose(server, first, "another meadow lantern")
        checks.append(
            (
                "used twice: refused (404, 'no longer works')",
                again.status_code == 404 and "no longer works" in again.text,
            )
        )
        checks.append(
            ("the first password signs in", _signs_in(server, "known000@verify.example", "new meadow lantern quartz"))
        )
        checks.append(
            ("the second was not saved", not _signs_in(server, "known000@verify.example", "another meadow lantern"))
        )

        nearly = _ask_for_link(server, "known001@verify.example")
        _age_links(server, timedelta(minutes=59))
        checks.append(("a link sent 59 minutes ago still opens (200)", server.client().get(nearly).status_code == 200))
        _age_links(server, timedelta(minutes=2))
        late = _choose(server, nearly, "late meadow lantern quartz")
        checks.append(("a link sent 61 minutes ago is refused (404)", late.status_code == 404))

        fresh = _ask_for_link(server, "known002@verify.example")
        tampered = [fresh[:-1] + ("A" if fresh[-1] != "A" else "B"), fresh + "x", "/account/reset/" + "a" * 2000]
        answers = [server.client().get(path).status_code for path in tampered]
        checks.append((f"tampered, lengthened and over-long links refused ({answers})", answers == [404, 404, 404]))
        checks.append(("the real link still opens after them (200)", server.client().get(fresh).status_code == 200))
        with server.engine.connect() as connection:
            lifetimes = connection.execute(
                text("SELECT created_at, expires_at FROM account_link WHERE purpose = 'password_reset'")
            ).all()
    hour = {_seconds(e) - _seconds(c) for c, e in lifetimes}
    checks.append((f"every reset link's lifetime is 1 hour ({sorted(hour)} s)", hour == {3600.0}))
    passed = sum(ok for _, ok in checks)
    figure = f"{passed} of {len(checks)} checks as expected on a real gunicorn (SQLite)"
    return figure, passed == len(checks), [f"{'ok  ' if ok else 'MISS'} {what}" for what, ok in checks]


def _seconds(value: object) -> float:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=value.tzinfo or UTC).timestamp()
