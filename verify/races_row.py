"""The review's races, over HTTP against a real gunicorn: six requests at once, each race once.

A co-mentor changes and submits another mentor's draft; one request is accepted and declined at
once; one exemplar is scored, one cohort drawn, one idempotency key posted six times at once; and a
stale moderation settings page that leaves its lock version out is saved six times over a newer
save. Each race is judged by its answers (any 5xx is a miss) and by the rows it left: a changed
draft, an answer that is both accepted and declined, two attempts or two samples, a lost hold on
results, or more than one first use of the key is a wrong row. On SQLite and PostgreSQL (a schema
of its own). Bounded: a fixed number of requests, a timeout on each.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from verify import kill_row, load

CONCURRENT = 6
REQUEST_TIMEOUT_SECONDS = 20.0
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCK_INPUT = re.compile(r'<input[^>]*name="lock_version"[^>]*value="([^"]*)"')
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
SETTINGS = {
    "minimum_kappa": "0.6",
    "min_pairs": "10",
    "sample_rate": "10",
    "raised_rate": "25",
    "adjudication_gap": "1",
    "new_mentor_rate": "50",
    "new_mentor_first": "0",
    "interim_share": "50",
}

_SEED_SCRIPT = """
import json, sys
from datetime import date, timedelta
from core.app import create_app
from core.accounts import services as accounts
from core.accounts import api_tokens
from core.accounts.roles import Role
from assessments import services
from assessments.demo import published_programme
from assessments.services import calibration, requests
app = create_app()
evidence = json.loads(sys.argv[2])
with app.app_context():
    def person(name, email, role):
        return accounts.create_person(name, email, sys.argv[1], {role})
    mentor = person("Race Mentor", "mentor@races.example", Role.MENTOR)
    co_mentor = person("Race Co-mentor", "co-mentor@races.example", Role.MENTOR)
    trainee = person("Race Trainee", "trainee@races.example", Role.TRAINEE)
    moderator = person("Race Moderator", "moderator@races.example", Role.MODERATOR)
    designer = person("Race Designer", "designer@races.example", Role.DESIGNER)
    today = date.today()
    cohort = services.create_cohort("Race cohort", published_programme(today - timedelta(days=30)).id)
    enrolment = services.enrol(
        cohort.id, services.EnrolmentInput(trainee.id, (mentor.id, co_mentor.id), "Race School"), today
    )
    def observe(key, submit):
        given = services.ObservationInput(
            "annual-review", today - timedelta(days=1), "Meeting room", ("Parents or carers",), evidence, key, submit
        )
        return services.record_observation(enrolment.id, mentor.id, given, today)
    submitted = [observe(f"races-submitted-{i}", True).id for i in range(3)]
    draft = observe("races-draft", False)
    asked = requests.ask(enrolment.id, trainee.id, mentor.id, "annual-review", "Please observe me")
    exemplar = calibration.publish(designer.id, "annual-review", "Race exemplar", "An account of practice.", evidence)
    print(json.dumps({
        "mentor_token": api_tokens.issue_token(mentor, "races"),
        "co_mentor_token": api_tokens.issue_token(co_mentor, "races"),
        "enrolment_id": enrolment.id, "cohort_id": cohort.id, "submitted": submitted,
        "draft_id": draft.id, "draft_lock": draft.lock_version, "mentor_id": mentor.id,
        "request_id": asked.id, "exemplar_id": exemplar.id,
    }))
"""


@dataclass
class Race:
    name: str
    answers: list[int] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # what the rows (or the winners) got wrong

    @property
    def server_errors(self) -> int:
        return sum(1 for status in self.answers if status >= 500 or status == 0)


@dataclass
class RacesResult:
    database: str
    races: list[Race] = field(default_factory=list)


def _evidence(level: int) -> dict[str, Any]:
    return {"judgements": [{"criterion": c, "level": level} for c in CRITERIA], "faults": []}


def _at_once(work: Callable[[int], int]) -> list[int]:
    """``work(i)`` in CONCURRENT threads released together: each answer's status (0: no answer)."""
    start = threading.Barrier(CONCURRENT)
    found = [0] * CONCURRENT

    def run(i: int) -> None:
        start.wait()
        try:
            found[i] = work(i)
        except httpx.TransportError:
            found[i] = 0

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CONCURRENT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return found


class _Session:
    """A signed-in browser: its cookies (and so the CSRF secret of its session)."""

    def __init__(self, base: str, email: str) -> None:
        self.browser = httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_SECONDS)
        page = self.browser.get("/sign-in").text
        signed = self.browser.post(
            "/sign-in", data={"csrf_token": _csrf(page), "email": email, "password": load.PASSWORD}
        )
        if signed.status_code != 302:
            raise RuntimeError(f"{email} could not sign in ({signed.status_code})")

    def page(self, path: str) -> str:
        return self.browser.get(path).text

    def post(self, path: str, data: dict[str, Any]) -> int:
        """A post from a tab of its own (a client a thread), with the browser's cookies."""
        with httpx.Client(
            base_url=str(self.browser.base_url), cookies=self.browser.cookies, timeout=REQUEST_TIMEOUT_SECONDS
        ) as tab:
            return tab.post(path, data=data).status_code

    def close(self) -> None:
        self.browser.close()


