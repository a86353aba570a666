"""Errors under load: 50 simulated people at once on a real gunicorn, over real HTTP, on 127.0.0.1.

Each person signs in, browses, and does their job: designers create a programme, save its
details and add catalogue modules (drafts), then try a scenario's rubric; mentors and trainees
browse their pages. The run is bounded: a fixed script per person, every request with a timeout.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from verify.browser import Browser, ScriptBroken

REPO_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PEOPLE = 50
DESIGNERS = 40  # the rest are mentors and trainees
ARRIVAL_SECONDS = 10.0  # people arrive evenly over this long, then all work at once
THINK_SECONDS = (0.5, 1.5)  # a person reads a page before the next click: uniform, seeded per person
PASSWORD = "quartz lantern over seven meadows"  # the password rule: not holding "Load Person"
P95_TARGET_SECONDS = 2.0
# The server as `make serve` runs it (gunicorn.conf.py); the figure is printed with these.
WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
THREADS = int(os.environ.get("GUNICORN_THREADS", "4"))

_PEOPLE_SCRIPT = """
import sys
from core.app import create_app
from core.accounts import services
from core.accounts.roles import Role
app = create_app()
with app.app_context():
    for i in range(int(sys.argv[1])):
        roles = {Role.DESIGNER} if i < int(sys.argv[2]) else {Role.MENTOR if i % 2 else Role.TRAINEE}
        services.create_person(f"Load Person {i}", f"person{i}@load.example", sys.argv[3], roles)
"""


@dataclass
class LoadResult:
    database: str
    statuses: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    lock_waits_ms: list[float] = field(default_factory=list)  # SQLite write-lock waits over 100 ms
    worker_timeouts: int = 0
    lock = threading.Lock()

    def read_server_log(self, text: str) -> None:
        self.lock_waits_ms = [float(m) for m in re.findall(r"waited (\d+) ms for the SQLite write lock", text)]
        self.worker_timeouts = text.count("WORKER TIMEOUT")

    def record(self, method: str, url: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses.append(status)
            self.seconds.append(seconds)
            kind = f"{method} " + re.sub(
                r"/\d+|/[a-z0-9]+-[a-z0-9-]+|\?.*", "/…", url.split("//", 1)[-1].partition("/")[2]
            )
            self.by_kind.setdefault(kind, []).append(seconds)
            if status >= 500:
                self.server_errors.append(f"{status} {method} {url}")

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, int(len(ordered) * 0.95) - 1)] if ordered else float("inf")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed: {done.stderr.strip()[-600:]}")


def server_environment(database_url: str, instance: str, **settings: str) -> dict[str, str]:
    """The environment the rows give `flask` and gunicorn: as `make serve` would, on this database
    and instance folder, over plain http on 127.0.0.1; ``settings`` add to it or replace."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": instance,
        "SECRET_KEY": secrets.token_hex(16),
        "FLASK_APP": "wsgi",
        "SESSION_COOKIE_SECURE": "0",  # plain http on 127.0.0.1: a Secure cookie would never come back
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_THREADS": str(THREADS),
        **settings,
    }


def wait_for_health(base: str) -> None:
    """Until the server at ``base`` answers /health (60 s at most)."""
    for _ in range(120):
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /health within 60 s")


@contextmanager
def _server(database_url: str, result: LoadResult) -> Iterator[str]:
    """A migrated database with content and 50 people, served by gunicorn; stopped afterwards."""
    instance = tempfile.mkdtemp(prefix="verify-load-")
    env = server_environment(database_url, instance)
    port = _free_port()
    process = None
    try:
        _run([str(BIN / "flask"), "setup", "--no-demo"], env)
        _run([sys.executable, "-c", _PEOPLE_SCRIPT, str(PEOPLE), str(DESIGNERS), PASSWORD], env)
        process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                str(REPO_ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(instance) / "gunicorn.log", "w"),
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for_health(base)
        yield base
    finally:
        if process is not None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        server_log = Path(instance) / "gunicorn.log"
        if server_log.exists():
            result.read_server_log(server_log.read_text(errors="replace"))
        shutil.rmtree(instance, ignore_errors=True)


def _sign_in(browser: Browser, email: str) -> None:
    browser.get("/sign-in")
    browser.submit("", {"email": email, "password": PASSWORD})
    if "/sign-in" in browser.url:
        raise ScriptBroken(f"{email} could not sign in")


