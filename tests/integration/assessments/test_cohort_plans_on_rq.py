"""With REDIS_URL set, the cohort's ZIP is made by a real ``rq worker`` process, not the web app."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.registry import FinishedJobRegistry

from assessments import services
from core import jobs
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import _empty_all_tables, make_app
from tests.integration.assessments.conftest import TODAY
from tests.integration.assessments.test_cohort_plans import start, wait_until_finished
from tests.redis_queue import REDIS_URL, queue_name  # noqa: F401 (a fixture)

RQ = Path(sys.executable).with_name("rq")


@pytest.fixture
def app(database_url, tmp_path, queue_name):  # type: ignore[no-untyped-def]
    app = make_app(
        database_url, INSTANCE_PATH=str(tmp_path), REDIS_URL=REDIS_URL, JOB_QUEUE=queue_name, JOBS_RUNNER="rq"
    )
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def worker(app, database_url, tmp_path, queue_name):  # type: ignore[no-untyped-def]
    """``rq worker`` in a process of its own, configured as the web app is: by the environment."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": REDIS_URL,
        "JOB_QUEUE": queue_name,
        "JOBS_PROCESSES": "2",
        "SECRET_KEY": app.config["SECRET_KEY"],
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [str(RQ), "worker", "--url", REDIS_URL, queue_name],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    log.close()


def test_an_rq_worker_makes_the_cohorts_zip_and_the_designer_downloads_it(
    app, client, auth, make_person, cohort_id, worker, queue_name, tmp_path
):
    make_person("designer@example.org", Role.DESIGNER, name="Dev Designer")
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    for number in range(3):
        trainee = make_person(f"trainee{number}@example.org", Role.TRAINEE, name=f"Trainee Number {number}")
        with app.app_context():
            services.enrol(cohort_id, services.EnrolmentInput(trainee, (mentor,), "Hill Primary"), TODAY)
    assert isinstance(jobs.runner(app), jobs.RQRunner)  # the web app itself runs nothing

    auth.sign_in("designer@example.org")
    job_url = start(client, cohort_id).headers["Location"]
    status = wait_until_finished(client, job_url)
    assert status["status"] == "done", (status, (tmp_path / "worker.log").read_text(errors="replace")[-3000:])
    assert (status["done"], status["total"]) == (3, 3)
    assert worker.poll() is None, "the worker is still running"
    finished = FinishedJobRegistry(queue=Queue(queue_name, connection=Redis.from_url(REDIS_URL)))
    assert finished.count == 1

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{job_url}/download").data))
    assert archive.namelist() == [f"00{n + 1}-trainee-number-{n}.pdf" for n in range(3)]
