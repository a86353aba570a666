"""Sign-off follows the cohort's policy: enough met observations, by enough observers, in enough settings."""

from __future__ import annotations

from datetime import timedelta

from assessments import services
from assessments.models import Enrolment
from core.extensions import db
from tests.marks import MET_ANNUAL_REVIEW as MET

from .conftest import TODAY


def _observe(enrolment_id: int, mentor_id: int, setting: str, days_ago: int, key: str) -> None:
    services.record_observation(
        enrolment_id,
        mentor_id,
        services.ObservationInput(
            "annual-review", TODAY - timedelta(days=days_ago), setting, (), MET, key, submit=True
        ),
        TODAY,
    )


def _annual_review(enrolment_id: int) -> services.ScenarioProgress:
    enrolment = db.session.get(Enrolment, enrolment_id)
    return next(p for p in services.progress(enrolment) if p.scenario.key == "annual-review")


def test_three_met_observations_by_two_mentors_in_two_settings_are_evidenced(app, cohort_id, people):
    with app.app_context():
        enrolment = services.enrol(
            cohort_id, services.EnrolmentInput(people["trainee"], (people["mentor"], people["other_mentor"])), TODAY
        )
        _observe(enrolment.id, people["mentor"], "Meeting room", 30, "k1")
        _observe(enrolment.id, people["mentor"], "Meeting room", 20, "k2")
        progress = _annual_review(enrolment.id)
        assert not progress.sign_off.evidenced
        assert progress.missing == (
            "1 more met observation (2 of 3 so far).",
            "Met with 2 different observers (1 so far): one more needs a new observer.",
            "Met in 2 different settings (1 so far): one more needs another setting.",
        )
        _observe(enrolment.id, people["other_mentor"], "Family room", 10, "k3")
        progress = _annual_review(enrolment.id)
        assert progress.sign_off.evidenced and progress.in_words == "Evidenced: ready for sign-off"
