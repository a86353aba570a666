"""A job survives a restart of the web process: the real server is killed mid-job, started
again, and its local runner takes the job up and finishes it."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from assessments import services
from assessments.services import cohort_plans
from core import jobs
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import PASSWORD, _empty_all_tables, csrf_token, make_app
from tests.integration.assessments.conftest import TODAY

TRAINEES = 10
LEASE_SECONDS = 4
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def app(database_url, tmp_path):  # type: ignore[no-untyped-def]
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), JOBS_RUNNER="none", SECRET_KEY="restart test")
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


class Server:
    """``flask run`` in a process group of its own (so a kill takes its render processes too)."""

    def __init__(self, database_url: str, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(folder),
            "SECRET_KEY": "restart test",
            "SESSION_COOKIE_SECURE": "0",
            "JOBS_RUNNER": "local",
            "JOBS_PROCESSES": "1",
            "JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        self.env.pop("REDIS_URL", None)
        self.log = folder / "server.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("flask")),
                    "--app",
                    "wsgi",
                    "run",
                    "--port",
                    str(self.port),
                    "--no-reload",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError(f"the server did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        """As a crash or an OOM kill would: no clean shutdown, the render processes with it."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def server(database_url, tmp_path) -> Iterator[Server]:
    running = Server(database_url, tmp_path)
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


def sign_in(client: httpx.Client, email: str) -> None:
    page = client.get("/sign-in").text
    client.post("/sign-in", data={"csrf_token": csrf_token(page), "email": email, "password": PASSWORD})


def status(client: httpx.Client, job_url: str) -> dict:  # type: ignore[type-arg]
    return client.get(f"{job_url}/status").json()  # type: ignore[no-any-return]


def test_a_cohort_job_killed_with_the_web_process_finishes_after_the_restart(app, make_person, cohort_id, server):
    make_person("designer@example.org", Role.DESIGNER, name="Dev Designer")
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    for number in range(TRAINEES):
        trainee = make_person(f"trainee{number}@example.org", Role.TRAINEE, name=f"Trainee {number}")
        with app.app_context():
            services.enrol(cohort_id, services.EnrolmentInput(trainee, (mentor,), "Hill Primary"), TODAY)

    server.start()
    client = httpx.Client(base_url=server.url, timeout=30)
    sign_in(client, "designer@example.org")
    page = client.get(f"/assessments/cohorts/{cohort_id}").text
    started = client.post(f"/assessments/cohorts/{cohort_id}/plans", data={"csrf_token": csrf_token(page)})
    assert started.status_code == 303
    job_url = started.headers["Location"]
    job_id = int(re.fullmatch(r"/assessments/plan-jobs/(\d+)", job_url).group(1))  # type: ignore[union-attr]

    deadline = time.monotonic() + 120
    while (seen := status(client, job_url))["done"] < 1:
        assert time.monotonic() < deadline, seen
        time.sleep(0.05)
    server.kill()
    with app.app_context():
        interrupted = db.session.get(jobs.Job, job_id)
        assert interrupted.state is jobs.JobStatus.RUNNING
        assert 1 <= interrupted.done < TRAINEES, "the kill came too late to be mid-job"

    server.start()  # the same cookie still signs the designer in: the secret key is the same
    deadline = time.monotonic() + 180
    while (seen := status(client, job_url))["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, seen
        time.sleep(0.3)
    assert (seen["status"], seen["done"], seen["total"]) == ("done", TRAINEES, TRAINEES), seen
    with app.app_context():
        assert db.session.get(jobs.Job, job_id).attempts == 2

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{job_url}/download").content))
    assert len(archive.namelist()) == TRAINEES
    for number, name in enumerate(archive.namelist()):
        assert f"Trainee {number}" in PdfReader(io.BytesIO(archive.read(name))).pages[0].extract_text()


def _listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the server accepts connections, without sending a request (a request would start
    the runner itself)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-2000:]
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"the server did not start: {log.read_text()[-2000:]}")


@pytest.mark.parametrize("command", ["flask run", "gunicorn"])
def test_a_job_left_queued_runs_when_the_server_starts_with_no_request(app, make_person, cohort_id, server, command):
    designer = make_person("designer@example.org", Role.DESIGNER, name="Dev Designer")
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    trainee = make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee")
    with app.app_context():
        services.enrol(cohort_id, services.EnrolmentInput(trainee, (mentor,), "Hill Primary"), TODAY)
        job_id = cohort_plans.start(cohort_id, designer).id  # queued; this app runs no jobs
    binary = Path(sys.executable).with_name("flask" if command == "flask run" else "gunicorn")
    argv = (
        [str(binary), "--app", "wsgi", "run", "--port", str(server.port), "--no-reload"]
        if command == "flask run"
        else [str(binary), "-c", "gunicorn.conf.py", "wsgi:app"]
    )
    env = {**server.env, "GUNICORN_BIND": f"127.0.0.1:{server.port}", "GUNICORN_WORKERS": "1"}
    with server.log.open("ab") as log:
        server.process = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    _listening(server.port, server.process, server.log)
    deadline = time.monotonic() + 120
    while True:
        with app.app_context():
            job = db.session.get(jobs.Job, job_id)
            state = (job.state, job.done, job.total, job.error)
            db.session.remove()
        if state[0].finished or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert state == (jobs.JobStatus.DONE, 1, 1, None), server.log.read_text()[-2000:]
