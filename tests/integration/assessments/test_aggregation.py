"""The cohort's aggregation method takes effect: progress, the mentor's page, the grid and the API
read the same observations through the method the cohort chose on its settings page. And of two
observations on the same day, "latest" is the one recorded later."""

from __future__ import annotations

from datetime import timedelta

from assessments import services
from assessments.models import Cohort, Enrolment
from assessments.services import cohorts as cohort_services
from assessments.services import grid
from core.extensions import db

from .conftest import TODAY
from .test_progress import MET

CRITERIA = [j["criterion"] for j in MET["judgements"]]
# Every criterion at level 1: the annual-review rubric's "not met".
NOT_MET = {"judgements": [{"criterion": k, "level": 1} for k in CRITERIA], "faults": []}
HIGH = {"judgements": [{"criterion": k, "level": 4} for k in CRITERIA], "faults": []}


def _observe(enrolment_id: int, mentor_id: int, evidence: dict, days_ago: int, key: str) -> None:  # type: ignore[type-arg]
    services.record_observation(
        enrolment_id,
        mentor_id,
        services.ObservationInput(
            "annual-review", TODAY - timedelta(days=days_ago), "Meeting room", (), evidence, key, submit=True
        ),
        TODAY,
    )


def _use(cohort_id: int, method: str) -> None:
    cohort = db.session.get(Cohort, cohort_id)
    given = cohort_services.settings_of(cohort)
    given = cohort_services.CohortSettings(method, given.decay_weight, given.times, given.sign_off, given.pins)
    cohort_services.update_settings(cohort_id, given, cohort.lock_version)


def _annual_review(enrolment_id: int) -> services.ScenarioProgress:
    enrolment = db.session.get(Enrolment, enrolment_id)
    return next(p for p in services.progress(enrolment) if p.scenario.key == "annual-review")


def _cohort_on(method: str, like: int) -> int:
    """A new cohort on the same programme version as ``like``, set to ``method`` before any observation
    (the settings freeze at the first submitted one)."""
    version_id = db.session.get(Cohort, like).programme_version_id
    cohort_id = services.create_cohort(f"Cohort on {method}", version_id).id
    _use(cohort_id, method)
    return cohort_id


def _strong_then_weak(cohort_id: int, trainee_id: int, mentor_id: int, prefix: str) -> int:
    enrolment = services.enrol(cohort_id, services.EnrolmentInput(trainee_id, (mentor_id,)), TODAY)
    # Strong twice, then weak most recently: the latest is not met, the average still is.
    _observe(enrolment.id, mentor_id, HIGH, 20, f"{prefix}-1")
    _observe(enrolment.id, mentor_id, HIGH, 10, f"{prefix}-2")
    _observe(enrolment.id, mentor_id, NOT_MET, 5, f"{prefix}-3")
    return enrolment.id


def test_a_cohort_on_mean_and_one_on_latest_show_different_progress_for_the_same_observations(app, cohort_id, people):
    with app.app_context():
        on_latest, on_mean = _cohort_on("latest", cohort_id), _cohort_on("mean", cohort_id)
        latest = _annual_review(_strong_then_weak(on_latest, people["trainee"], people["mentor"], "l"))
        mean = _annual_review(_strong_then_weak(on_mean, people["other_trainee"], people["mentor"], "m"))
        latest_cells = grid.cohort_grid(on_latest, grid.GridFilters()).rows.items[0].cells
        mean_cells = grid.cohort_grid(on_mean, grid.GridFilters()).rows.items[0].cells

    assert latest.overall is not None and mean.overall is not None
    assert latest.overall.method == "latest" and mean.overall.method == "mean"
    assert latest.overall.outcome is not mean.overall.outcome
    assert latest.overall_in_words == "Overall (latest observation): not yet met."
    assert mean.overall_in_words == "Overall (average of all observations): met."
    assert latest.sign_off == mean.sign_off  # sign-off is the policy's, not the method's
    # The grid reads the same policies: its cells follow the method too.
    assert [c.text for c in latest_cells] != [c.text for c in mean_cells]


def test_the_mentors_page_shows_the_cohorts_method(app, client, auth, cohort_id, people):  # type: ignore[no-untyped-def]
    with app.app_context():
        enrolment_id = _strong_then_weak(_cohort_on("highest", cohort_id), people["trainee"], people["mentor"], "h")
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/trainees/{enrolment_id}").get_data(as_text=True)
    assert "Overall (highest level reached): met." in page


def test_of_two_same_day_observations_latest_is_the_one_recorded_later(app, cohort_id, people):
    with app.app_context():
        _use(cohort_id, "latest")
        enrolment = services.enrol(cohort_id, services.EnrolmentInput(people["trainee"], (people["mentor"],)), TODAY)
        # Keys chosen so that the later-recorded one sorts first: the random key must not decide.
        _observe(enrolment.id, people["mentor"], NOT_MET, 3, "zzzz-first")
        _observe(enrolment.id, people["mentor"], HIGH, 3, "aaaa-second")
        assert _annual_review(enrolment.id).overall.outcome.value == "met"

        other = services.enrol(cohort_id, services.EnrolmentInput(people["other_trainee"], (people["mentor"],)), TODAY)
        _observe(other.id, people["mentor"], HIGH, 3, "aaaa-one")
        _observe(other.id, people["mentor"], NOT_MET, 3, "zzzz-two")
        assert _annual_review(other.id).overall.outcome.value == "not yet met"
