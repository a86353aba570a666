"""The assessments API: cohorts, enrolments, observations and progress, as a script would use them.

The role rules are the pages' (a mentor sees only their trainees, a trainee only themselves,
404 otherwise); every refusal names where; a change needs If-Match; the same idempotency key
twice makes one observation.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assessments.case_study_rules import CaseStudyDates, CaseStudyResult
from assessments.models import Enrolment, Observation
from assessments.services import case_study
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db

from .conftest import TODAY

EVIDENCE = {
    "judgements": [
        {"criterion": "statutory-timelines", "level": 3},
        {"criterion": "facts-and-law", "level": 3},
        {"criterion": "child-voice", "level": 3, "comment": "The pupil's views led the discussion."},
        {"criterion": "evidence-of-progress", "level": 3},
        {"criterion": "chairing", "level": 3},
        {"criterion": "agreed-actions", "level": 3},
    ]
}
MET = {
    "scenario_key": "annual-review",
    "observed_on": (TODAY - timedelta(days=1)).isoformat(),
    "setting": "Meeting room",
    "present": ["Parents or carers"],
    "evidence": EVIDENCE,
}


@pytest.fixture
def token(app, make_person, people):  # type: ignore[no-untyped-def]
    """``token("mentor")`` → Authorization headers for one of the conftest's people (or a new designer)."""
    made: dict[str, int] = dict(people)

    def headers(who: str) -> dict[str, str]:
        if who not in made:
            made[who] = make_person(f"{who}@example.org", Role(who))
        with app.app_context():
            return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, made[who]), who)}"}

    return headers


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _observe(client, token, enrolment_id: int, body: dict | None = None, **headers: str):  # type: ignore[no-untyped-def, type-arg]
    return client.post(
        f"/api/v1/enrolments/{enrolment_id}/observations",
        json=body or MET,
        headers=token("mentor") | (headers or _key()),
    )


def _count(app, model=Observation) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


# ---- cohorts and enrolments ------------------------------------------------------------------


def test_a_designer_lists_creates_and_reads_cohorts_a_page_at_a_time(client, token, cohort_id):
    designer = token("designer")
    version = client.get(f"/api/v1/cohorts/{cohort_id}", headers=designer).json["programme_version_id"]
    for n in range(3):
        made = client.post(
            "/api/v1/cohorts",
            json={"name": f"Spring {n}", "programme_version_id": version, "sign_off": {"min_met": 2}},
            headers=designer,
        )
        assert made.status_code == 201, made.json
        assert made.json["sign_off"]["min_met"] == 2
    first = client.get("/api/v1/cohorts?page_size=2", headers=designer)
    assert [c["name"] for c in first.json] == ["Autumn cohort", "Spring 0"]
    assert json.loads(first.headers["X-Pagination"])["total"] == 4
    assert [c["name"] for c in client.get("/api/v1/cohorts?page=2&page_size=2", headers=designer).json] == [
        "Spring 1",
        "Spring 2",
    ]
    assert client.get("/api/v1/cohorts?page=99999999999999", headers=designer).json == []
    read = client.get(f"/api/v1/cohorts/{cohort_id}", headers=designer)
    assert read.headers["ETag"] == client.get(f"/api/v1/cohorts/{cohort_id}", headers=designer).headers["ETag"]


def test_a_cohort_on_a_draft_version_or_with_a_bad_policy_is_refused_with_each_path(app, client, token):
    response = client.post(
        "/api/v1/cohorts",
        json={"name": "", "programme_version_id": 999999, "sign_off": {"min_met": 0}},
        headers=token("designer"),
    )
    assert response.status_code == 400
    # The schema's checks come first; the policy's range is the schema's too (it is in the OpenAPI document).
    found = {e["path"]: e["message"] for e in response.json["errors"]}
    assert set(found) == {"name", "sign_off.min_met"}
    assert found["sign_off.min_met"] == "Enter a whole number from 1 to 1,000"  # the engine's own words
    response = client.post(
        "/api/v1/cohorts",
        json={"name": "Spring", "programme_version_id": 999999, "sign_off": {"min_met": 2}},
        headers=token("designer"),
    )
    assert {e["path"] for e in response.json["errors"]} == {"programme_version_id"}, response.json
    from assessments.models import Cohort

    assert _count(app, Cohort) == 0


