"""Observations and enrolments go six years after their cohort ends, with everything about them,
and then the account of a trainee who left, once nothing refers to it; a cohort still in use stays."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from assessments import services
from assessments.models import (
    CalibrationAttempt,
    CalibrationExemplar,
    Cohort,
    Enrolment,
    ModerationItem,
    ModerationSample,
    NextStep,
    Observation,
    enrolment_mentor,
)
from assessments.services import calibration, feedback
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from core.privacy import retention

from .test_moderation import _evidence, _sample_of, _submit

SEVEN_YEARS = timedelta(days=7 * 365)
TABLES = {
    "cohort": Cohort,
    "enrolment": Enrolment,
    "observation": Observation,
    "next_step": NextStep,
    "moderation_item": ModerationItem,
    "moderation_sample": ModerationSample,
    "user": User,
}


def counts() -> dict[str, int]:
    found = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in TABLES.items()}
    found["enrolment_mentor"] = db.session.scalar(select(func.count()).select_from(enrolment_mentor))
    return found


def removed(reports: list[retention.Report]) -> dict[str, dict[str, int]]:
    return {report.rule.kind: report.counts.removed for report in reports if report.counts.removed}


@pytest.fixture
def old_cohort(app, cohort_id, enrolment_id, people, make_person) -> int:  # type: ignore[no-untyped-def]
    """Beside the current cohort (a trainee with a submitted observation), a cohort whose every
    record dates from seven years ago: an observation with a next step, a reflection and a
    moderation sample; its trainee's account was deactivated then too."""
    _submit(app, enrolment_id, people["mentor"], _evidence((3, 3, 3, 3, 3, 3)), "current")
    moderator = make_person("moderator@example.org", Role.MODERATOR)
    with app.app_context():
        version_id = db.session.get(Cohort, cohort_id).programme_version_id
        old_id = services.create_cohort("Cohort of long ago", version_id).id
        given = services.EnrolmentInput(people["other_trainee"], (people["other_mentor"],), "Vale Academy")
        enrolled = services.enrol(old_id, given, utcnow().date()).id
    observed = _submit(app, enrolled, people["other_mentor"], _evidence((2, 3, 3, 3, 3, 3)), "long-ago")
    _sample_of(app, old_id, moderator, [observed])
    with app.app_context():
        feedback.set_next_step(observed, people["other_mentor"], "facts-and-law", "Check the law first.")
        feedback.reflect(observed, people["other_trainee"], "I will check the law first.")
        accounts.set_active(None, db.session.get(User, people["other_trainee"]), False)
        then = utcnow() - SEVEN_YEARS
        db.session.execute(update(Cohort).where(Cohort.id == old_id).values(created_at=then))
        db.session.execute(update(Enrolment).where(Enrolment.id == enrolled).values(created_at=then))
        db.session.execute(
            update(Observation)
            .where(Observation.id == observed)
            .values(observed_on=then.date(), submitted_at=then, reflected_at=then)
        )
        db.session.execute(update(User).where(User.id == people["other_trainee"]).values(deactivated_at=then))
        db.session.commit()
    return old_id


def test_a_cohort_ended_six_years_ago_loses_its_records_then_its_left_trainees_account_and_a_current_one_stays(
    app, old_cohort, people
):
    with app.app_context():
        before = counts()
        dry = retention.purge(utcnow(), dry_run=True)
        assert counts() == before  # a dry run removes nothing
        expected = {
            "observations": {"moderation_item": 1, "moderation_sample": 1, "next_step": 1, "observation": 1},
            "enrolments": {"enrolment_mentor": 1, "enrolment": 1},
            # The trainee who left is named by nothing once their enrolment has gone.
            "accounts": {"role_grant": 1, "user": 1},
        }
        assert removed(dry) == expected

        assert removed(retention.purge(utcnow())) == expected
        after = counts()
        assert {name: before[name] - after[name] for name in before} == {
            "cohort": 0,  # a cohort's name and settings are not about a person
            "enrolment": 1,
            "observation": 1,
            "next_step": 1,
            "moderation_item": 1,
            "moderation_sample": 1,
            "user": 1,
            "enrolment_mentor": 1,
        }
        assert db.session.get(User, people["other_trainee"]) is None
        current = db.session.scalars(select(Enrolment.trainee_id)).all()
        assert current == [people["trainee"]]

        assert removed(retention.purge(utcnow())) == {}  # safe to run twice


def test_a_deactivated_account_that_records_still_name_is_kept_and_reported(app, old_cohort, people):
    """Observations go after a shorter period here, enrolments not yet: the trainee's account stays."""
    app.config["RETENTION_ENROLMENTS_DAYS"] = 8 * 365
    with app.app_context():
        reports = {report.rule.kind: report for report in retention.purge(utcnow())}
        assert reports["observations"].counts.removed["observation"] == 1
        assert reports["enrolments"].counts.removed == {}
        assert reports["accounts"].counts.removed == {}
        assert reports["accounts"].counts.kept == {
            "deactivated accounts past the period that records still refer to (user)": 1
        }
        assert db.session.get(User, people["other_trainee"]) is not None


def test_a_cohort_with_anything_recorded_lately_has_not_ended_however_old_it_is(app, old_cohort):
    with app.app_context():
        db.session.execute(
            update(Observation).where(Observation.idempotency_key == "long-ago").values(reflected_at=utcnow())
        )
        db.session.commit()
        reports = {report.rule.kind: report for report in retention.purge(utcnow(), dry_run=True)}
        assert reports["observations"].counts.removed == {}
        assert reports["enrolments"].counts.removed == {}


def test_calibration_attempts_go_three_years_after_they_were_made(app, cohort_id, people):
    with app.app_context():
        version = calibration.published_version("annual-review")
        exemplar = CalibrationExemplar(
            scenario_key="annual-review", rubric_version_id=version.id, title="A review", account="What happened."
        )
        db.session.add(exemplar)
        db.session.flush()
        for mentor, days in ((people["mentor"], 3 * 365 + 1), (people["other_mentor"], 3 * 365 - 1)):
            db.session.add(
                CalibrationAttempt(
                    exemplar_id=exemplar.id, mentor_id=mentor, created_at=utcnow() - timedelta(days=days)
                )
            )
        db.session.commit()
        report = next(r for r in retention.purge(utcnow()) if r.rule.kind == "calibration")
        assert report.counts.removed == {"calibration_attempt": 1}
        assert db.session.scalars(select(CalibrationAttempt.mentor_id)).all() == [people["other_mentor"]]
