"""Secrets and private text kept out of logs and of answers where they do not belong.

Canaries (random, unique strings) are planted as a real person would send them to a real gunicorn:
a wrong password, text typed into the email field (a password in the wrong box), a session cookie
value, an API token, and an observation's comment. Then a short run of ordinary requests and forced
errors (bad JSON, invalid marks, an unknown token, a stale lock, a replayed idempotency key). The
server's stdout and stderr, every log file under its instance folder and every answer are searched
for each canary; the comment may appear only where it belongs (the observation, to its mentor).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from verify import load
from verify import world as worlds

Figure = tuple[str, bool, list[str]]
ROUNDS = 6  # the short run repeats its requests this many times


@dataclass
class Search:
    canaries: dict[str, str]  # what → the canary
    responses: int = 0
    hits: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seen_where_allowed: Counter[str] = field(default_factory=Counter)  # proof each plant took

    def answer(self, label: str, response: httpx.Response, allowed: frozenset[str] = frozenset()) -> httpx.Response:
        """Search one answer (headers and body) for every canary but those it may hold."""
        self.responses += 1
        self.statuses[response.status_code] += 1
        text = "\n".join(f"{k}: {v}" for k, v in response.headers.items()) + "\n" + response.text
        for what, canary in self.canaries.items():
            if canary not in text:
                continue
            if what in allowed:
                self.seen_where_allowed[what] += 1
            else:
                self.hits.append(f"{what} in the answer to {label} ({response.status_code})")
        return response

    def log(self, name: str, text: str) -> int:
        for what, canary in self.canaries.items():
            if canary in text:
                self.hits.append(f"{what} in {name}")
        return len(text.splitlines())


@contextmanager
def _server(folder: str, database_url: str, secret_key: str) -> Iterator[tuple[str, Path, Path]]:
    """gunicorn on the world's database, as `make serve` runs it; its stdout and stderr kept."""
    env = load.server_environment(database_url, folder, SECRET_KEY=secret_key, JOBS_RUNNER="none")
    port = load._free_port()
    out, err = Path(folder) / "gunicorn.out.log", Path(folder) / "gunicorn.err.log"
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen(
            [str(load.BIN / "gunicorn"), "-c", str(load.REPO_ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"]
            + ["--access-logfile", "-", "wsgi:app"],
            cwd=load.REPO_ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        load.wait_for_health(base)
        yield base, out, err
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _sign_in(client: httpx.Client, search: Search, email: str, password: str, allowed: frozenset[str]) -> None:
    page = search.answer("GET /sign-in", client.get("/sign-in"))
    data = {"csrf_token": worlds.csrf_token(page.text), "email": email, "password": password}
    # The sign-in page shows the email field as typed, to the person who typed it: that is its place.
    search.answer("POST /sign-in", client.post("/sign-in", data=data), allowed)


def _observation_body(world: worlds.World, comment: str, key: str) -> dict[str, object]:
    from assessments import demo
    from assessments import services as assessments

    with world.app.app_context():
        observation = assessments.observations_of(world.ids["enrolment_id"])[0]  # type: ignore[arg-type]
        judgements = [dict(j) for j in observation.evidence["judgements"]]
    judgements[0]["comment"] = comment
    return {
        "scenario_key": demo.DEMO_SCENARIO,
        "observed_on": time.strftime("%Y-%m-%d"),
        "setting": "Classroom",
        "evidence": {"judgements": judgements, "faults": []},
        "idempotency_key": key,
    }


def _run(base: str, world: worlds.World, search: Search) -> None:
    c = search.canaries
    mentor_token = world.tokens["mentor"]
    note_body = _observation_body(world, c["observation comment"], f"canary-{secrets.token_hex(4)}")
    enrolment = world.ids["enrolment_id"]
    with httpx.Client(base_url=base, timeout=30) as api:
        bearer = {"Authorization": f"Bearer {mentor_token}"}
        made = api.post(f"/api/v1/enrolments/{enrolment}/observations", json=note_body, headers=bearer)
        search.answer("POST an observation (its mentor)", made, frozenset({"observation comment"}))
        observation_id = made.json().get("id") if made.status_code == 201 else None
        for n in range(ROUNDS):
            # Wrong password, and a password typed into the email field.
            with httpx.Client(base_url=base, timeout=30) as browser:
                _sign_in(browser, search, world.emails["mentor"], c["password"], frozenset())
                typed = c["typed into the email field"]
                _sign_in(browser, search, typed, "a wrong password", frozenset({"typed into the email field"}))
            # A forged session cookie, on pages and on the API.
            cookies = {"session": c["cookie"], "remember_token": c["cookie"]}
            with httpx.Client(base_url=base, timeout=30, cookies=cookies) as forged:
                for path in ("/", "/assessments/observations", "/api/v1/programmes"):
                    search.answer(f"GET {path} with a forged cookie", forged.get(path))
            # An unknown API token.
            search.answer(
                "GET with an unknown token",
                api.get("/api/v1/programmes", headers={"Authorization": f"Bearer {c['API token']}"}),
            )
            # Bad JSON and invalid marks, each holding the comment.
            broken = json.dumps(note_body)[:-3]
            search.answer(
                "POST broken JSON",
                api.post(
                    f"/api/v1/enrolments/{enrolment}/observations",
                    content=broken,
                    headers={**bearer, "Content-Type": "application/json"},
                ),
            )
            invalid = {**note_body, "idempotency_key": f"canary-bad-{n}"}
            invalid["evidence"] = {
                "judgements": [{**note_body["evidence"]["judgements"][0], "level": 99}],  # type: ignore[index]
                "faults": [],
            }
            search.answer(
                "POST invalid marks",
                api.post(f"/api/v1/enrolments/{enrolment}/observations", json=invalid, headers=bearer),
            )
            # The same request again (a replay), and a change under a stale lock.
            replay = api.post(f"/api/v1/enrolments/{enrolment}/observations", json=note_body, headers=bearer)
            search.answer("POST a replay (its mentor)", replay, frozenset({"observation comment"}))
            if observation_id is not None:
                stale = api.patch(
                    f"/api/v1/observations/{observation_id}",
                    json={"evidence": note_body["evidence"]},
                    headers={**bearer, "If-Match": '"0"'},
                )
                search.answer("PATCH under a stale lock", stale)
                # Someone else asking for it: the trainee may see it (their own), a designer's token may not.
                designer = {"Authorization": f"Bearer {world.tokens['designer']}"}
                search.answer("GET by a designer", api.get(f"/api/v1/observations/{observation_id}", headers=designer))


def canaries() -> Figure:
    tag = secrets.token_hex(6)
    search = Search(
        {
            "password": f"canary-password-{tag}",
            "typed into the email field": f"canary-typed-{tag}",
            "cookie": f"canary-cookie-{tag}",
            "API token": f"canary-token-{tag}",
            "observation comment": f"canary-comment-{tag}",
        }
    )
    secret_key = secrets.token_hex(16)
    world = worlds.build(SECRET_KEY=secret_key)
    try:
        with world.app.app_context():
            from core.extensions import db

            database_url = db.engine.url.render_as_string(hide_password=False)
            db.engine.dispose()
        with _server(world.folder.name, database_url, secret_key) as (base, out, err):
            _run(base, world, search)
        lines = sum(
            search.log(str(path.relative_to(world.folder.name)), path.read_text(errors="replace"))
            for path in sorted(Path(world.folder.name).rglob("*"))
            if path.is_file() and (path.suffix == ".log" or path in (out, err))
        )
        logs = [p.name for p in Path(world.folder.name).rglob("*.log")]
    finally:
        world.close()
    figure = (
        f"{len(search.hits)} hits of {len(search.canaries)} canaries in {lines} log lines "
        f"({len(logs)} files) and {search.responses} responses"
    )
    # The comment must show where it belongs, or it was never planted and 0 hits would prove nothing.
    planted = search.seen_where_allowed["observation comment"] > 0
    answers = ", ".join(f"{status} × {count}" for status, count in sorted(search.statuses.items()))
    notes = [f"answers: {answers}", f"the comment was seen where it belongs: {planted}", *sorted(set(search.hits))[:10]]
    return figure, planted and not search.hits and lines > 0, notes


if __name__ == "__main__":
    figure, ok, notes = canaries()
    print(figure, "PASS" if ok else "MISS", *notes, sep="\n")
    sys.exit(0 if ok else 1)