def test_mentors_and_trainees_cannot_touch_cohorts(client, token, cohort_id):
    for who in ("mentor", "trainee"):
        assert client.get("/api/v1/cohorts", headers=token(who)).status_code == 403
        assert (
            client.post(
                "/api/v1/cohorts", json={"name": "x", "programme_version_id": 1}, headers=token(who)
            ).status_code
            == 403
        )


def test_a_designer_enrols_a_trainee_with_two_mentors_and_the_cohort_lists_them(client, token, cohort_id, people):
    body = {
        "trainee_id": people["trainee"],
        "mentor_ids": [people["mentor"], people["other_mentor"]],
        "school": "Hill Primary",
        "became_senco": (TODAY - timedelta(days=400)).isoformat(),
    }
    made = client.post(f"/api/v1/cohorts/{cohort_id}/enrolments", json=body, headers=token("designer"))
    assert made.status_code == 201, made.json
    assert [m["name"] for m in made.json["mentors"]] == ["Mo Mentor", "Olu Other"]
    assert made.headers["ETag"] == '"1"'
    listed = client.get(f"/api/v1/cohorts/{cohort_id}/enrolments", headers=token("designer"))
    assert [e["trainee"]["name"] for e in listed.json] == ["Tia Trainee"]
    again = client.post(f"/api/v1/cohorts/{cohort_id}/enrolments", json=body, headers=token("designer"))
    assert again.status_code == 400 and again.json["errors"][0]["path"] == "trainee_id"


def test_a_bad_enrolment_names_every_field_and_saves_nothing(app, client, token, cohort_id, people):
    body = {
        "trainee_id": people["mentor"],
        "mentor_ids": [people["trainee"]],
        "became_senco": (TODAY + timedelta(days=5)).isoformat(),
        "earlier_senco_months": 5000,
    }
    response = client.post(f"/api/v1/cohorts/{cohort_id}/enrolments", json=body, headers=token("designer"))
    assert response.status_code == 400
    assert {e["path"] for e in response.json["errors"]} == {"earlier_senco_months"}  # the schema's range, first
    del body["earlier_senco_months"]
    response = client.post(f"/api/v1/cohorts/{cohort_id}/enrolments", json=body, headers=token("designer"))
    assert {e["path"] for e in response.json["errors"]} == {"trainee_id", "mentor_ids", "became_senco"}
    assert _count(app, Enrolment) == 0


