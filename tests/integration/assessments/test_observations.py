"""Mentors record observations of their own trainees; trainees read the outcome and what is missing."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from assessments.models import Observation
from competencies.models import RubricVersion
from core.extensions import db
from tests.conftest import csrf_token

from .conftest import TODAY

NEW = "/assessments/trainees/{}/observations/new/annual-review"


def _date(day) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"observed_on": [str(day.day), str(day.month), str(day.year)]}


def _observation(
    client, enrolment_id: int, *, child_voice: int = 3, day=None, button: str = "submit_observation", page=None
):  # type: ignore[no-untyped-def]
    """Fill in the annual review form as a mentor would: levels c0..c5 in the rubric's order
    (timelines, facts and law, the child's voice, progress, chairing, amendments)."""
    page = page or client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', page).group(1)
    data = {
        "csrf_token": csrf_token(page),
        "idempotency_key": key,
        **_date(day or TODAY - timedelta(days=1)),
        "setting": "Meeting room",
        "present": ["Parents or carers"],
        "c0": "3",
        "c1": "3",
        "c2": str(child_voice),
        "c3": "3",
        "c4": "3",
        "c5": "3",
        "m2": "Asked the pupil first.",
        button: "1",
    }
    return client.post(NEW.format(enrolment_id), data=data), data


def _count(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Observation))


def test_a_mentor_sees_only_their_own_trainees(client, auth, enrolment_id, other_enrolment_id):
    auth.sign_in("mentor@example.org")
    home = client.get("/assessments/observations").get_data(as_text=True)
    assert "Tia Trainee" in home and "Sam Second" not in home
    assert client.get(f"/assessments/trainees/{enrolment_id}").status_code == 200
    assert client.get(f"/assessments/trainees/{other_enrolment_id}").status_code == 404
    assert client.get(NEW.format(other_enrolment_id)).status_code == 404


def test_a_submitted_observation_shows_its_outcome_to_the_mentor_and_the_trainee(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    response, _ = _observation(client, enrolment_id)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Outcome: met" in page and "Submitted" in page and "Asked the pupil first." in page
    with app.app_context():
        assert db.session.scalar(select(Observation)).rubric_version.in_use
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    mine = client.get("/assessments/my-training").get_data(as_text=True)
    assert "Outcome: met" in mine
    assert "2 more met observations (1 of 3 so far)." in mine
    assert "On track" in mine  # became SENCO 400 days ago: the third anniversary is ahead


def test_a_must_meet_criterion_below_its_level_is_not_yet_met_with_its_reason(client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    response, _ = _observation(client, enrolment_id, child_voice=2)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Outcome: not yet met" in page
    assert "Keeps the child" in page and "level 3" in page  # the must-meet criterion, named, with the level it needed
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    mine = client.get("/assessments/my-training").get_data(as_text=True)
    assert "Outcome: not yet met" in mine and "The latest observation must be met." in mine


def test_an_observation_dated_in_the_future_is_refused_and_nothing_is_saved(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    response, _ = _observation(client, enrolment_id, day=TODAY + timedelta(days=1))
    assert response.status_code == 200
    assert "The date of the observation must be today or in the past" in response.get_data(as_text=True)
    assert _count(app) == 0


def test_submitting_the_same_form_twice_makes_one_record(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    page = client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    first, data = _observation(client, enrolment_id, page=page)
    second = client.post(NEW.format(enrolment_id), data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert _count(app) == 1


def test_a_draft_stays_out_of_the_trainees_view_until_submitted_and_is_then_locked(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    response, _ = _observation(client, enrolment_id, button="save_draft")
    url = response.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Draft" in page and "Outcome: met" in page
    with app.app_context():
        assert not db.session.scalar(select(RubricVersion).where(RubricVersion.in_use.is_(True)).limit(1))
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert "Outcome:" not in client.get("/assessments/my-training").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    page = client.get(url).get_data(as_text=True)  # a new sign-in, a new form token
    lock = re.search(r'name="lock_version" value="(\d+)"', page).group(1)
    client.post(f"{url}/submit", data={"csrf_token": csrf_token(page), "lock_version": lock})
    page = client.get(url).get_data(as_text=True)
    assert "Submitted" in page and "Change the draft" not in page
    assert client.get(f"{url}/change").status_code == 404


def test_another_mentor_cannot_open_or_submit_an_observation(app, client, auth, enrolment_id, other_enrolment_id):
    auth.sign_in("mentor@example.org")
    response, _ = _observation(client, enrolment_id, button="save_draft")
    url = response.headers["Location"]
    auth.sign_out()
    auth.sign_in("other@example.org")
    assert client.get(url).status_code == 404
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert client.post(f"{url}/submit", data={"csrf_token": token, "lock_version": "1"}).status_code == 404


def test_trainees_and_mentors_cannot_open_each_others_pages(client, auth, enrolment_id):
    auth.sign_in("trainee@example.org")
    assert client.get(f"/assessments/trainees/{enrolment_id}").status_code == 403
    assert client.get("/assessments/cohorts").status_code == 403
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    assert client.get("/assessments/my-training").status_code == 403


def test_a_trainee_sees_only_their_own_observations(client, auth, enrolment_id, other_enrolment_id):
    auth.sign_in("mentor@example.org")
    _observation(client, enrolment_id)
    auth.sign_out()
    auth.sign_in("second@example.org")
    mine = client.get("/assessments/my-training").get_data(as_text=True)
    assert "Outcome:" not in mine


def test_a_draft_changed_by_someone_else_since_it_was_opened_is_refused(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    response, _ = _observation(client, enrolment_id, button="save_draft")
    change = response.headers["Location"] + "/change"
    stale = client.get(change).get_data(as_text=True)
    fresh = client.get(change).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([^"]+)"', fresh).group(1)
    base = {
        "idempotency_key": key,
        **_date(TODAY),
        "setting": "Library",
        "c0": "3",
        "c1": "3",
        "c2": "3",
        "c3": "3",
        "c5": "3",
        "c4": "3",
        "save_draft": "1",
    }
    assert client.post(change, data={**base, "csrf_token": csrf_token(fresh), "lock_version": "1"}).status_code == 302
    refused = client.post(
        change, data={**base, "setting": "Hall", "csrf_token": csrf_token(stale), "lock_version": "1"}
    )
    assert "Someone changed this observation since you opened it" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Observation)).setting == "Library"
    # A change that does not say which version it saw (the hidden field removed) is refused too.
    blind = client.post(change, data={**base, "setting": "Hall", "csrf_token": csrf_token(fresh)})
    assert "Someone changed this observation since you opened it" in blind.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Observation)).setting == "Library"


def test_a_scenario_outside_the_trainees_programme_is_not_found(client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/trainees/{enrolment_id}/observations/new/no-such-scenario").status_code == 404
