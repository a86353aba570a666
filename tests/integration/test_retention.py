"""Retention of core's records: each kind older than its period goes, newer stays; a dry run
removes nothing; a second run removes nothing more; a setting changes a period; the command
prints it all; and the job runner starts the daily purge once however many runners look at once."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core import jobs
from core.accounts.models import ApiToken, SignInFailure, User
from core.accounts.roles import Role
from core.app import create_app
from core.audit import Action, Subject, record
from core.audit.models import AuditEvent
from core.clock import utcnow
from core.extensions import db
from core.importing import StagedImport
from core.privacy import RETENTION_KINDS, retention
from tests.conftest import _empty_all_tables, make_app

NOW = utcnow()
DAY = timedelta(days=1)


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)))


def removed(reports: list[retention.Report]) -> dict[str, dict[str, int]]:
    return {report.rule.kind: report.counts.removed for report in reports if report.counts.removed}


def finished_job(owner: int, finished: datetime, result: str | None = None) -> jobs.Job:
    job = jobs.Job(
        kind="cohort-plans",
        owner_id=owner,
        status=jobs.JobStatus.DONE.value,
        finished_at=finished,
        expires_at=finished + timedelta(seconds=jobs.JOB_RESULT_SECONDS),
        result_file=result,
    )
    db.session.add(job)
    return job


def stored_file(folder: Path, name: str, used: datetime) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"%PDF- personal")
    os.utime(path, (used.timestamp(), used.timestamp()))
    return path


@pytest.fixture
def records(app, make_person, tmp_path) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Of each of core's kinds, one record just past its period and one well within it."""
    owner = make_person("designer@example.org", Role.DESIGNER)
    left_long_ago = make_person("left@example.org", Role.MENTOR, active=False)
    left_lately = make_person("lately@example.org", Role.MENTOR, active=False)
    left_but_named = make_person("named@example.org", Role.MENTOR, active=False)
    results = tmp_path / jobs.RESULT_FOLDER
    documents = tmp_path / "documents"
    with app.app_context():
        for email, at in (("old@example.org", NOW - 2 * DAY), ("new@example.org", NOW - DAY / 2)):
            db.session.add(SignInFailure(account_key=email, address="192.0.2.1", occurred_at=at))
        for key, at in (("old", NOW - 2 * DAY), ("new", NOW - DAY / 2)):
            db.session.add(StagedImport(id=key, kind="programme", owner_id=owner, document="{}", created_at=at))
        for key, expired in (("old", NOW - 31 * DAY), ("new", NOW - 29 * DAY)):
            db.session.add(ApiToken(user_id=owner, name=key, token_hash=key * 16, expires_at=expired))
        finished_job(owner, NOW - 31 * DAY)
        finished_job(owner, NOW - 29 * DAY)
        db.session.add(jobs.Job(kind="cohort-plans", owner_id=owner, created_at=NOW - 40 * DAY))  # still queued
        finished_job(owner, NOW - 2 * DAY, stored_file(results, "job-old", NOW).name)
        finished_job(owner, NOW - DAY / 2, stored_file(results, "job-new", NOW).name)
        finished_job(left_but_named, NOW - DAY)  # a job row names this account, so it stays
        stored_file(documents, "old.pdf", NOW - 31 * DAY)
        stored_file(documents, "new.pdf", NOW - 29 * DAY)
        for person, deactivated in (
            (left_long_ago, NOW - 6 * 366 * DAY),
            (left_lately, NOW - 5 * 365 * DAY),
            (left_but_named, NOW - 6 * 366 * DAY),
        ):
            db.session.get(User, person).deactivated_at = deactivated
        db.session.commit()
    return {"results": results, "documents": documents, "left_long_ago": left_long_ago}


EXPECTED = {
    "sign_in_failures": {"sign_in_failure": 1},
    "staged_imports": {"staged_import": 1},
    "job_results": {"instance/job-results (files)": 1},
    "jobs": {"job": 1},
    "stored_documents": {"instance/documents (files)": 1},
    "api_tokens": {"api_token": 1},
    "accounts": {"role_grant": 1, "user": 1},
}