def _csrf(html: str) -> str:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else ""


def _rows(database_url: str, sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), params).all())
    finally:
        engine.dispose()


# ---- the races -------------------------------------------------------------------------------


def _draft(base: str, seeded: dict[str, Any], url: str) -> Race:
    race = Race("a co-mentor changes and submits another mentor's draft")
    path = f"{base}/api/v1/observations/{seeded['draft_id']}"
    headers = {"Authorization": f"Bearer {seeded['co_mentor_token']}", "If-Match": f'"{seeded["draft_lock"]}"'}

    def attempt(i: int) -> int:
        if i % 2:
            return httpx.post(f"{path}/submit", json={}, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS).status_code
        body = {"evidence": _evidence(4)}
        return httpx.patch(path, json=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS).status_code

    race.answers = _at_once(attempt)
    race.wrong += [f"the co-mentor's attempt answered {s}" for s in race.answers if s < 400]
    for status, observer, lock in _rows(
        url, "SELECT status, observer_id, lock_version FROM observation WHERE id = :i", i=seeded["draft_id"]
    ):
        if status != "draft" or observer != seeded["mentor_id"] or lock != seeded["draft_lock"]:
            race.wrong.append(f"the draft was changed: {status}, observer {observer}, lock {lock}")
    return race


def _answer(base: str, seeded: dict[str, Any], url: str) -> Race:
    race = Race("one request accepted and declined at once")
    path = f"{base}/api/v1/requests/{seeded['request_id']}"
    headers = {"Authorization": f"Bearer {seeded['mentor_token']}"}
    planned = (date.today() + timedelta(days=7)).isoformat()

    def attempt(i: int) -> int:
        if i % 2:
            body: dict[str, str] = {"reason": f"Away that week ({i})"}
            return httpx.post(
                f"{path}/decline", json=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS
            ).status_code
        body = {"planned_on": planned}
        return httpx.post(f"{path}/accept", json=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS).status_code

    race.answers = _at_once(attempt)
    if race.answers.count(200) != 1 or race.answers.count(409) != CONCURRENT - 1:
        race.wrong.append(f"answers {sorted(race.answers)}: one 200 and the rest 409 expected")
    for status, planned_on, reason in _rows(
        url,
        "SELECT status, planned_on, decline_reason FROM observation_request WHERE id = :i",
        i=seeded["request_id"],
    ):
        if (status == "accepted" and reason) or (status == "declined" and planned_on) or status == "open":
            race.wrong.append(f"the request is {status} with planned_on {planned_on} and reason {reason!r}")
    return race


def _calibration(base: str, seeded: dict[str, Any], url: str, mentor: _Session) -> Race:
    race = Race("one exemplar scored six times at once")
    path = f"/assessments/calibration/exemplars/{seeded['exemplar_id']}"
    token = _csrf(mentor.page(path))
    marks = {**{f"c{i}": "3" for i in range(len(CRITERIA))}, "f0": "0", "f1": "0", "f2": "0"}
    race.answers = _at_once(lambda i: mentor.post(path, {"csrf_token": token, **marks}))
    attempts = _rows(url, "SELECT id FROM calibration_attempt WHERE exemplar_id = :e", e=seeded["exemplar_id"])
    if len(attempts) != 1:
        race.wrong.append(f"{len(attempts)} attempts kept, 1 expected")
    return race


def _draw(base: str, seeded: dict[str, Any], url: str, moderator: _Session) -> Race:
    race = Race("one cohort drawn six times at once")
    path = f"/assessments/moderation/cohorts/{seeded['cohort_id']}/chosen"
    token = _csrf(moderator.page(f"/assessments/moderation/cohorts/{seeded['cohort_id']}"))
    data = {"csrf_token": token, "observation_ids": [str(i) for i in seeded["submitted"]]}
    race.answers = _at_once(lambda i: moderator.post(path, data))
    samples = _rows(url, "SELECT id FROM moderation_sample WHERE cohort_id = :c", c=seeded["cohort_id"])
    items = _rows(url, "SELECT observation_id FROM moderation_item")
    if len(samples) != 1 or sorted(i for (i,) in items) != sorted(seeded["submitted"]):
        race.wrong.append(f"{len(samples)} samples holding {len(items)} items; 1 sample of 3 expected")
    return race


