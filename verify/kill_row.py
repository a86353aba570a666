"""Observations lost after kill -9: a real gunicorn, a burst of submissions, the server killed mid-burst.

Several client threads submit observations through the API, each with its own idempotency key.
When part of the burst has been acknowledged, the whole process group (master and workers) is
killed with SIGKILL, as a crash or an out-of-memory kill would; then the server is started again
and the clients send every key they never got an answer for, as a careful script would. Last,
every acknowledged key is sent once more (it must answer the same record), and the keys are
compared with the database: an acknowledged key with no row is lost; a key with two rows, or a
replay answering another record, is duplicated. Bounded: a fixed number of keys, a timeout on
every request, a fixed number of retries.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx

from verify import load

CLIENTS = 6
KEYS_PER_CLIENT = 30
KILL_AFTER_ACKNOWLEDGED = 0.4  # of all keys: the server dies with the rest of the burst in flight
REQUEST_TIMEOUT_SECONDS = 10.0
RETRY_ROUNDS = 10
RETRY_PAUSE_SECONDS = 0.5

_SEED_SCRIPT = """
import json, sys
from datetime import date, timedelta
from core.app import create_app
from core.accounts import services as accounts
from core.accounts import api_tokens
from core.accounts.roles import Role
from assessments import services
from assessments.demo import published_programme
app = create_app()
with app.app_context():
    mentor = accounts.create_person("Kill Mentor", "mentor@kill.example", sys.argv[1], {Role.MENTOR})
    trainee = accounts.create_person("Kill Trainee", "trainee@kill.example", sys.argv[1], {Role.TRAINEE})
    today = date.today()
    version = published_programme(today - timedelta(days=30))
    cohort = services.create_cohort("Kill cohort", version.id)
    enrolment = services.enrol(cohort.id, services.EnrolmentInput(trainee.id, (mentor.id,), "Kill School"), today)
    print(json.dumps({"token": api_tokens.issue_token(mentor, "kill -9"), "enrolment_id": enrolment.id}))