def _designer(browser: Browser, n: int) -> None:
    _sign_in(browser, f"person{n}@load.example")
    browser.get("/curriculum/")
    browser.get("/curriculum/catalogue")
    for link in browser.links("/curriculum/catalogue/")[:2]:
        browser.get(link)
    browser.get("/curriculum/programmes/new")
    browser.submit(
        "",
        {
            "name": f"Load programme {n}",
            "provider": "Load Hub",
            "cohort_start": ["7", "9", "2026"],
            "length_weeks": "78",
        },
    )
    programme = browser.url.rstrip("/")
    if "/curriculum/programmes/" not in programme:
        raise ScriptBroken(f"person{n} could not create a programme (at {programme})")
    for round_ in range(2):  # save the draft's details twice, as a person correcting a typo
        browser.get(f"{programme}/details")
        browser.submit("", {"name": f"Load programme {n}.{round_}"})
    for i in range(3):
        browser.get(f"{programme}/add-modules")
        offered = browser.form("/modules").checkboxes.get("catalogue_key", [])
        if not offered:
            raise ScriptBroken(f"person{n}: the add-modules page offers no module")
        browser.submit("/modules", {"catalogue_key": offered[:2]})  # several at once, as the page allows
        if i == 0:
            browser.get(programme)
    browser.get("/competencies/")
    scenarios = browser.links("/competencies/scenarios/")
    if not scenarios:
        raise ScriptBroken("no scenario to try a rubric on")
    browser.get(scenarios[n % len(scenarios)])
    for _ in range(2):
        browser.submit("")
    browser.get("/competencies/rubrics")
    browser.submit("/sign-out")


def _other(browser: Browser, n: int) -> None:
    _sign_in(browser, f"person{n}@load.example")
    for _ in range(3):
        browser.get("/")
        browser.get("/assessments/observations" if n % 2 else "/assessments/my-training")
    browser.get("/account/password")
    browser.submit("/sign-out")


def _person(base: str, result: LoadResult, n: int) -> None:
    time.sleep(ARRIVAL_SECONDS * n / PEOPLE)
    browser = Browser(base, result.record, think=random.Random(n), think_seconds=THINK_SECONDS)
    try:
        (_designer if n < DESIGNERS else _other)(browser, n)
    except (ScriptBroken, httpx.HTTPError) as error:
        with result.lock:
            result.broken.append(f"person{n}: {type(error).__name__}: {error}")
    finally:
        browser.close()


def run(database: str, database_url: str) -> LoadResult:
    result = LoadResult(database)
    with _server(database_url, result) as base:
        with ThreadPoolExecutor(max_workers=PEOPLE) as pool:
            list(pool.map(lambda n: _person(base, result, n), range(PEOPLE)))
    return result


@contextmanager
def postgresql_schema(base_url: str) -> Iterator[str]:
    """A schema of this run's own on TEST_DATABASE_URL's server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base_url.replace("postgresql://", "postgresql+psycopg://", 1))
    schema = f"verify_load_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def describe(result: LoadResult) -> tuple[str, bool]:
    """The figure as printed, and whether it meets the target."""
    errors = sum(1 for s in result.statuses if s >= 500)
    client_errors = sum(1 for s in result.statuses if 400 <= s < 500)
    sent = len(result.statuses)
    ok = sent > 0 and errors == 0 and result.p95 < P95_TARGET_SECONDS and not result.broken
    figure = (
        f"{sent} requests by {PEOPLE} people arriving over {ARRIVAL_SECONDS:.0f} s, "
        f"{THINK_SECONDS[0]:g}–{THINK_SECONDS[1]:g} s between clicks, "
        f"gunicorn {WORKERS} workers × {THREADS} threads: {errors} × ≥500, "
        f"p95 {result.p95:.2f} s, {client_errors} × 4xx, {len(result.broken)} scripts broken"
    )
    return figure, ok


def details(result: LoadResult) -> list[str]:
    medians = sorted(((sorted(v)[len(v) // 2], k) for k, v in result.by_kind.items()), reverse=True)[:4]
    slowest = "slowest medians: " + ", ".join(f"{k} {m:.2f} s" for m, k in medians)
    waits = result.lock_waits_ms
    lock_waits = (
        (
            f"SQLite write-lock waits over 100 ms: {len(waits)}"
            + (f", longest {max(waits):.0f} ms" if waits else "")
            + "; "
        )
        if result.database == "SQLite"
        else ""
    )
    contention = (
        lock_waits
        + f"gunicorn worker timeouts: {result.worker_timeouts}; "
        + f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    return [slowest, contention] + sorted(set(result.server_errors))[:10] + result.broken[:10]


Row = Callable[[], tuple[str, bool, list[str]]]