def _settings(base: str, seeded: dict[str, Any], url: str, moderator: _Session) -> Race:
    race = Race("a stale settings page without its lock version, six times over a newer save")
    path = f"/assessments/moderation/cohorts/{seeded['cohort_id']}/report"
    stale = moderator.page(path)
    fresh = moderator.page(path)
    lock = LOCK_INPUT.search(fresh)
    saved = moderator.post(
        path,
        {
            "csrf_token": _csrf(fresh),
            "lock_version": lock.group(1) if lock else "",
            **SETTINGS,
            "sample_rate": "40",
            "hold_results": "y",
        },
    )
    if saved != 302:
        race.wrong.append(f"the newer save answered {saved}")
    race.answers = _at_once(lambda i: moderator.post(path, {"csrf_token": _csrf(stale), **SETTINGS}))
    race.wrong += [f"a stale save without its lock version answered {s}" for s in race.answers if s == 302]
    for hold, rate in _rows(
        url, "SELECT hold_results, sample_rate FROM moderation_policy WHERE cohort_id = :c", c=seeded["cohort_id"]
    ):
        if not hold or rate != 40:
            race.wrong.append(f"the newer save was overwritten: hold results {hold}, rate {rate}")
    return race


def _replay(base: str, seeded: dict[str, Any], url: str) -> Race:
    race = Race("one idempotency key posted six times at once")
    path = f"{base}/api/v1/enrolments/{seeded['enrolment_id']}/observations"
    key = f"races-{secrets.token_hex(8)}"
    headers = {"Authorization": f"Bearer {seeded['mentor_token']}", "Idempotency-Key": key}
    body = {
        "scenario_key": "annual-review",
        "observed_on": (date.today() - timedelta(days=1)).isoformat(),
        "setting": "Meeting room",
        "evidence": _evidence(3),
    }
    replayed: list[str] = []

    def attempt(i: int) -> int:
        answer = httpx.post(path, json=body, headers=headers, timeout=REQUEST_TIMEOUT_SECONDS)
        replayed.append(answer.headers.get("Idempotent-Replayed", ""))
        return answer.status_code

    race.answers = _at_once(attempt)
    if sorted(replayed) != ["false"] + ["true"] * (CONCURRENT - 1):
        race.wrong.append(f"Idempotent-Replayed {sorted(replayed)}: one false, the rest true expected")
    rows = _rows(url, "SELECT id FROM observation WHERE idempotency_key = :k", k=key)
    if len(rows) != 1:
        race.wrong.append(f"{len(rows)} observations for one key")
    return race


@contextmanager
def _world(database_url: str) -> Iterator[tuple[dict[str, str], Path]]:
    """A migrated database with the built-in content (``flask setup``), as ``make serve`` would use."""
    instance = tempfile.mkdtemp(prefix="verify-races-")
    env = load.server_environment(database_url, instance)
    try:
        load._run([str(load.BIN / "flask"), "setup", "--no-demo"], env)
        yield env, Path(instance)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def run(database: str, database_url: str) -> RacesResult:
    result = RacesResult(database)
    with _world(database_url) as (env, instance):
        seeded = _seed(env)
        server = kill_row._Server(env, instance / "gunicorn.log")
        try:
            server.start()
            base = server.base
            mentor = _Session(base, "mentor@races.example")
            moderator = _Session(base, "moderator@races.example")
            sessions = [mentor, moderator]
            result.races = [
                _draft(base, seeded, database_url),
                _answer(base, seeded, database_url),
                _calibration(base, seeded, database_url, mentor),
                _draw(base, seeded, database_url, moderator),
                _settings(base, seeded, database_url, moderator),
                _replay(base, seeded, database_url),
            ]
            for session in sessions:
                session.close()
        finally:
            server.stop()
    return result


def _seed(env: dict[str, str]) -> dict[str, Any]:
    seeded = subprocess.run(
        [sys.executable, "-c", _SEED_SCRIPT, load.PASSWORD, json.dumps(_evidence(3))],
        cwd=load.REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding failed: {seeded.stderr.strip()[-600:]}")
    found: dict[str, Any] = json.loads(seeded.stdout.strip().splitlines()[-1])
    return found


def describe(results: list[RacesResult]) -> tuple[str, bool]:
    races = [r for result in results for r in result.races]
    errors = sum(r.server_errors for r in races)
    wrong = sum(len(r.wrong) for r in races)
    where = " and ".join(r.database for r in results)
    return f"{len(races)} races ({where}), {errors} × 5xx, {wrong} wrong rows", bool(races) and not errors and not wrong


def details(results: list[RacesResult]) -> list[str]:
    notes = []
    for result in results:
        for race in result.races:
            line = f"{result.database}: {race.name}: answers {sorted(race.answers)}"
            notes.append(line + ("" if not race.wrong else f"; WRONG: {'; '.join(race.wrong[:3])}"))
    return notes
