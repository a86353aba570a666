"""Emails from the hostile corpus (issue 22): 0 messages with a mark of a held result or a child's name.

A small world on SQLite (a cohort that holds results back until moderated; a trainee, their mentor,
a moderator and a reviewer) is driven through the Flask test client, as people would use it,
through every event the assessments room tells someone of: a request asked, declined, asked
again and accepted (JSON API); a draft observation (the self-assessment invitation), submitted and
corrected (JSON API); a next step, the moderator's blind marks, the agreed judgement, an appeal and
its decision (pages, with the children's-names warning answered by saving again). Every text a
person types (notes, reasons, settings, comments, notes on who was present, next steps) holds a
child's name and one hostile value of ``tests/hostile/values``; a value the app refuses is typed
again as the child's sentence alone, so the event still happens. Then every message written is
scanned for the children's names, the typed hostile values, and any outcome or level word.
"""

from __future__ import annotations

import logging
import re
import tempfile
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from assessments.messages import KIND_NAMES
from tests.hostile import corpus
from verify import world as worlds

Figure = tuple[str, bool, list[str]]
SCENARIO = "annual-review"
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
MENTOR_LEVELS = (3, 3, 2, 3, 3, 3)
MODERATOR_LEVELS = (3, 3, 3, 3, 3, 3)  # one level apart: to agree, so the result stays held until then
# Given names of children, none of them a person with an account here (each is on the names list).
CHILDREN = ("Oliver", "Amelia", "Muhammad", "Zainab", "Freya", "Kacper")
PLAIN = "was upset when his mum spoke"  # typed after a child's name when the hostile value is refused
NAMES_WARNING = "Check for names"
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME_VALUE = re.compile(r'name="([^"]+)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="([^"]+)"')
# An email tells what happened, never how it was judged.
JUDGEMENT = re.compile(r"\b(met|not yet met|insufficient evidence|outcome|levels?|faults?|upheld|agreed)\b", re.I)


@dataclass
class Result:
    rounds: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    refused: int = 0  # typed values refused by the app (then typed as the child's sentence alone)
    problems: list[str] = field(default_factory=list)  # 5xx, or an event that did not happen
    messages: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    with_mark: list[str] = field(default_factory=list)
    with_child: list[str] = field(default_factory=list)
    with_typed: list[str] = field(default_factory=list)
    told_while_held: int = 0


@dataclass
class World:
    app: Flask
    folder: tempfile.TemporaryDirectory  # type: ignore[type-arg]
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    browsers: dict[str, FlaskClient] = field(default_factory=dict)


def _hostile_values() -> list[str]:
    """Each value of the corpus as text (bytes no form can carry become U+FFFD, as a browser sends them)."""
    return [raw.decode("utf-8", errors="replace") for _name, raw in corpus.values()]


def _build() -> World:
    from flask_migrate import upgrade

    from assessments import services
    from assessments.demo import published_programme
    from assessments.services import moderation
    from core.accounts import api_tokens
    from core.accounts import services as accounts
    from core.accounts.roles import Role
    from core.app import create_app
    from core.content import loaders

    folder = tempfile.TemporaryDirectory(prefix="verify-messages-")
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "verify",
            "INSTANCE_PATH": folder.name,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder.name) / 'messages.sqlite3'}",
            "JOBS_RUNNER": "none",  # messages wait in their table, to be read here
        }
    )
    app.logger.setLevel(logging.CRITICAL)
    world = World(app, folder)
    today = date.today()
    with app.app_context():
        logging.disable(logging.INFO)
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        for loader in loaders():
            loader.load()
        for audience, name, role in (
            ("trainee", "Tia Trainee", Role.TRAINEE),
            ("mentor", "Mo Mentor", Role.MENTOR),
            ("moderator", "Mia Moderator", Role.MODERATOR),
            ("reviewer", "Rae Reviewer", Role.MODERATOR),
        ):
            person = accounts.create_person(name, f"{audience}@verify.example", worlds.PASSWORD, {role})
            world.ids[audience] = person.id
            world.tokens[audience] = api_tokens.issue_token(person, "verify")
        version = published_programme(today - timedelta(days=30))
        cohort = services.create_cohort("Verify cohort", version.id)
        given = services.EnrolmentInput(world.ids["trainee"], (world.ids["mentor"],), "Hill Primary")
        world.ids["cohort"] = cohort.id
        world.ids["enrolment"] = services.enrol(cohort.id, given, today).id
        moderation.set_policy(cohort.id, "0.6", 10, hold_results=True)  # results wait for moderation
    for audience in ("trainee", "mentor", "moderator", "reviewer"):
        browser = app.test_client()
        page = browser.get("/sign-in").get_data(as_text=True)
        browser.post(
            "/sign-in",
            data={
                "csrf_token": worlds.csrf_token(page),
                "email": f"{audience}@verify.example",
                "password": worlds.PASSWORD,
            },
        )
        world.browsers[audience] = browser
    return world


