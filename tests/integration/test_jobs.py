"""Jobs as rows: their life (queued, running, done or failed), claimed once, taken over from a
runner that died, and run by the local runner of the app process."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from core import jobs
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from tests.conftest import _empty_all_tables, make_app

ran: list[int] = []


def count_to(work: jobs.Work) -> str:
    """A kind for these tests: counts to ``params["to"]``, reporting each step, and writes the count."""
    ran.append(work.job_id)
    to = int(work.params["to"])
    for step in range(1, to + 1):
        work.progress(step, to)
    if work.params.get("fail") == "politely":
        raise jobs.JobFailed("The count could not be finished.")
    if work.params.get("fail") == "badly":
        raise RuntimeError("a bug with a secret in it: /etc/shadow")
    if work.params.get("fail") == "no file":
        return "nothing.txt"
    work.output.write_text(f"counted to {to}")
    return "count.txt"


def make(database_url: str, tmp_path: Path, runner: str):  # type: ignore[no-untyped-def]
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), JOBS_RUNNER=runner, JOB_LEASE_SECONDS=30)
    jobs.register_kind(app, "count", count_to)
    return app


@pytest.fixture
def app(database_url, tmp_path):  # type: ignore[no-untyped-def]
    app = make(database_url, tmp_path, "none")
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def owner(make_person) -> int:  # type: ignore[no-untyped-def]
    ran.clear()
    return make_person("designer@example.org", Role.DESIGNER)


def test_a_job_is_queued_then_run_once_to_done_with_its_progress_and_its_result(app, owner):
    with app.app_context():
        job_id = jobs.start("count", {"to": 3}, owner).id
        job = db.session.get(jobs.Job, job_id)
        assert (job.state, job.done, job.total, job.percent) == (jobs.JobStatus.QUEUED, 0, 0, 0)
        assert jobs.result_path(job) is None

        assert jobs.execute(job_id) is jobs.JobStatus.DONE
        assert jobs.execute(job_id) is None  # done: nobody may claim it again
        db.session.expire_all()
        job = db.session.get(jobs.Job, job_id)
        assert (job.state, job.done, job.total, job.percent, job.attempts) == (jobs.JobStatus.DONE, 3, 3, 100, 1)
        assert job.started_at <= job.finished_at < job.expires_at
        assert job.result_name == "count.txt"
        assert jobs.result_path(job).read_text() == "counted to 3"
        assert ran == [job_id]


def test_a_job_belongs_to_its_owner_and_is_not_found_for_anyone_else(app, owner, make_person):
    other = make_person("other@example.org", Role.DESIGNER)
    with app.app_context():
        job_id = jobs.start("count", {"to": 1}, owner).id
        assert jobs.job_for(job_id, owner) is not None
        assert jobs.job_for(job_id, other) is None
        assert jobs.job_for(job_id + 1000, owner) is None


def test_a_job_that_fails_says_why_in_words_for_people_and_leaves_no_file(app, owner):
    with app.app_context():
        polite = jobs.start("count", {"to": 2, "fail": "politely"}, owner).id
        bad = jobs.start("count", {"to": 2, "fail": "badly"}, owner).id
        empty = jobs.start("count", {"to": 2, "fail": "no file"}, owner).id
        assert [jobs.execute(job_id) for job_id in (polite, bad, empty)] == [jobs.JobStatus.FAILED] * 3
        db.session.expire_all()
        assert db.session.get(jobs.Job, polite).error == "The count could not be finished."
        assert db.session.get(jobs.Job, bad).error == jobs.FAILED_UNEXPECTEDLY  # no traceback, no secret
        assert db.session.get(jobs.Job, empty).error == jobs.FAILED_UNEXPECTEDLY
        assert jobs.claimable() == []  # none left running
        assert list(jobs.results_folder().iterdir()) == []


def test_a_running_job_whose_runner_stopped_beating_is_taken_over_and_a_live_one_is_not(app, owner):
    with app.app_context():
        live = jobs.start("count", {"to": 1}, owner).id
        dead = jobs.start("count", {"to": 1}, owner).id
        now = utcnow()
        db.session.execute(
            update(jobs.Job)
            .where(jobs.Job.id == live)
            .values(status="running", attempts=1, heartbeat_at=now - timedelta(seconds=5))
        )
        db.session.execute(
            update(jobs.Job)
            .where(jobs.Job.id == dead)
            .values(status="running", attempts=1, heartbeat_at=now - timedelta(seconds=31))
        )
        db.session.commit()
        assert jobs.claimable() == [dead]
        assert jobs.execute(live) is None
        assert jobs.execute(dead) is jobs.JobStatus.DONE
        db.session.expire_all()
        assert db.session.get(jobs.Job, dead).attempts == 2


def test_a_job_that_kills_its_runner_every_time_ends_failed_after_its_attempts(app, owner):
    with app.app_context():
        job_id = jobs.start("count", {"to": 1}, owner).id
        db.session.execute(
            update(jobs.Job)
            .where(jobs.Job.id == job_id)
            .values(status="running", attempts=jobs.JOB_ATTEMPTS_MAX, heartbeat_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
        assert jobs.execute(job_id) is jobs.JobStatus.FAILED
        db.session.expire_all()
        assert db.session.get(jobs.Job, job_id).error == jobs.DIED_TOO_OFTEN
        assert ran == []


def wait_for(app, job_id: int, seconds: float = 30) -> jobs.Job:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with app.app_context():
            job = db.session.get(jobs.Job, job_id)
            if job.state.finished:
                return job
        time.sleep(0.05)
    raise AssertionError("the job did not finish")


def test_the_local_runner_runs_a_started_job_in_the_background(database_url, tmp_path, owner):
    app = make(database_url, tmp_path, "local")
    try:
        with app.app_context():
            job_id = jobs.start("count", {"to": 5}, owner).id
        job = wait_for(app, job_id)
        assert (job.state, job.done, job.total) == (jobs.JobStatus.DONE, 5, 5)
    finally:
        jobs.runner(app).stop()


def test_the_local_runner_takes_up_what_a_previous_process_left_queued_or_running(database_url, tmp_path, owner):
    """As after a restart: a new app process's runner starts with the first request."""
    before = make(database_url, tmp_path, "none")
    with before.app_context():
        queued = jobs.start("count", {"to": 2}, owner).id
        interrupted = jobs.start("count", {"to": 2}, owner).id
        db.session.execute(
            update(jobs.Job)
            .where(jobs.Job.id == interrupted)
            .values(status="running", attempts=1, done=1, total=2, heartbeat_at=utcnow() - timedelta(minutes=2))
        )
        db.session.commit()
    after = make(database_url, tmp_path, "local")
    try:
        assert ran == []
        after.test_client().get("/sign-in")  # the first request starts the runner
        assert wait_for(after, queued).state is jobs.JobStatus.DONE
        assert wait_for(after, interrupted).state is jobs.JobStatus.DONE
        assert sorted(ran) == sorted([queued, interrupted])
    finally:
        jobs.runner(after).stop()