def snapshot(records: dict[str, object]) -> dict[str, object]:
    return {
        "rows": [count(model) for model in (SignInFailure, StagedImport, ApiToken, jobs.Job, User)],
        "results": sorted(p.name for p in Path(str(records["results"])).iterdir()),
        "documents": sorted(p.name for p in Path(str(records["documents"])).iterdir()),
    }


def test_a_dry_run_lists_what_is_past_its_period_and_removes_nothing(app, records):
    with app.app_context():
        before = snapshot(records)
        assert removed(retention.purge(NOW, dry_run=True)) == EXPECTED
        assert snapshot(records) == before


def test_the_purge_removes_exactly_what_is_past_its_period_and_a_second_run_nothing(app, records):
    with app.app_context():
        assert removed(retention.purge(NOW)) == EXPECTED
        assert [e for (e,) in db.session.execute(select(SignInFailure.account_key))] == ["new@example.org"]
        assert db.session.scalars(select(StagedImport.id)).all() == ["new"]
        assert db.session.scalars(select(ApiToken.name)).all() == ["new"]
        assert sorted(p.name for p in Path(str(records["results"])).iterdir()) == ["job-new"]
        assert sorted(p.name for p in Path(str(records["documents"])).iterdir()) == ["new.pdf"]
        statuses = db.session.execute(select(jobs.Job.status, jobs.Job.result_file).order_by(jobs.Job.id)).all()
        # the queued job stays whatever its age; the finished one two days ago stays, its file gone
        assert statuses == [("done", None), ("queued", None), ("done", None), ("done", "job-new"), ("done", None)]
        assert db.session.get(User, int(str(records["left_long_ago"]))) is None
        assert count(User) == 3  # the designer, the mentor who left lately and the one a job names

        assert removed(retention.purge(NOW)) == {}


def test_a_setting_changes_a_period(database_url, tmp_path, make_person):
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), RETENTION_SIGN_IN_FAILURES_DAYS=3)
    try:
        with app.app_context():
            for email, days in (("two@example.org", 2), ("four@example.org", 4)):
                db.session.add(SignInFailure(account_key=email, address="192.0.2.1", occurred_at=NOW - days * DAY))
            db.session.commit()
            report = next(r for r in retention.purge(NOW) if r.rule.kind == "sign_in_failures")
            assert (report.period, report.counts.removed) == (3 * DAY, {"sign_in_failure": 1})
            assert db.session.scalars(select(SignInFailure.account_key)).all() == ["two@example.org"]
    finally:
        with app.app_context():
            _empty_all_tables()
            db.engine.dispose()