# ---- sending, as people do --------------------------------------------------------------------


def _counted(result: Result, response: TestResponse, what: str) -> TestResponse:
    result.answers[response.status_code] += 1
    if response.status_code >= 500:
        result.problems.append(f"{what}: {response.status_code}")
    return response


def _api(world: World, result: Result, audience: str, url: str, body: dict[str, Any], **headers: str) -> TestResponse:
    sent = {"Authorization": f"Bearer {world.tokens[audience]}", **headers}
    return _counted(result, world.app.test_client().post(url, json=body, headers=sent), f"POST {url}")


def _hidden(page: str) -> dict[str, str]:
    found = {}
    for tag in HIDDEN.findall(page):
        match = NAME_VALUE.search(tag)
        if match:
            name, value = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
            found.setdefault(name, value)
    return found


def _form(world: World, result: Result, audience: str, url: str, data: dict[str, Any], page_url: str = "") -> bool:
    """Post a page's form as its person would (its hidden fields: token, lock version); a warning
    of children's names is answered by saving the same text again. True when it was saved."""
    browser = world.browsers[audience]
    for _attempt in range(2):
        page = browser.get(page_url or url).get_data(as_text=True)
        answer = _counted(result, browser.post(url, data={**_hidden(page), **data}), f"POST {url}")
        if answer.status_code in (302, 303):
            return True
        if NAMES_WARNING not in answer.get_data(as_text=True):
            return False
    return False


def _typed(result: Result, send: Any, text: str, fallback: str) -> Any:
    """``send(text)``; if the app refuses the text (a located 4xx), ``send(fallback)``."""
    answer = send(text)
    if answer is True or (isinstance(answer, TestResponse) and answer.status_code < 400):
        return answer
    result.refused += 1
    return send(fallback)


def _evidence(levels: tuple[int, ...], comment: str) -> dict[str, Any]:
    return {"judgements": [{"criterion": k, "level": v, "comment": comment} for k, v in zip(CRITERIA, levels)]}


def _marks(levels: tuple[int, ...], comment: str) -> dict[str, str]:
    return {**{f"c{i}": str(v) for i, v in enumerate(levels)}, "f0": "0", "f1": "0", "f2": "0", "m2": comment}


# ---- one round: every event, every typed field holding ``text`` ---------------------------


