"""Regression tests for the review's races and ownership findings (issue 21): a draft is its own
mentor's, a removed mentor's moderation access ends, a form that leaves its lock version out is
refused as a stale one, and answers raced from six threads give one winner and conflicts, never a
500 or a mixed row. The threads are real and run against the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assessments import services
from assessments.models import ModerationItem, Observation, ObservationRequest, RequestStatus
from assessments.services import calibration, enrolments, moderation, requests
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid
from core.unit_of_work import unique_rule_of
from tests.conftest import csrf_token, page_lock, post_form

from .conftest import TODAY

THREADS = 6
MODERATOR = "moderator@example.org"
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")


def _evidence(level: int) -> dict[str, Any]:
    return {"judgements": [{"criterion": k, "level": level} for k in CRITERIA], "faults": []}


def _given(key: str, level: int = 3, submit: bool = False) -> services.ObservationInput:
    return services.ObservationInput(
        "annual-review",
        TODAY - timedelta(days=1),
        "Meeting room",
        ("Parents or carers",),
        _evidence(level),
        key,
        submit,
    )


def _observe(app, enrolment_id: int, mentor_id: int, key: str, level: int = 3, submit: bool = False) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return services.record_observation(enrolment_id, mentor_id, _given(key, level, submit), TODAY).id


def _race(app, work: Callable[[int], Any], count: int = THREADS) -> list[Any]:  # type: ignore[no-untyped-def]
    """Run ``work(i)`` in ``count`` threads released together, each in its own app context (its own
    session and connection); what each returned, or the exception it raised."""
    start = threading.Barrier(count)
    found: list[Any] = [None] * count

    def run(i: int) -> None:
        with app.app_context():
            start.wait()
            try:
                found[i] = work(i)
            except Exception as error:  # the test asserts on what was raised
                found[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return found


@pytest.fixture
def shared(app, cohort_id, people) -> int:  # type: ignore[no-untyped-def]
    """An enrolment the two mentors share: Mo started the drafts, Olu is the co-mentor."""
    with app.app_context():
        given = services.EnrolmentInput(
            people["trainee"], (people["mentor"], people["other_mentor"]), "Hill Primary", TODAY - timedelta(days=400)
        )
        return services.enrol(cohort_id, given, TODAY).id


@pytest.fixture
def token(app, people):  # type: ignore[no-untyped-def]
    def headers(who: str) -> dict[str, str]:
        with app.app_context():
            return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, people[who]), who)}"}

    return headers


@pytest.fixture
def moderator_id(make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person(MODERATOR, Role.MODERATOR, name="Mia Moderator")


# ---- a draft belongs to the mentor who started it ----------------------------------------------


def test_a_co_mentor_can_neither_read_change_nor_submit_another_mentors_draft_by_default(
    app, client, token, shared, people
):
    draft = _observe(app, shared, people["mentor"], "draft-mo-1", level=2)
    olu = token("other_mentor")
    url = f"/api/v1/observations/{draft}"
    assert client.get(url, headers=olu).status_code == 404
    changed = client.patch(url, json={"evidence": _evidence(4)}, headers=olu | {"If-Match": '"1"'})
    submitted = client.post(f"{url}/submit", json={}, headers=olu | {"If-Match": '"1"'})
    assert changed.status_code == 404 and submitted.status_code == 404
    listed = client.get(f"/api/v1/enrolments/{shared}/observations", headers=olu).json
    assert listed == []
    with app.app_context():
        found = db.session.get(Observation, draft)
        assert (found.status, found.observer_id, found.evidence) == ("draft", people["mentor"], _evidence(2))
        with pytest.raises(Invalid):
            services.submit_observation(draft, people["other_mentor"], found.lock_version)


def test_where_the_provider_lets_co_mentors_read_drafts_they_read_it_but_changing_it_is_403(
    app, client, token, shared, people
):
    app.config["CO_MENTORS_READ_DRAFTS"] = True
    draft = _observe(app, shared, people["mentor"], "draft-mo-2", level=2)
    olu = token("other_mentor")
    url = f"/api/v1/observations/{draft}"
    read = client.get(url, headers=olu)
    assert read.status_code == 200
    tag = read.headers["ETag"]
    changed = client.patch(url, json={"evidence": _evidence(4)}, headers=olu | {"If-Match": tag})
    submitted = client.post(f"{url}/submit", json={}, headers=olu | {"If-Match": tag})
    assert (
        changed.status_code == 403 and "Only the mentor who started this draft" in changed.json["errors"][0]["message"]
    )
    assert submitted.status_code == 403
    mine = client.post(f"{url}/submit", json={}, headers=token("mentor") | {"If-Match": tag})
    assert mine.status_code == 200 and mine.json["observer"]["id"] == people["mentor"]


def test_a_co_mentor_gets_not_found_for_the_draft_pages_and_the_draft_is_left_as_it_was(
    app, client, auth, shared, people
):
    draft = _observe(app, shared, people["mentor"], "draft-mo-3", level=2)
    auth.sign_in("other@example.org")
    assert client.get(f"/assessments/observations/{draft}").status_code == 404
    assert client.get(f"/assessments/observations/{draft}/change").status_code == 404
    page = client.get(f"/assessments/trainees/{shared}").get_data(as_text=True)
    assert f"/assessments/observations/{draft}" not in page
    submitted = client.post(
        f"/assessments/observations/{draft}/submit", data={"csrf_token": csrf_token(page), "lock_version": "1"}
    )
    assert submitted.status_code == 404
    with app.app_context():
        assert db.session.get(Observation, draft).status == "draft"
    app.config["CO_MENTORS_READ_DRAFTS"] = True  # readable: the page says whose it is, with no buttons
    shown = client.get(f"/assessments/observations/{draft}").get_data(as_text=True)
    assert "Only they can change or submit it" in shown and "Submit observation" not in shown
    assert client.get(f"/assessments/observations/{draft}/change").status_code == 404


# ---- moderation follows current mentorship -------------------------------------------------------


def test_a_mentor_removed_from_the_enrolment_loses_the_moderation_page_and_cannot_agree(
    app, client, auth, cohort_id, shared, people, moderator_id
):
    observed = _observe(app, shared, people["mentor"], "moderated-1", level=2, submit=True)
    with app.app_context():
        item_id = moderation.draw_chosen(cohort_id, moderator_id, [observed]).items[0].id
        moderation.record_marks(observed, moderator_id, _evidence(4))
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/moderation/items/{item_id}").status_code == 200
    with app.app_context():  # Mo leaves the trainee; Olu stays
        enrolment = enrolments.get_enrolment(shared)
        given = replace(enrolments.input_of(enrolment), mentor_ids=(people["other_mentor"],))
        enrolments.update_enrolment(shared, given, enrolment.lock_version, TODAY)
    assert client.get(f"/assessments/moderation/items/{item_id}").status_code == 404
    assert "Tia Trainee" not in client.get("/assessments/moderated").get_data(as_text=True)
    with app.app_context():
        with pytest.raises(Invalid):
            moderation.agree(item_id, people["mentor"], _evidence(3), "We agreed on 3.")
        assert db.session.get(ModerationItem, item_id).agreed_result is None


# ---- a form without its lock version is refused as a stale one -----------------------------------

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


def test_moderation_settings_posted_without_a_lock_version_are_refused_and_results_stay_held(
    app, client, auth, cohort_id, moderator_id
):
    auth.sign_in(MODERATOR)
    url = f"/assessments/moderation/cohorts/{cohort_id}/report"
    stale_page = client.get(url).get_data(as_text=True)
    assert post_form(client, url, {**SETTINGS, "sample_rate": "40", "hold_results": "y"}).status_code == 302
    # The stale page, its lock version left out: hold results off, the rate back to 10.
    refused = client.post(url, data={"csrf_token": csrf_token(stale_page), **SETTINGS})
    assert refused.status_code == 200 and "changed" in refused.get_data(as_text=True)
    with app.app_context():
        assert moderation.holds_results(cohort_id) and moderation.plan_settings(cohort_id).rate == 40


NEW_PROGRAMME = {
    "name": "SENCO 2025",
    "provider": "North Trust",
    "cohort_start": ["1", "9", "2025"],
    "length_weeks": "78",
}


def test_a_programme_change_posted_without_a_lock_version_is_refused_as_stale(app, client, designer):
    url = post_form(client, "/curriculum/programmes/new", NEW_PROGRAMME).headers["Location"]
    page = client.get(f"{url}/details").get_data(as_text=True)
    assert page_lock(page)  # the page carries it; the post below leaves it out
    refused = client.post(
        f"{url}/details", data={"csrf_token": csrf_token(page), **NEW_PROGRAMME, "name": "Renamed programme"}
    )
    assert refused.status_code != 302
    assert "Renamed programme" not in client.get(url).get_data(as_text=True)
    saved = post_form(client, f"{url}/details", {**NEW_PROGRAMME, "name": "Renamed programme"})
    assert saved.status_code == 302 and "Renamed programme" in client.get(url).get_data(as_text=True)


# ---- six answers at once: one wins, the rest are told -------------------------------------------


def test_six_concurrent_accepts_and_declines_of_one_request_give_one_answer_and_a_consistent_row(
    app, enrolment_id, people
):
    with app.app_context():
        asked = requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review", "Please").id

    def answer(i: int) -> str:
        if i % 2:
            requests.decline(asked, people["mentor"], f"Away that week ({i})")
        else:
            requests.accept(asked, people["mentor"], TODAY + timedelta(days=i + 1), TODAY)
        return "answered"

    found = _race(app, answer)
    assert found.count("answered") == 1
    assert all(isinstance(f, Conflict) and "already been answered" in str(f) for f in found if f != "answered")
    with app.app_context():
        row = db.session.get(ObservationRequest, asked)
        if row.status == RequestStatus.ACCEPTED:
            assert row.planned_on is not None and row.decline_reason in (None, "")
        else:
            assert row.status == RequestStatus.DECLINED and row.decline_reason and row.planned_on is None


def test_six_concurrent_asks_for_one_observation_keep_one_open_request_and_tell_the_rest_where(
    app, enrolment_id, people
):
    found = _race(
        app, lambda i: requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review", "").id
    )
    assert sum(isinstance(f, int) for f in found) == 1
    # The losers: refused by the service's check, or (racing it) by the database's unique rule.
    refused = [f for f in found if not isinstance(f, int)]
    assert all(isinstance(f, Invalid) and f.problems == [("scenario_key", requests.ASKED_ALREADY)] for f in refused)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ObservationRequest)) == 1


def test_a_second_open_request_breaks_the_unique_rule_named_alike_on_both_databases(app, enrolment_id, people):
    with app.app_context():
        requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review", "")
        db.session.add(
            ObservationRequest(
                enrolment_id=enrolment_id, mentor_id=people["mentor"], scenario_key="annual-review", note=""
            )
        )
        with pytest.raises(IntegrityError) as refused:
            db.session.commit()
        db.session.rollback()
        assert unique_rule_of(refused.value) == "uq_observation_request_open"


def test_six_concurrent_scores_of_one_exemplar_keep_one_and_answer_the_rest_as_a_conflict(
    app, cohort_id, people, make_person
):
    designer = make_person("designer@example.org", Role.DESIGNER)
    with app.app_context():
        exemplar = calibration.publish(designer, "annual-review", "Year 9 review", "An account.", _evidence(3)).id

    found = _race(app, lambda i: calibration.score(exemplar, people["mentor"], _evidence(1 + i % 4)).id)
    assert sum(isinstance(f, int) for f in found) == 1
    assert all(isinstance(f, Conflict) for f in found if not isinstance(f, int))
    with app.app_context():
        assert calibration.attempt_of(exemplar, people["mentor"]) is not None


def test_six_concurrent_sample_draws_put_each_observation_in_one_sample_and_the_rest_conflict(
    app, cohort_id, enrolment_id, people, moderator_id
):
    ids = [_observe(app, enrolment_id, people["mentor"], f"drawn-{i}", submit=True) for i in range(3)]
    found = _race(app, lambda i: moderation.draw_chosen(cohort_id, moderator_id, ids).id)
    drawn = [f for f in found if isinstance(f, int)]
    assert len(drawn) == 1
    # The losers: a conflict from the unique rule, or (once the winner committed) nothing left to draw.
    assert all(isinstance(f, Invalid) for f in found if not isinstance(f, int))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationItem)) == 3


def test_six_concurrent_posts_with_one_idempotency_key_make_one_record_and_five_replays(
    app, token, enrolment_id, people
):
    key = str(uuid.uuid4())
    headers = token("mentor") | {"Idempotency-Key": key}
    body = {
        "scenario_key": "annual-review",
        "observed_on": (TODAY - timedelta(days=1)).isoformat(),
        "setting": "Meeting room",
        "evidence": _evidence(3),
    }

    def post(_i: int) -> tuple[int, str, int]:
        answer = app.test_client().post(f"/api/v1/enrolments/{enrolment_id}/observations", json=body, headers=headers)
        return answer.status_code, answer.headers.get("Idempotent-Replayed", ""), answer.json["id"]

    found = _race(app, post)
    assert all(isinstance(f, tuple) for f in found), found
    assert {f[0] for f in found} == {201} and len({f[2] for f in found}) == 1
    assert sorted(f[1] for f in found) == ["false"] + ["true"] * (THREADS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observation)) == 1