def test_changing_an_enrolment_needs_its_etag_and_a_stale_one_is_412(app, client, token, enrolment_id, people):
    url, designer = f"/api/v1/enrolments/{enrolment_id}", token("designer")
    read = client.get(url, headers=designer)
    missing = client.patch(url, json={"school": "Vale"}, headers=designer)
    assert missing.status_code == 428 and missing.json["errors"][0]["path"] == "lock_version"
    changed = client.patch(
        url,
        json={"mentor_ids": [people["mentor"], people["other_mentor"]]},
        headers=designer | {"If-Match": read.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.json
    assert len(changed.json["mentors"]) == 2 and changed.json["school"] == "Hill Primary"
    assert changed.headers["ETag"] == '"2"'  # a change of mentors alone raises the lock
    stale = client.patch(url, json={"school": "Vale"}, headers=designer | {"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412 and stale.json["errors"][0]["path"] == "If-Match"
    stale_body = client.patch(url, json={"school": "Vale", "lock_version": 1}, headers=designer)
    assert stale_body.status_code == 409
    assert client.get(url, headers=designer).json["school"] == "Hill Primary"
    # the other mentor now sees the trainee
    assert client.get(url, headers=token("other_mentor")).status_code == 200


def test_an_enrolment_change_with_a_bad_value_is_located_and_changes_nothing(client, token, enrolment_id):
    url, designer = f"/api/v1/enrolments/{enrolment_id}", token("designer")
    tag = client.get(url, headers=designer).headers["ETag"]
    for body, path in (
        ({"mentor_ids": []}, "mentor_ids"),
        ({"mentor_ids": [999999]}, "mentor_ids"),  # the pages' rule, one home
        ({"nasenco_completed": TODAY.isoformat()}, "nasenco_started"),
        ({"school": "x" * 201}, "school"),
        ({"trainee_id": 3}, "trainee_id"),
    ):
        response = client.patch(url, json=body, headers=designer | {"If-Match": tag})
        assert response.status_code == 400, body
        assert response.json["errors"][0]["path"] == path, response.json
    assert client.get(url, headers=designer).headers["ETag"] == tag


# ---- who sees what --------------------------------------------------------------------------


def test_a_mentor_and_a_trainee_see_only_their_own_enrolments_and_others_are_404(
    client, token, enrolment_id, other_enrolment_id
):
    assert [e["id"] for e in client.get("/api/v1/enrolments", headers=token("mentor")).json] == [enrolment_id]
    assert [e["id"] for e in client.get("/api/v1/enrolments", headers=token("trainee")).json] == [enrolment_id]
    assert len(client.get("/api/v1/enrolments", headers=token("designer")).json) == 2
    for who in ("mentor", "trainee"):
        for url in (
            f"/api/v1/enrolments/{other_enrolment_id}",
            f"/api/v1/enrolments/{other_enrolment_id}/progress",
            f"/api/v1/enrolments/{other_enrolment_id}/observations",
            "/api/v1/enrolments/999999",
            "/api/v1/enrolments/999999/observations",
        ):
            answer = client.get(url, headers=token(who))
            assert answer.status_code == 404, (who, url)
    # the same 404 body whether or not the enrolment exists
    assert (
        client.get(f"/api/v1/enrolments/{other_enrolment_id}", headers=token("mentor")).json
        == client.get("/api/v1/enrolments/999999", headers=token("mentor")).json
    )


def test_a_mentor_cannot_record_or_read_observations_of_someone_elses_trainee(
    app, client, token, enrolment_id, other_enrolment_id
):
    mine = _observe(client, token, enrolment_id).json
    assert _observe(client, token, other_enrolment_id).status_code == 404
    assert client.get(mine["url"], headers=token("other_mentor")).status_code == 404
    assert client.get(mine["url"], headers=token("other_trainee")).status_code == 404
    assert (
        client.patch(
            mine["url"], json={"setting": "Hall"}, headers=token("other_mentor") | {"If-Match": '"1"'}
        ).status_code
        == 404
    )
    assert client.post(f"{mine['url']}/submit", headers=token("other_mentor") | {"If-Match": '"1"'}).status_code == 404
    assert _count(app) == 1


def test_a_trainee_reads_submitted_observations_only_and_cannot_record_one(client, token, enrolment_id):
    draft = _observe(client, token, enrolment_id).json
    submitted = _observe(client, token, enrolment_id, {**MET, "submit": True}).json
    listed = client.get(f"/api/v1/enrolments/{enrolment_id}/observations", headers=token("trainee"))
    assert [o["id"] for o in listed.json] == [submitted["id"]]
    assert client.get(draft["url"], headers=token("trainee")).status_code == 404
    assert client.get(submitted["url"], headers=token("trainee")).json["outcome"] == "met"
    refused = client.post(
        f"/api/v1/enrolments/{enrolment_id}/observations", json=MET, headers=token("trainee") | _key()
    )
    assert refused.status_code == 403


# ---- observations ---------------------------------------------------------------------------


def test_the_same_idempotency_key_twice_makes_one_observation_and_the_same_answer(app, client, token, enrolment_id):
    key = _key()
    first = _observe(client, token, enrolment_id, {**MET, "submit": True}, **key)
    second = _observe(client, token, enrolment_id, {**MET, "submit": True}, **key)
    assert first.status_code == second.status_code == 201
    assert first.json == second.json
    assert (first.headers["Idempotent-Replayed"], second.headers["Idempotent-Replayed"]) == ("false", "true")
    in_body = client.post(
        f"/api/v1/enrolments/{enrolment_id}/observations",
        json={**MET, "submit": True, "idempotency_key": key["Idempotency-Key"]},
        headers=token("mentor"),
    )
    assert in_body.json == first.json
    assert _count(app) == 1


def test_an_observation_without_a_key_or_with_a_reused_key_for_another_scenario_is_refused(
    app, client, token, enrolment_id
):
    no_key = client.post(f"/api/v1/enrolments/{enrolment_id}/observations", json=MET, headers=token("mentor"))
    assert no_key.status_code == 400 and no_key.json["errors"][0]["path"] == "idempotency_key"
    short = _observe(client, token, enrolment_id, MET, **{"Idempotency-Key": "abc"})
    assert short.status_code == 400 and short.json["errors"][0]["path"] == "idempotency_key"
    key = _key()
    _observe(client, token, enrolment_id, MET, **key)
    other = _observe(client, token, enrolment_id, {**MET, "scenario_key": "staff-training"}, **key)
    assert other.status_code == 400 and other.json["errors"][0]["path"] == "idempotency_key"
    assert _count(app) == 1


def test_a_draft_is_changed_with_if_match_then_submitted_once_and_locked(app, client, token, enrolment_id):
    mentor = token("mentor")
    draft = _observe(client, token, enrolment_id)
    url, tag = draft.json["url"], draft.headers["ETag"]
    assert draft.json["status"] == "draft"
    assert client.patch(url, json={"setting": "Hall"}, headers=mentor).status_code == 428
    changed = client.patch(url, json={"setting": "Hall"}, headers=mentor | {"If-Match": tag})
    assert changed.status_code == 200 and changed.json["setting"] == "Hall"
    assert changed.json["evidence"]["judgements"] == EVIDENCE["judgements"]
    stale = client.patch(url, json={"setting": "Library"}, headers=mentor | {"If-Match": tag})
    assert stale.status_code == 412
    assert client.post(f"{url}/submit", headers=mentor).status_code == 428
    assert client.post(f"{url}/submit", headers=mentor | {"If-Match": tag}).status_code == 412
    submitted = client.post(f"{url}/submit", headers=mentor | {"If-Match": changed.headers["ETag"]})
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted"
    again = client.post(f"{url}/submit", headers=mentor | {"If-Match": changed.headers["ETag"]})
    assert again.status_code == 200 and again.json == submitted.json
    locked = client.patch(url, json={"setting": "Library"}, headers=mentor | {"If-Match": submitted.headers["ETag"]})
    assert locked.status_code == 409
    assert client.get(url, headers=mentor).json["setting"] == "Hall"


@pytest.mark.parametrize(
    "change, path",
    [
        (
            {"evidence": {"judgements": [{"criterion": "no-such-criterion", "level": 3}]}},
            "evidence.judgements[0].criterion",
        ),
        ({"evidence": {"judgements": [{"criterion": "chairing", "level": 9}]}}, "evidence.judgements[0].level"),
        ({"evidence": {"faults": [{"fault": "no-such-fault"}]}}, "evidence.faults[0].fault"),
        ({"observed_on": (TODAY + timedelta(days=1)).isoformat()}, "observed_on"),
        ({"observed_on": (TODAY - timedelta(days=400)).isoformat()}, "observed_on"),
        ({"setting": "x" * 201}, "setting"),
        ({"scenario_key": "no-such-scenario"}, "scenario_key"),
        ({"submit": "yes"}, "submit"),
        ({"evidence": {"judgements": [{"criterion": "chairing", "level": 2.5}]}}, "evidence.judgements[0].level"),
    ],
)
def test_a_bad_observation_is_refused_at_its_json_path_and_nothing_is_saved(
    app, client, token, enrolment_id, change, path
):
    response = _observe(client, token, enrolment_id, {**MET, **change})
    assert response.status_code == 400, response.json
    assert path in [e["path"] for e in response.json["errors"]], response.json
    assert _count(app) == 0


def test_a_must_meet_failure_shows_in_progress_with_its_reason_and_what_is_missing(client, token, enrolment_id):
    weak = {
        **MET,
        "submit": True,
        "evidence": {
            "judgements": [{**j, "level": 2} if j["criterion"] == "child-voice" else j for j in EVIDENCE["judgements"]]
        },
    }
    observed = _observe(client, token, enrolment_id, weak).json
    assert observed["outcome"] == "not yet met"
    assert any("child" in r.lower() for r in observed["reasons"])
    progress = client.get(f"/api/v1/enrolments/{enrolment_id}/progress", headers=token("trainee"))
    assert progress.status_code == 200
    review = next(s for s in progress.json["scenarios"] if s["scenario_key"] == "annual-review")
    assert review["evidenced"] is False and review["met"] == 0
    assert [o["outcome"] for o in review["observations"]] == ["not yet met"]
    assert {m["code"] for m in review["missing"]} >= {"met_observations"}
    assert all(m["in_words"] for m in review["missing"])
    assert progress.json["senco_duty"]["status"] == "on_track" or progress.json["senco_duty"]["reasons"]


def test_progress_shows_drafts_to_the_mentor_only(client, token, enrolment_id):
    _observe(client, token, enrolment_id)
    url = f"/api/v1/enrolments/{enrolment_id}/progress"

    def review(who: str) -> dict:  # type: ignore[type-arg]
        return next(
            s for s in client.get(url, headers=token(who)).json["scenarios"] if s["scenario_key"] == "annual-review"
        )

    assert review("trainee")["observations"] == []
    assert [o["status"] for o in review("mentor")["observations"]] == ["draft"]
    assert review("designer")["observations"] == []


@pytest.mark.parametrize(
    "raw",
    [
        '{"scenario_key": "annual-review", "observed_on": "2026-01-01", "setting": NaN}',
        '{"scenario_key": "annual-review", "observed_on": "2026-01-01", "setting": "a", "evidence": {"judgements": '
        '[{"criterion": "chairing", "level": 1e400}]}}',
        '{"scenario_key": "annual-review", "observed_on": "2026-01-01", "setting": "a", "evidence": {"judgements": '
        '[{"criterion": "chairing", "level": 99999999999999999999999}]}}',
        '{"scenario_key": "annual-review", "observed_on": "2026-01-01", "setting": "\\ud800"}',
        '{"scenario_key": "annual-review", "observed_on": "0000-01-01", "setting": "a"}',
        '{"scenario_key": "annual-review", "observed_on": "2026-01-01", "setting": "a", "present": '
        + "[" * 200
        + "]" * 200
        + "}",
        '{"scenario_key": "annual-review", "setting": "a", "setting": "b", "observed_on": "2026-01-01"}',
    ],
)
def test_hostile_values_are_refused_not_a_server_error(app, client, token, enrolment_id, raw):
    response = client.post(
        f"/api/v1/enrolments/{enrolment_id}/observations",
        data=raw,
        content_type="application/json",
        headers=token("mentor") | _key(),
    )
    assert response.status_code == 400, response.json
    assert response.json["errors"] and all("path" in e for e in response.json["errors"])
    assert _count(app) == 0


def test_huge_ids_and_page_numbers_are_answered_not_a_server_error(client, token, enrolment_id):
    designer = token("designer")
    assert client.get("/api/v1/enrolments/99999999999999999999999999", headers=designer).status_code == 404
    assert client.get("/api/v1/cohorts?page=0", headers=designer).status_code == 400
    assert client.get("/api/v1/cohorts?page_size=1000", headers=designer).json["errors"][0]["path"] == "page_size"
    assert client.get("/api/v1/enrolments?page=99999999999999999999", headers=designer).status_code in (200, 400)


class _Queries:
    """Counts the SQL statements the app sends while a request is answered."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app, self.count = app, 0

    def _seen(self, *_args) -> None:  # type: ignore[no-untyped-def]
        self.count += 1

    def during(self, client, url: str, headers: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
        from sqlalchemy import event

        with self.app.app_context():
            engine = db.engine
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)
        try:
            assert client.get(url, headers=headers).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", self._seen)
        return self.count


def test_lists_load_in_the_same_number_of_queries_at_two_sizes_ten_times_apart(
    app, client, token, make_person, cohort_id, enrolment_id, people
):
    queries = _Queries(app)
    mentor, designer = token("mentor"), token("designer")
    observations = f"/api/v1/enrolments/{enrolment_id}/observations?page_size=100"
    enrolments = f"/api/v1/cohorts/{cohort_id}/enrolments?page_size=100"

    def add(observations_wanted: int, enrolments_wanted: int) -> None:
        while len(client.get(observations, headers=mentor).json) < observations_wanted:
            _observe(client, token, enrolment_id, {**MET, "submit": True})
        while len(client.get(enrolments, headers=designer).json) < enrolments_wanted:
            n = len(client.get(enrolments, headers=designer).json)
            trainee = make_person(f"t{n}@example.org", Role.TRAINEE)
            client.post(
                f"/api/v1/cohorts/{cohort_id}/enrolments",
                json={"trainee_id": trainee, "mentor_ids": [people["mentor"]]},
                headers=designer,
            )

    add(2, 2)
    lists = ((observations, mentor), (enrolments, designer), ("/api/v1/enrolments?page_size=100", mentor))
    small = [queries.during(client, url, h) for url, h in lists]
    add(20, 20)
    large = [queries.during(client, url, h) for url, h in lists]
    assert large == small


def test_a_cohort_on_a_draft_programme_version_is_refused(app, client, token):
    from curriculum import services as curriculum

    with app.app_context():
        draft = curriculum.create_programme(None, curriculum.ProgrammeDetails("Draft only", "Hub", TODAY, 52)).draft
        draft_id = draft.id
    response = client.post(
        "/api/v1/cohorts", json={"name": "Too soon", "programme_version_id": draft_id}, headers=token("designer")
    )
    assert response.status_code == 400
    assert response.json["errors"] == [
        {"path": "programme_version_id", "message": "Choose a published programme version"}
    ]


# ---- corrections, their history, and the register ------------------------------------------


def _bearer(make_person, email: str) -> str:  # type: ignore[no-untyped-def]
    person_id = make_person(email, Role.MENTOR)
    return f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), 'third')}"


def _submitted(client, token, enrolment_id: int):  # type: ignore[no-untyped-def]
    made = _observe(client, token, enrolment_id, {**MET, "submit": True})
    assert made.status_code == 201, made.json
    return made


def test_a_mentor_corrects_a_submitted_observation_with_a_reason_and_the_trainee_reads_the_history(
    client, token, enrolment_id
):  # type: ignore[no-untyped-def]
    made = _submitted(client, token, enrolment_id)
    url = made.json["url"]
    amended = client.post(
        f"{url}/amendments",
        json={"setting": "Family room", "reason": "Wrong room written down"},
        headers=token("mentor") | {"If-Match": made.headers["ETag"]},
    )
    assert amended.status_code == 200, amended.json
    assert amended.json["setting"] == "Family room" and amended.headers["ETag"] != made.headers["ETag"]
    history = client.get(f"{url}/revisions", headers=token("trainee"))
    assert history.status_code == 200
    [revision] = history.json
    assert revision["number"] == 1 and revision["reason"] == "Wrong room written down"
    assert revision["author"]["name"] == "Mo Mentor"
    assert revision["changes"] == ["Setting: “Meeting room” changed to “Family room”"]
    assert revision["before"]["setting"] == "Meeting room" and revision["after"]["setting"] == "Family room"


def test_a_correction_without_a_reason_or_if_match_or_by_someone_else_is_refused_and_nothing_changes(
    client, token, enrolment_id
):  # type: ignore[no-untyped-def]
    made = _submitted(client, token, enrolment_id)
    url, tag = made.json["url"], made.headers["ETag"]
    no_lock = client.post(f"{url}/amendments", json={"setting": "Hall", "reason": "Typo"}, headers=token("mentor"))
    assert no_lock.status_code == 428
    blank = client.post(
        f"{url}/amendments", json={"setting": "Hall", "reason": "  "}, headers=token("mentor") | {"If-Match": tag}
    )
    assert blank.status_code == 400 and blank.json["errors"][0]["path"] == "reason"
    stale = client.post(
        f"{url}/amendments", json={"setting": "Hall", "reason": "Typo"}, headers=token("mentor") | {"If-Match": '"999"'}
    )
    assert stale.status_code == 412
    future = client.post(
        f"{url}/amendments",
        json={"observed_on": (TODAY + timedelta(days=2)).isoformat(), "reason": "Date"},
        headers=token("mentor") | {"If-Match": tag},
    )
    assert future.status_code == 400 and future.json["errors"][0]["path"] == "observed_on"
    assert (
        client.post(
            f"{url}/amendments", json={"reason": "Mine"}, headers=token("trainee") | {"If-Match": tag}
        ).status_code
        == 403
    )
    assert client.get(url, headers=token("mentor")).json["setting"] == "Meeting room"
    assert client.get(f"{url}/revisions", headers=token("mentor")).json == []


def test_another_mentors_observation_is_not_found(app, client, token, make_person, enrolment_id):  # type: ignore[no-untyped-def]
    made = _submitted(client, token, enrolment_id)
    url = made.json["url"]
    # A designer may not amend (403), and reads no lesson notes; a mentor of nobody here gets 404.
    assert client.get(f"{url}/revisions", headers=token("designer")).status_code == 403
    with app.app_context():
        stranger = {"Authorization": _bearer(make_person, "third@example.org")}
    assert client.get(f"{url}/revisions", headers=stranger).status_code == 404
    assert (
        client.post(
            f"{url}/amendments", json={"reason": "x"}, headers=stranger | {"If-Match": made.headers["ETag"]}
        ).status_code
        == 404
    )


def test_the_register_is_paginated_for_staff_and_refused_to_others(
    client, token, app, people, enrolment_id, other_enrolment_id
):  # type: ignore[no-untyped-def]
    with app.app_context():
        case_study.record(
            enrolment_id,
            CaseStudyDates(
                submitted_on=TODAY - timedelta(days=20),
                result=CaseStudyResult.PASSED,
                result_on=TODAY - timedelta(days=5),
            ),
            people["mentor"],
            TODAY,
        )
    designer = token("designer")
    completed = client.get("/api/v1/register", headers=designer)
    assert completed.status_code == 200
    assert [r["trainee"] for r in completed.json] == ["Tia Trainee"] and completed.json[0]["completed"] is True
    every = client.get("/api/v1/register?completed_only=false&page_size=1", headers=designer)
    assert len(every.json) == 1 and '"total": 2' in every.headers["X-Pagination"]
    second = client.get("/api/v1/register?completed_only=false&page_size=1&page=2", headers=designer)
    assert second.json[0]["enrolment_id"] != every.json[0]["enrolment_id"]
    assert client.get("/api/v1/register?page=99999999999", headers=designer).status_code in (200, 400, 422)
    assert client.get("/api/v1/register", headers=token("mentor")).status_code == 403


# ---- requests --------------------------------------------------------------------------------


def test_a_trainee_asks_a_mentor_to_observe_and_the_mentor_accepts_or_declines(client, token, enrolment_id, people):  # type: ignore[no-untyped-def]
    ask = {"mentor_id": people["mentor"], "scenario_key": "annual-review", "note": "Before half term"}
    made = client.post(f"/api/v1/enrolments/{enrolment_id}/requests", json=ask, headers=token("trainee"))
    assert made.status_code == 201 and made.json["status"] == "open" and made.json["mentor"]["name"] == "Mo Mentor"
    again = client.post(f"/api/v1/enrolments/{enrolment_id}/requests", json=ask, headers=token("trainee"))
    assert again.status_code == 400 and again.json["errors"][0]["path"] == "scenario_key"
    listed = client.get("/api/v1/requests", headers=token("mentor"))
    assert [r["id"] for r in listed.json] == [made.json["id"]] and listed.json[0]["trainee"]["name"] == "Tia Trainee"
    url = f"/api/v1/requests/{made.json['id']}"
    past = client.post(
        f"{url}/accept", json={"planned_on": (TODAY - timedelta(days=1)).isoformat()}, headers=token("mentor")
    )
    assert past.status_code == 400 and past.json["errors"][0]["path"] == "planned_on"
    assert client.post(f"{url}/decline", json={"reason": " "}, headers=token("mentor")).status_code == 400
    accepted = client.post(f"{url}/accept", json={"planned_on": TODAY.isoformat()}, headers=token("mentor"))
    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert client.post(f"{url}/decline", json={"reason": "Away"}, headers=token("mentor")).status_code == 409
    mine = client.get("/api/v1/requests", headers=token("trainee")).json
    assert [(r["status"], r["planned_on"]) for r in mine] == [("accepted", TODAY.isoformat())]


def test_requests_of_other_people_are_not_found(client, token, enrolment_id, other_enrolment_id, people):  # type: ignore[no-untyped-def]
    # Not one of the trainee's mentors: located, nothing saved.
    wrong = client.post(
        f"/api/v1/enrolments/{enrolment_id}/requests",
        json={"mentor_id": people["other_mentor"], "scenario_key": "annual-review"},
        headers=token("trainee"),
    )
    assert wrong.status_code == 400 and wrong.json["errors"][0]["path"] == "mentor_id"
    # Another trainee's enrolment: 404, whether or not it exists.
    for enrolment in (other_enrolment_id, 99999999):
        response = client.post(
            f"/api/v1/enrolments/{enrolment}/requests",
            json={"mentor_id": people["mentor"], "scenario_key": "annual-review"},
            headers=token("trainee"),
        )
        assert response.status_code == 404
    made = client.post(
        f"/api/v1/enrolments/{enrolment_id}/requests",
        json={"mentor_id": people["mentor"], "scenario_key": "annual-review"},
        headers=token("trainee"),
    ).json
    # A request to another mentor is not found by them; a designer may not answer one at all.
    other = client.post(
        f"/api/v1/requests/{made['id']}/accept", json={"planned_on": TODAY.isoformat()}, headers=token("other_mentor")
    )
    assert other.status_code == 404
    assert client.get("/api/v1/requests", headers=token("other_mentor")).json == []
    assert client.get("/api/v1/requests", headers=token("designer")).status_code == 403