def test_a_negative_period_stops_the_app_at_start_saying_which_setting(database_url, tmp_path):
    with pytest.raises(SystemExit, match="RETENTION_JOBS_DAYS must be a whole number of days of 1 or more"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RETENTION_JOBS_DAYS": -1})


def test_the_command_prints_each_kinds_period_cutoff_and_counts_and_a_second_run_removes_nothing(app, runner, records):
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "sign_in_failures: kept 1 day after the failed sign-in (RETENTION_SIGN_IN_FAILURES_DAYS); cutoff " in (
        dry.output
    )
    assert "  would remove 1 from sign_in_failure\n" in dry.output
    assert "observations: kept 2,190 days after the cohort ended (RETENTION_OBSERVATIONS_DAYS)" in dry.output
    assert "Would remove 8 in all." in dry.output

    real = runner.invoke(args=["privacy", "purge"])
    assert real.exit_code == 0, real.output
    assert "  removed 1 from instance/documents (files)\n" in real.output
    assert "Removed 8 in all." in real.output
    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "Removed 0 in all." in again.output


def test_every_kind_the_privacy_registry_names_has_a_period_and_a_registered_purge(app):
    assert set(RETENTION_KINDS) == set(retention.RULES_BY_KIND)
    assert set(app.extensions["retention_purges"]) == set(RETENTION_KINDS)


def test_the_audit_log_is_purged_by_age_through_its_own_purge_which_records_itself(app):
    with app.app_context():
        old, recent = (record(Action.SETTINGS_CHANGED, Subject("cohort", n)) for n in (1, 2))
        old.at, recent.at = NOW - (6 * retention.YEAR_DAYS + 1) * DAY, NOW - (6 * retention.YEAR_DAYS - 1) * DAY
        db.session.commit()
        report = next(r for r in retention.purge(NOW) if r.rule.kind == "audit_log")
        assert (report.error, report.counts.removed) == (None, {"audit_event": 1})
        left = db.session.execute(select(AuditEvent.action, AuditEvent.subject_id).order_by(AuditEvent.id)).all()
        assert [(a, i) for a, i in left] == [(Action.SETTINGS_CHANGED, 2), (Action.AUDIT_PURGED, None)]


def daily_app(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_app(database_url, INSTANCE_PATH=str(tmp_path), JOBS_RUNNER="none", JOBS_DAILY=True)


def test_two_runners_looking_at_once_start_the_days_purge_once(database_url, tmp_path):
    """As two server processes would: each its own app (and connections), both at the same moment."""
    first, second = daily_app(database_url, tmp_path), daily_app(database_url, tmp_path)
    barrier = threading.Barrier(2)
    started: list[int] = []

    def look(app) -> None:  # type: ignore[no-untyped-def]
        with app.app_context():
            barrier.wait()
            started.extend(jobs.start_daily(NOW))

    try:
        threads = [threading.Thread(target=look, args=(app,)) for app in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with first.app_context():
            rows = db.session.execute(
                select(jobs.Job.kind, jobs.Job.schedule_key, jobs.Job.owner_id).order_by(jobs.Job.kind)
            ).all()
            daily = sorted(first.extensions["daily_jobs"])  # the purge, the reminders: each once
            assert "retention" in daily
            assert rows == [(kind, f"{kind}:{NOW:%Y-%m-%d}", None) for kind in daily]
            assert len(started) == len(daily)
        with daily_app(database_url, tmp_path).app_context():
            assert jobs.start_daily(NOW) == []  # a third process, later the same day
            assert len(jobs.start_daily(NOW + DAY)) == len(daily)  # and the next day, once more
    finally:
        with first.app_context():
            _empty_all_tables()
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()


def test_the_local_runner_starts_the_daily_purge_and_runs_it(database_url, tmp_path):
    app = daily_app(database_url, tmp_path)
    try:
        with app.app_context():
            db.session.add(SignInFailure(account_key="old@example.org", address="192.0.2.1", occurred_at=NOW - 2 * DAY))
            db.session.commit()
        daily = app.extensions["daily_jobs"]  # the purge and the other daily kinds (the reminders)
        assert jobs.LocalRunner(app).run_waiting() == len(daily)
        assert jobs.LocalRunner(app).run_waiting() == 0  # today's have run: not again
        with app.app_context():
            job = db.session.scalars(select(jobs.Job).where(jobs.Job.kind == "retention")).one()
            assert (job.kind, job.state) == ("retention", jobs.JobStatus.DONE)
            assert "removed 1 from sign_in_failure" in jobs.result_path(job).read_text()
            assert count(SignInFailure) == 0
    finally:
        with app.app_context():
            _empty_all_tables()
            db.engine.dispose()


def test_a_kind_that_fails_removes_nothing_the_others_go_on_and_the_command_says_which(app, runner, records):
    def broken(now: datetime, period: timedelta, dry_run: bool) -> retention.Counts:
        db.session.execute(text("DELETE FROM staged_import"))
        raise RuntimeError("a bug")

    retention.register(app, "staged_imports", broken)
    for args in (["privacy", "purge", "--dry-run"], ["privacy", "purge"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "staged_imports: kept 1 day" in result.output
        assert "the purge of this kind failed and removed nothing" in result.output
        assert "Could not purge: staged_imports. Nothing of those kinds was removed." in result.output
    assert "removed 1 from sign_in_failure" in result.output
    with app.app_context():
        assert count(StagedImport) == 2  # the broken kind's delete was undone
        assert count(SignInFailure) == 1