def _round(world: World, result: Result, n: int, text: str) -> None:
    """Every event once. Even rounds: the moderator's marks differ, held until the mentor agrees;
    odd rounds: the same marks, released by the moderator's marking."""
    from assessments.services import appeals, moderation
    from core.extensions import db

    child = CHILDREN[n % len(CHILDREN)]
    value, plain = f"{child} {text}", f"{child} {PLAIN}"
    e, mentor = world.ids["enrolment"], world.ids["mentor"]

    def asked(note: str) -> TestResponse:
        body = {"mentor_id": mentor, "scenario_key": SCENARIO, "note": note}
        return _api(world, result, "trainee", f"/api/v1/enrolments/{e}/requests", body)

    def declined(reason: str) -> TestResponse:
        return _api(world, result, "mentor", f"/api/v1/requests/{first.json['id']}/decline", {"reason": reason})

    first = _typed(result, asked, value, plain)
    if first.status_code >= 400:
        result.problems.append(f"round {n}: no request ({first.status_code})")
        return
    _typed(result, declined, value, plain)
    again = _typed(result, asked, value, plain)
    if again.status_code >= 400:
        result.problems.append(f"round {n}: no second request ({again.status_code})")
        return
    today = date.today().isoformat()
    _api(world, result, "mentor", f"/api/v1/requests/{again.json['id']}/accept", {"planned_on": today})
    draft = _typed(result, lambda typed: _observe(world, result, typed), value, plain)
    if draft.status_code >= 400:
        result.problems.append(f"round {n}: no observation recorded ({draft.status_code})")
        return
    o = draft.json["id"]
    url = f"/api/v1/observations/{o}"
    submitted = _api(world, result, "mentor", f"{url}/submit", {}, **{"If-Match": draft.headers["ETag"]})

    def corrected(reason: str) -> TestResponse:
        body = {"setting": f"{reason} hall", "present_notes": reason, "reason": reason}
        return _api(world, result, "mentor", f"{url}/amendments", body, **{"If-Match": submitted.headers["ETag"]})

    def next_step(step: str) -> bool:
        page = f"/assessments/observations/{o}"
        return _form(world, result, "mentor", f"{page}/next-step", {"criterion_key": "child-voice", "text": step}, page)

    _typed(result, corrected, value, plain)
    _typed(result, next_step, value, plain)
    with world.app.app_context():
        item = moderation.draw_chosen(world.ids["cohort"], world.ids["moderator"], [o]).items[0].id
        _check_held(world, result, n, o)
    same = n % 2 == 1
    levels = MENTOR_LEVELS if same else MODERATOR_LEVELS
    mark = f"/assessments/moderation/items/{item}/mark"
    _typed(result, lambda comment: _form(world, result, "moderator", mark, _marks(levels, comment)), value, plain)
    if not same:
        with world.app.app_context():  # the marks differ and are not agreed: still held
            _check_held(world, result, n, o)
        both = f"/assessments/moderation/items/{item}"

        def agreed(reason: str) -> bool:
            return _form(world, result, "mentor", both, {**_marks(levels, reason), "reason": reason})

        _typed(result, agreed, value, plain)
    appeal_url = f"/assessments/my-training/observations/{o}/appeal"
    _typed(result, lambda reason: _form(world, result, "trainee", appeal_url, {"reason": reason}), value, plain)
    with world.app.app_context():
        found = appeals.appeal_of_observation(o)
        appeal_id = found.id if found is not None else None
        db.session.remove()
    if appeal_id is None:
        result.problems.append(f"round {n}: no appeal")
        return
    decide = f"/assessments/moderation/appeals/{appeal_id}"

    def decided(reason: str) -> bool:
        data = {**_marks(levels, ""), "decision": "upheld", "decision_reason": reason}
        return _form(world, result, "reviewer", decide, data)

    _typed(result, decided, value, plain)
    result.rounds += 1


def _observe(world: World, result: Result, typed: str) -> TestResponse:
    """The mentor's script records a draft: its setting and comments typed (notes on who was present
    are typed on the correction: the API takes them there)."""
    body = {
        "scenario_key": SCENARIO,
        "observed_on": (date.today() - timedelta(days=1)).isoformat(),
        "setting": typed,
        "present": ["Parents or carers"],
        "evidence": _evidence(MENTOR_LEVELS, typed),
    }
    url = f"/api/v1/enrolments/{world.ids['enrolment']}/observations"
    return _api(world, result, "mentor", url, body, **{"Idempotency-Key": str(uuid.uuid4())})


