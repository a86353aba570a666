"""A cohort's assessment settings: chosen until the first submitted observation, then fixed with
the reason shown; a scenario moves to a new rubric version only by an explicit, confirmed act,
after which earlier observations are shown apart and not counted."""

from __future__ import annotations

import re
from datetime import timedelta

from assessments import services
from assessments.models import Cohort, Observation
from competencies import services as competency_services
from competencies.services import authoring
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict
from tests.conftest import post_form

from .conftest import TODAY

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
    ],
    "faults": [],
}


def _observe(app, enrolment_id: int, mentor_id: int, key: str):  # type: ignore[no-untyped-def]
    with app.app_context():
        return services.record_observation(
            enrolment_id,
            mentor_id,
            services.ObservationInput(
                "annual-review", TODAY - timedelta(days=2), "Meeting room", (), EVIDENCE, key, submit=True
            ),
            TODAY,
        ).id


def _lock(page: str) -> str:
    return re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)


def _settings(lock: str, **changes: str) -> dict[str, str]:
    return {
        "method": "latest",
        "decay_weight": "0.65",
        "times": "3",
        "min_met": "3",
        "min_observers": "2",
        "min_settings": "2",
        "no_dangerous_in_last": "3",
        "lock_version": lock,
        **changes,
    }


def _publish_new_version(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        rubric = competency_services.get_scenario("annual-review").rubric
        draft = authoring.start_draft(rubric.id)
        criteria = [dict(c) for c in draft.definition["criteria"]]
        criteria[0]["title"] = "Follows the statutory timelines, revised"
        draft.definition = {**draft.definition, "criteria": criteria}
        db.session.commit()
        return authoring.publish(rubric.id).id


def test_a_new_cohort_pins_each_scenario_to_its_current_published_rubric_version(app, cohort_id):
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        published = competency_services.get_scenario("annual-review").rubric.published[-1]
        assert cohort.rubric_pins["annual-review"] == published.id


def test_a_designer_chooses_the_method_and_policy_and_bad_values_are_refused_by_the_engines_rules(
    app, client, auth, make_person, cohort_id
):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/assessments/cohorts/{cohort_id}/settings"
    lock = _lock(client.get(url).get_data(as_text=True))
    bad = post_form(client, url, _settings(lock, decay_weight="1.5", min_met="0", method="mean"))
    text = bad.get_data(as_text=True)
    assert "Enter the weight of the newest observation as a number above 0 and below 1" in text
    assert "Enter a whole number from 1 to" in text
    good = post_form(
        client, url, _settings(lock, method="decaying-average", decay_weight="0.7", min_met="2", min_observers="1")
    )
    assert good.status_code == 302
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.aggregation["method"] == "decaying-average" and cohort.aggregation["mixed_rubrics"] == "leave-out"
        assert cohort.sign_off_policy["min_met"] == 2 and cohort.sign_off_policy["min_observers"] == 1
    stale = post_form(client, url, _settings(lock, min_met="4"))
    assert "changed this cohort’s settings since you opened the page" in stale.get_data(as_text=True)


def test_settings_freeze_at_the_first_submitted_observation_and_the_page_says_why(
    app, client, auth, make_person, cohort_id, enrolment_id, people
):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/assessments/cohorts/{cohort_id}/settings"
    lock = _lock(client.get(url).get_data(as_text=True))
    _observe(app, enrolment_id, people["mentor"], "first-submitted")
    page = client.get(url).get_data(as_text=True)
    assert "when the cohort’s first observation was submitted" in page and 'name="min_met"' not in page
    refused = post_form(client, url, _settings(lock, min_met="1"))
    assert "Nothing was saved: these settings were fixed" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).sign_off_policy["min_met"] == 3
        try:
            services.cohorts.update_settings(
                cohort_id, services.cohorts.settings_of(db.session.get(Cohort, cohort_id)), 1
            )
        except Conflict as error:
            assert "froze" in error.message
        else:
            raise AssertionError("frozen settings changed")


def test_moving_to_a_new_rubric_version_is_confirmed_and_earlier_observations_are_shown_apart(
    app, client, auth, make_person, cohort_id, enrolment_id, people
):
    first = _observe(app, enrolment_id, people["mentor"], "before-the-move")
    new_version = _publish_new_version(app)
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/assessments/cohorts/{cohort_id}/rubrics/annual-review/move"
    page = client.get(url).get_data(as_text=True)
    assert "Earlier observations stay as evidence under the rubric version that scored them" in page
    assert "1 submitted observation of this scenario was scored with the current version" in page
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).rubric_pins["annual-review"] != new_version  # nothing moved yet
    not_moved = _observe(app, enrolment_id, people["mentor"], "published-but-not-moved")
    with app.app_context():  # a newer published version alone changes nothing: the cohort's pin scores
        assert (
            db.session.get(Observation, not_moved).rubric_version_id
            == db.session.get(Observation, first).rubric_version_id
        )
    moved = post_form(client, url, {"rubric_version_id": str(new_version), "lock_version": _lock(page)})
    assert moved.status_code == 302
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        assert cohort.rubric_pins["annual-review"] == new_version
        assert cohort.rubric_moves[-1]["to"] == new_version and cohort.rubric_moves[-1]["earlier_observations"] == 2
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    form = client.get(f"/assessments/trainees/{enrolment_id}/observations/new/annual-review").get_data(as_text=True)
    assert "Follows the statutory timelines, revised" in form  # the form follows the cohort's new pin
    trainee_page = client.get(f"/assessments/trainees/{enrolment_id}").get_data(as_text=True)
    assert "2 earlier observations under another rubric version, not counted" in trainee_page
    assert "Not started" in trainee_page  # the earlier observation does not count towards sign-off
    second = _observe(app, enrolment_id, people["mentor"], "after-the-move")
    with app.app_context():
        assert db.session.get(Observation, second).rubric_version_id == new_version
        assert db.session.get(Observation, first).rubric_version_id != new_version
    assert "1 met observation so far" in client.get(f"/assessments/trainees/{enrolment_id}").get_data(as_text=True)


def test_only_designers_and_administrators_see_the_settings_and_an_unknown_scenario_is_not_found(
    client, auth, make_person, cohort_id, people
):
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/cohorts/{cohort_id}/settings").status_code == 403
    assert client.get(f"/assessments/cohorts/{cohort_id}/rubrics/annual-review/move").status_code == 403
    auth.sign_out()
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    assert client.get(f"/assessments/cohorts/{cohort_id}/settings").status_code == 200
    assert client.get(f"/assessments/cohorts/{cohort_id}/rubrics/no-such-scenario/move").status_code == 404
    assert client.get("/assessments/cohorts/99999/settings").status_code == 404


def test_hostile_values_on_the_settings_page_are_refused_without_a_server_error(client, auth, make_person, cohort_id):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/assessments/cohorts/{cohort_id}/settings"
    lock = _lock(client.get(url).get_data(as_text=True))
    for changes in (
        {"decay_weight": "NaN"},
        {"decay_weight": "1e999999"},
        {"min_met": "9" * 400},
        {"times": "-1"},
        {"method": "telepathy"},
        {"pin_annual-review": "999999"},
        {"lock_version": "9" * 50},
    ):
        response = post_form(client, url, _settings(lock, **changes))
        assert response.status_code in (200, 400), changes
        assert "govuk-error-summary" in response.get_data(as_text=True), changes
