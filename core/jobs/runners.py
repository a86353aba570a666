"""The runners behind one interface: none (tests), RQ workers over Redis, or a local thread."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from core.extensions import db
from core.jobs.kinds import daily_jobs_on, purge_expired, run_periodic, start_daily
from core.jobs.models import JOB_TIMEOUT_SECONDS, POLL_SECONDS, QUEUE_NAME, Runner, log, setting
from core.jobs.running import claimable, execute

# ---- runners ---------------------------------------------------------------------------------


class NoRunner:
    """Rows wait in the database (tests run them with :func:`execute`)."""

    def submit(self, job_id: int) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


# What RQ workers import and run, by name: ``worker.py`` beside ``wsgi.py`` builds the app (the
# factory knows the rooms; the job runner does not) and hands it to :func:`run_queued_job`.
WORKER_FUNCTION = "worker.run_queued_job"


def run_queued_job(app: Flask, job_id: int) -> str | None:
    """What an RQ worker runs, in the app its process built: :func:`execute`, then the purge of expired results."""
    with app.app_context():
        status = execute(job_id)
        purge_expired()
    return status.value if status else None


class RQRunner:
    """Enqueue the job's id on Redis for ``rq worker`` processes (they survive web restarts)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.url = str(app.config["REDIS_URL"])
        self.queue_name = str(app.config.get("JOB_QUEUE") or QUEUE_NAME)

    def queue(self) -> Any:
        from redis import Redis
        from rq import Queue

        return Queue(self.queue_name, connection=Redis.from_url(self.url))

    def submit(self, job_id: int) -> None:
        self.queue().enqueue(
            WORKER_FUNCTION,
            job_id,
            job_timeout=int(setting(self.app, "JOB_TIMEOUT_SECONDS", JOB_TIMEOUT_SECONDS)),
            result_ttl=3600,
            failure_ttl=24 * 3600,
        )

    def start(self) -> None:
        """Put back on the queue what a lost enqueue or a dead worker left behind (claiming is
        atomic, so a job enqueued twice still runs once)."""
        try:
            with self.app.app_context():
                waiting = claimable()
            for job_id in waiting:
                self.submit(job_id)
        except Exception:
            log.warning("jobs: could not re-queue waiting jobs on Redis", exc_info=True)

    def stop(self) -> None:
        pass  # the workers are processes of their own


class LocalRunner:
    """A thread of the app process that runs claimable rows one after another.

    Started as the serving process starts (:func:`start_runner`; under a server that does not call
    it, on the first request or the first job started), it first takes up what a previous process
    left queued or running, so a job survives a restart of the web server.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        with self.lock:
            if not self.stopping.is_set() and (self.thread is None or not self.thread.is_alive()):
                self.thread = threading.Thread(target=self._loop, name="local-job-runner", daemon=True)
                self.thread.start()

    def submit(self, job_id: int) -> None:
        self.start()
        self.wake.set()

    def stop(self) -> None:
        """Stop after the job in hand (a test's app, or a server shutting down, calls this)."""
        self.stopping.set()
        self.wake.set()
        if self.thread is not None:
            self.thread.join()

    def _loop(self) -> None:
        while not self.stopping.is_set():
            self.wake.clear()
            try:
                self.run_waiting()
            except Exception:  # a broken database must not end the runner; it tries again
                log.exception("jobs: the local runner could not look for work")
            self.wake.wait(POLL_SECONDS)

    def run_waiting(self) -> int:
        """Start the day's daily jobs if due, then run every job claimable now (in this thread); how many ran."""
        ran = 0
        with self.app.app_context():
            purge_expired()
            if daily_jobs_on(self.app):
                start_daily()
                run_periodic(self.app)
            for job_id in claimable():
                if self.stopping.is_set():
                    break
                if execute(job_id) is not None:
                    ran += 1
            db.session.remove()
        return ran


def make_runner(app: Flask) -> Runner:
    choice = app.config.get("JOBS_RUNNER") or (
        "none" if app.testing else "rq" if app.config.get("REDIS_URL") else "local"
    )
    if choice == "rq":
        return RQRunner(app)
    if choice == "local":
        return LocalRunner(app)
    return NoRunner()
