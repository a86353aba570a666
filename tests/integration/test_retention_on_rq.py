"""With REDIS_URL set, ``flask jobs worker`` starts the day's retention purge and an RQ worker runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from core import jobs
from core.accounts.models import SignInFailure
from core.clock import utcnow
from core.extensions import db
from tests.conftest import _empty_all_tables, make_app
from tests.redis_queue import REDIS_URL, queue_name  # noqa: F401 (a fixture)

FLASK = Path(sys.executable).with_name("flask")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(database_url, tmp_path, queue_name):  # type: ignore[no-untyped-def]
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), REDIS_URL=REDIS_URL, JOB_QUEUE=queue_name)
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


def worker_burst(app, database_url: str, tmp_path: Path, queue_name: str, daily: str) -> str:  # type: ignore[no-untyped-def]
    """``flask jobs worker --burst`` in a process of its own, configured by the environment as a server is."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": REDIS_URL,
        "JOB_QUEUE": queue_name,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "JOBS_DAILY": daily,
    }
    done = subprocess.run(
        [str(FLASK), "--app", "wsgi", "jobs", "worker", "--burst"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_the_rq_worker_starts_the_days_purge_which_removes_old_failures(app, database_url, tmp_path, queue_name):
    with app.app_context():
        db.session.add(
            SignInFailure(account_key="old@example.org", address="192.0.2.1", occurred_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()

    off = worker_burst(app, database_url, tmp_path, queue_name, daily="0")
    with app.app_context():
        assert db.session.scalars(select(jobs.Job)).all() == [], off  # JOBS_DAILY=0: nothing started

    on = worker_burst(app, database_url, tmp_path, queue_name, daily="1")
    with app.app_context():
        job = db.session.scalars(select(jobs.Job).where(jobs.Job.kind == "retention")).one()
        assert (job.kind, job.state, job.owner_id) == ("retention", jobs.JobStatus.DONE, None), on
        assert db.session.scalars(select(SignInFailure)).all() == []