def _check_held(world: World, result: Result, n: int, observation_id: int) -> None:
    """The observation is held, and nothing told of it since it was (in the caller's app context)."""
    from assessments.services import moderation
    from core.extensions import db
    from core.messages import Message

    if observation_id not in moderation.held_observations(world.ids["cohort"]):
        result.problems.append(f"round {n}: observation {observation_id} was not held")
    link = f"/observations/{observation_id}\n"
    kinds = ("moderation_released", "moderation_finished", "appeal_decided", "appeal_received")
    told = db.session.scalars(select(Message.id).where(Message.kind.in_(kinds), Message.body.contains(link))).all()
    result.told_while_held += len(told)


# ---- the scan -------------------------------------------------------------------------------


def _scan(world: World, result: Result, typed: list[str]) -> None:
    from core.extensions import db
    from core.messages import Message

    children = re.compile(rf"\b({'|'.join(CHILDREN)})\b")
    # Typed values long enough to mean something if found (a lone "0" is in every date).
    needles = sorted({t.strip() for t in [*typed, PLAIN] if len(t.strip()) >= 4}, key=len)
    with world.app.app_context():
        for m in db.session.scalars(select(Message).order_by(Message.id)):
            result.messages += 1
            result.kinds[m.kind] += 1
            text = f"{m.subject}\n{m.body}"
            where = f"message {m.id} ({m.kind})"
            if JUDGEMENT.search(text):
                result.with_mark.append(f"{where}: {JUDGEMENT.search(text).group(0)!r}")  # type: ignore[union-attr]
            if children.search(text):
                result.with_child.append(where)
            if any(needle in text for needle in needles):
                result.with_typed.append(where)


def _release(world: World, result: Result) -> None:
    """One more observation, sampled and waiting; then the provider stops holding results back."""
    from assessments.services import moderation

    recorded = _observe(world, result, f"{CHILDREN[0]} {PLAIN}")
    url = f"/api/v1/observations/{recorded.json['id']}/submit"
    _api(world, result, "mentor", url, {}, **{"If-Match": recorded.headers["ETag"]})
    with world.app.app_context():
        moderation.draw_chosen(world.ids["cohort"], world.ids["moderator"], [recorded.json["id"]])
        moderation.set_policy(world.ids["cohort"], "0.6", 10, hold_results=False, actor_id=world.ids["reviewer"])


def run() -> Result:
    result = Result()
    world = _build()
    values = _hostile_values()
    try:
        for n, text in enumerate(values):
            _round(world, result, n, text)
        _release(world, result)
        _scan(world, result, values)
    finally:
        with world.app.app_context():
            from core.extensions import db

            db.engine.dispose()
        world.folder.cleanup()
    return result


def describe(result: Result) -> tuple[str, bool]:
    kinds = len(result.kinds)
    ok = (
        not result.with_mark
        and not result.with_child
        and not result.with_typed
        and not result.problems
        and result.told_while_held == 0
        and kinds == len(KIND_NAMES)  # every kind the room sends was sent
        and result.rounds > 0
    )
    figure = (
        f"{len(result.with_mark)} with a mark or outcome, {len(result.with_child)} with a child's name, "
        f"{len(result.with_typed)} with typed text, of {result.messages} messages ({kinds} kinds) "
        f"from {result.rounds} rounds of every event ({sum(result.answers.values())} requests, "
        f"{result.refused} typed values refused and typed again); {result.told_while_held} told while held"
    )
    return figure, ok


def details(result: Result) -> list[str]:
    lines = [f"{kind}: {count}" for kind, count in sorted(result.kinds.items())]
    lines.append("answers: " + ", ".join(f"{status} × {n}" for status, n in sorted(result.answers.items())))
    return lines + result.problems[:10] + result.with_mark[:5] + result.with_child[:5] + result.with_typed[:5]


def row() -> Figure:
    found = run()
    figure, ok = describe(found)
    return figure, ok, details(found)