"""
EVIDENCE = {
    "judgements": [
        {"criterion": c, "level": 3}
        for c in (
            "statutory-timelines",
            "facts-and-law",
            "child-voice",
            "evidence-of-progress",
            "chairing",
            "agreed-actions",
        )
    ]
}


@dataclass
class KillResult:
    database: str
    sent: int = 0
    acknowledged: dict[str, int] = field(default_factory=dict)  # key → observation id answered
    unanswered: set[str] = field(default_factory=set)
    server_errors: int = 0
    acknowledged_at_kill: int = 0
    restart_seconds: float = 0.0
    retried: int = 0
    saved_unanswered: int = 0  # retried keys the server had saved before it died
    gave_up: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    not_submitted: list[str] = field(default_factory=list)
    rows: int = 0
    lock = threading.Lock()


class _Server:
    """gunicorn as ``make serve`` runs it, in its own process group so that one signal reaches every worker."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log = env, log
        self.port = load._free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                str(load.BIN / "gunicorn"),
                "-c",
                str(load.REPO_ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "wsgi:app",
            ],
            cwd=load.REPO_ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(self.log, "a"),
            start_new_session=True,
        )
        load.wait_for_health(self.base)
        return time.perf_counter() - started

    def kill(self) -> None:
        """SIGKILL to the whole process group: no worker finishes its request, nothing is flushed."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def _world(database_url: str) -> Iterator[tuple[dict[str, str], dict[str, object], Path]]:
    """A migrated database with the built-in content, a mentor with a token and one trainee enrolled."""
    instance = tempfile.mkdtemp(prefix="verify-kill-")
    env = load.server_environment(database_url, instance)
    try:
        load._run([str(load.BIN / "flask"), "setup", "--no-demo"], env)
        seeded = subprocess.run(
            [sys.executable, "-c", _SEED_SCRIPT, load.PASSWORD],
            cwd=load.REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if seeded.returncode != 0:
            raise RuntimeError(f"seeding failed: {seeded.stderr.strip()[-600:]}")
        yield env, json.loads(seeded.stdout.strip().splitlines()[-1]), Path(instance)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def _body(n: int) -> dict[str, object]:
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    return {
        "scenario_key": "annual-review",
        "observed_on": yesterday,
        "setting": f"Setting {n % 3}",
        "present": ["Parents or carers"],
        "evidence": EVIDENCE,
        "submit": True,
    }


def _n(key: str) -> int:
    return int(key.split("-")[2])  # kill-<client>-<n>-<random>: a retry sends the body the first attempt sent


def _send(client: httpx.Client, url: str, key: str, n: int) -> tuple[int, dict[str, object]] | None:
    """The answer's status and JSON, or None when no answer came (refused connection, reset, timeout).

    The JSON gains ``replayed``: whether the server says the key had already made its record."""
    try:
        response = client.post(url, json=_body(n), headers={"Idempotency-Key": key})
    except httpx.TransportError:
        return None
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, {**body, "replayed": response.headers.get("Idempotent-Replayed") == "true"}


def _burst(server: _Server, seeded: dict[str, object], result: KillResult) -> None:
    keys = [[f"kill-{c}-{i}-{secrets.token_hex(6)}" for i in range(KEYS_PER_CLIENT)] for c in range(CLIENTS)]
    total = CLIENTS * KEYS_PER_CLIENT
    url = f"{server.base}/api/v1/enrolments/{seeded['enrolment_id']}/observations"
    headers = {"Authorization": f"Bearer {seeded['token']}"}
    killed = threading.Event()

    def client_thread(mine: list[str]) -> None:
        with httpx.Client(headers=headers, timeout=REQUEST_TIMEOUT_SECONDS) as client:
            for n, key in enumerate(mine):
                answer = _send(client, url, key, n)
                with result.lock:
                    result.sent += 1
                    if answer is not None and answer[0] == 201:
                        result.acknowledged[key] = int(answer[1]["id"])  # type: ignore[call-overload]
                    else:
                        result.unanswered.add(key)
                        result.server_errors += answer is not None and answer[0] >= 500
                    if not killed.is_set() and len(result.acknowledged) >= total * KILL_AFTER_ACKNOWLEDGED:
                        killed.set()
                        result.acknowledged_at_kill = len(result.acknowledged)
                        server.kill()

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(client_thread, keys))
    if not killed.is_set():
        raise RuntimeError("the burst finished before the server was killed")


def _retry(server: _Server, seeded: dict[str, object], result: KillResult) -> None:
    """After the restart: every unanswered key until it is acknowledged; then every acknowledged key once more."""
    url = f"{server.base}/api/v1/enrolments/{seeded['enrolment_id']}/observations"
    with httpx.Client(
        headers={"Authorization": f"Bearer {seeded['token']}"}, timeout=REQUEST_TIMEOUT_SECONDS
    ) as client:
        waiting = sorted(result.unanswered - set(result.acknowledged))
        for _ in range(RETRY_ROUNDS):
            still = []
            for key in waiting:
                result.retried += 1
                answer = _send(client, url, key, _n(key))
                if answer is not None and answer[0] == 201:
                    result.acknowledged[key] = int(answer[1]["id"])  # type: ignore[call-overload]
                    # saved before the kill, its answer lost with the server: the key kept it single
                    result.saved_unanswered += bool(answer[1]["replayed"])
                else:
                    still.append(key)
            waiting = still
            if not waiting:
                break
            time.sleep(RETRY_PAUSE_SECONDS)
        result.gave_up = waiting
        for key, first in sorted(result.acknowledged.items()):
            answer = _send(client, url, key, _n(key))
            if answer is None or answer[0] != 201 or answer[1].get("id") != first:
                result.duplicated.append(
                    f"{key}: first answered {first}, again {answer[1].get('id') if answer else 'no answer'}"
                )


def _compare(database_url: str, result: KillResult) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT id, idempotency_key, status FROM observation")).all()
    finally:
        engine.dispose()
    by_key: dict[str, list[tuple[int, str]]] = {}
    for row_id, key, status in rows:
        by_key.setdefault(key, []).append((row_id, status))
    result.rows = len(rows)
    for key, answered in result.acknowledged.items():
        found = by_key.get(key, [])
        if not found:
            result.lost.append(f"{key} (answered as {answered})")
        elif len(found) > 1:
            result.duplicated.append(f"{key}: {len(found)} rows")
        elif found[0][0] != answered:
            result.duplicated.append(f"{key}: answered {answered}, stored as {found[0][0]}")
        elif found[0][1] != "submitted":
            result.not_submitted.append(key)


def run(database: str, database_url: str) -> KillResult:
    result = KillResult(database)
    with _world(database_url) as (env, seeded, instance):
        server = _Server(env, instance / "gunicorn.log")
        try:
            server.start()
            _burst(server, seeded, result)
            result.restart_seconds = server.start()
            _retry(server, seeded, result)
        finally:
            server.stop()
        _compare(database_url, result)
    return result


def describe(result: KillResult) -> tuple[str, bool]:
    ok = (
        result.acknowledged_at_kill > 0
        and not result.lost
        and not result.duplicated
        and not result.gave_up
        and not result.not_submitted
        and len(result.acknowledged) == CLIENTS * KEYS_PER_CLIENT
    )
    figure = (
        f"{result.database}: {len(result.lost)} lost, {len(result.duplicated)} duplicated of "
        f"{len(result.acknowledged)} acknowledged keys ({result.acknowledged_at_kill} before kill -9, "
        f"{len(result.unanswered)} unanswered and retried, of which {result.saved_unanswered} had been saved; "
        f"{result.rows} rows)"
    )
    return figure, ok


def details(result: KillResult) -> list[str]:
    notes = [
        f"{result.database}: {CLIENTS} clients × {KEYS_PER_CLIENT} keys, {result.sent} requests in the burst, "
        f"{result.retried} retries, restart in {result.restart_seconds:.1f} s, {result.server_errors} × ≥500 in the burst"
    ]
    notes += [f"lost: {k}" for k in result.lost[:5]] + [f"duplicated: {k}" for k in result.duplicated[:5]]
    notes += [f"never acknowledged: {k}" for k in result.gave_up[:5]] + [
        f"not submitted: {k}" for k in result.not_submitted[:5]
    ]
    return notes
