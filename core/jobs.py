"""Bulk work as jobs: a row in the database each, run where it survives the web process.

A job is a row (kind, parameters, status, progress, result file, error, owner, times). What
runs it depends on the configuration, behind one interface (:class:`Runner`):

- ``REDIS_URL`` set: **RQ workers over Redis** (``flask jobs worker`` or ``rq worker``). The web
  process only enqueues the row's id; the worker builds the app from the same environment.
- otherwise: a **local runner**, a thread in each app process that claims rows from the
  database and runs them, the work itself spread over a process pool (:func:`parallel_map`).
  Nothing but Python is needed, as for ``make run``.

Either way a job is *claimed* by one conditional UPDATE, so two runners never run it at once,
and a running job keeps a heartbeat. A row left ``running`` by a process that died (a web
restart mid-job) stops beating; after ``JOB_LEASE_SECONDS`` it may be claimed and run again,
and a local runner looks for such rows as soon as it starts. ``JOB_ATTEMPTS_MAX`` bounds the
tries, so a job that kills its process every time ends ``failed`` instead of looping.

A room adds a kind with :func:`register_kind`: a function that reads its parameters, writes
its result to the path it is given (reporting progress as it goes) and returns the name the
file is downloaded under. Results live under ``instance/job-results/`` (private), are fetched
by their owner only, and are removed ``JOB_RESULT_SECONDS`` after the job finished.

A kind may also run once a day (:func:`register_daily`, e.g. the retention purge): the runner
inserts that day's row under a unique ``schedule_key``, so of several processes looking at once
only one starts it. Such a job has no owner: nobody's pages list it, ``flask jobs list`` shows it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, Protocol, TypeVar

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import JSON, ForeignKey, String, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from core.accounts.models import utcnow
from core.config import PRIVATE_FOLDER_MODE
from core.extensions import db

log = logging.getLogger(__name__)

KIND_MAX_LENGTH = 80
ERROR_MAX_LENGTH = 2_000
RESULT_FOLDER = "job-results"
# Defaults; each may be set in the environment (core.config) or the app's config.
JOB_RESULT_SECONDS = 24 * 60 * 60  # a result is kept a day, then removed
JOB_LEASE_SECONDS = 60  # no heartbeat for this long: the runner died, the job may run again
JOB_ATTEMPTS_MAX = 3  # tries before a job that keeps dying is marked failed
JOB_TIMEOUT_SECONDS = 60 * 60  # RQ's wall-clock limit for one job
POLL_SECONDS = 2.0  # how often an idle local runner looks for work
DAILY_POLL_SECONDS = 60.0  # how often ``flask jobs worker`` on Redis looks whether a daily job is due
PERIODIC_SECONDS = 60.0  # how often a runner makes the periodic checks (emails due for a retry)
QUEUE_NAME = "senco-jobs"
FAILED_UNEXPECTEDLY = "The job stopped because of an error on our side. Start it again; if it fails again, tell us."
DIED_TOO_OFTEN = "The job was interrupted too many times. Start it again."


class JobStatus(str, Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED)


class Job(db.Model):
    """One piece of bulk work and where it got to."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(KIND_MAX_LENGTH))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value, index=True)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result_file: Mapped[str | None] = mapped_column(String(255))  # a name under instance/job-results/
    result_name: Mapped[str | None] = mapped_column(String(255))  # the name it downloads as
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX_LENGTH))
    # None for a job the app starts itself (a daily job): it belongs to nobody's pages.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # "kind:YYYY-MM-DD" for a daily job: unique, so two runners cannot both start the day's run.
    schedule_key: Mapped[str | None] = mapped_column(String(KIND_MAX_LENGTH + 11), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]

    @property
    def state(self) -> JobStatus:
        return JobStatus(self.status)

    @property
    def percent(self) -> int:
        if self.state is JobStatus.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def expired(self) -> bool:
        return self.state is JobStatus.DONE and (
            self.result_file is None or (self.expires_at is not None and self.expires_at <= utcnow())
        )


class JobFailed(Exception):
    """Raised by a kind's function: the job failed for a reason the person should read."""


@dataclass(frozen=True)
class Work:
    """What a kind's function gets: its parameters, where to write, and a progress reporter."""

    job_id: int
    params: dict[str, Any]
    output: Path

    def progress(self, done: int, total: int) -> None:
        """Record ``done`` of ``total``, in a transaction of its own so readers see it at once."""
        with db.engine.begin() as connection:
            connection.execute(
                update(Job).where(Job.id == self.job_id).values(done=done, total=total, heartbeat_at=utcnow())
            )


KindFunction = Callable[[Work], str]


# ---- kinds and starting a job ----------------------------------------------------------------


def register_kind(app: Flask, kind: str, function: KindFunction) -> None:
    """Let jobs of ``kind`` run ``function`` (a room calls this from its ``init_app``)."""
    app.extensions.setdefault("job_kinds", {})[kind] = function


def start(kind: str, params: dict[str, Any], owner_id: int, total: int = 0) -> Job:
    """Queue a job for ``owner_id`` and hand it to the runner; the row is committed first."""
    if kind not in current_app.extensions.get("job_kinds", {}):
        raise ValueError(f"no job kind {kind!r} is registered")
    job = Job(kind=kind, params=dict(params), owner_id=owner_id, total=total, status=JobStatus.QUEUED.value)
    db.session.add(job)
    db.session.commit()
    runner(current_app).submit(job.id)
    return job


def unfinished(kind: str, owner_id: int) -> list[Job]:
    """The owner's jobs of ``kind`` still queued or running, newest first."""
    return list(
        db.session.scalars(
            select(Job)
            .where(
                Job.kind == kind,
                Job.owner_id == owner_id,
                Job.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]),
            )
            .order_by(Job.id.desc())
        )
    )


def job_for(job_id: int, owner_id: int) -> Job | None:
    """The job, only if ``owner_id`` started it: another person's job is not found."""
    return db.session.scalar(select(Job).where(Job.id == job_id, Job.owner_id == owner_id))


def result_path(job: Job) -> Path | None:
    """The finished result's file, or None while it is not done, after it expired or if it is gone."""
    if job.state is not JobStatus.DONE or job.expired or not job.result_file:
        return None
    path = results_folder() / job.result_file
    return path if path.is_file() else None


def results_folder() -> Path:
    folder = Path(current_app.instance_path) / RESULT_FOLDER
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    return folder


def purge_results(now: datetime, period: timedelta, dry_run: bool = False) -> int:
    """Remove the result files of jobs past their expiry, or finished more than ``period`` before
    ``now``; the rows stay, to say the download expired. No commit (the caller's unit of work)."""
    expired = list(
        db.session.scalars(
            select(Job).where(Job.result_file.is_not(None), or_(Job.expires_at <= now, Job.finished_at <= now - period))
        )
    )
    if not dry_run:
        for job in expired:
            (results_folder() / str(job.result_file)).unlink(missing_ok=True)
            job.result_file = None
    return len(expired)


def purge_finished(now: datetime, period: timedelta, dry_run: bool = False) -> int:
    """Delete the rows of jobs finished more than ``period`` before ``now`` (and any result file
    still there); queued and running jobs stay whatever their age. No commit."""
    old = [Job.status.in_([JobStatus.DONE.value, JobStatus.FAILED.value]), Job.finished_at <= now - period]
    if not dry_run:
        for name in db.session.scalars(select(Job.result_file).where(*old, Job.result_file.is_not(None))):
            (results_folder() / name).unlink(missing_ok=True)
    return int(db.session.execute(delete(Job).where(*old)).rowcount)


def purge_expired() -> int:
    """Remove result files past their expiry now (each runner pass; the daily purge does it too)."""
    period = timedelta(seconds=_config(current_app, "JOB_RESULT_SECONDS", JOB_RESULT_SECONDS))
    removed = purge_results(utcnow(), period)
    db.session.commit()
    return removed


# ---- daily jobs ------------------------------------------------------------------------------


def register_daily(app: Flask, kind: str) -> None:
    """Run jobs of ``kind`` (registered with :func:`register_kind`) once a day, started by the runner."""
    app.extensions.setdefault("daily_jobs", []).append(kind)


def register_periodic(app: Flask, check: Callable[[], object]) -> None:
    """Call ``check`` about every :data:`PERIODIC_SECONDS` from whichever runner is alive (the
    local runner's loop, or the daily loop beside an RQ worker), where daily jobs are on: for work
    that falls due between requests, such as an email waiting for its retry. It should only look,
    and start a job if there is something to do."""
    app.extensions.setdefault("periodic_checks", []).append(check)


def run_periodic(app: Flask) -> None:
    """Make the periodic checks if this process has not made them for :data:`PERIODIC_SECONDS`."""
    now = time.monotonic()
    last = app.extensions.get("periodic_last")
    if last is not None and now - last < PERIODIC_SECONDS:
        return
    app.extensions["periodic_last"] = now
    for check in app.extensions.get("periodic_checks", []):
        try:
            check()
        except Exception:  # one broken check must not stop the others, nor the runner
            log.exception("jobs: a periodic check failed")


def daily_jobs_on(app: Flask) -> bool:
    """Whether this app's runner starts daily jobs: ``JOBS_DAILY`` ("0" turns them off); unset, on except in tests."""
    value = app.config.get("JOBS_DAILY")
    if value is None:
        return not app.testing
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def start_daily(now: datetime | None = None) -> list[int]:
    """Start each daily kind not yet started on ``now``'s day (UTC); the ids started here.

    The day's row is inserted under a unique key, so when several processes look at once one
    insert wins and the others are refused by the database; a process remembers the days it saw
    started, so it asks the database once a day, not at every pass of its loop."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    day = f"{(now or utcnow()):%Y-%m-%d}"
    seen: set[str] = app.extensions.setdefault("daily_seen", set())
    started = []
    for kind in app.extensions.get("daily_jobs", []):
        key = f"{kind}:{day}"
        if key in seen:
            continue
        job = Job(kind=kind, params={"day": day}, owner_id=None, schedule_key=key, status=JobStatus.QUEUED.value)
        db.session.add(job)
        try:
            db.session.commit()
        except IntegrityError:  # another process started today's run first
            db.session.rollback()
        else:
            started.append(job.id)
        seen.add(key)
    for job_id in started:
        runner(app).submit(job_id)
    return started


# ---- running one job (in whichever process the runner chose) ---------------------------------


def _config(app: Flask, name: str, default: float) -> float:
    return float(app.config.get(name) or default)


def _claim(job_id: int) -> bool:
    """Take the job if it is queued, or running with a heartbeat older than the lease (its
    runner died). One conditional UPDATE, so of two runners only one wins."""
    now = utcnow()
    stale = now - timedelta(seconds=_config(current_app, "JOB_LEASE_SECONDS", JOB_LEASE_SECONDS))
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(Job)
            .where(
                Job.id == job_id,
                or_(
                    Job.status == JobStatus.QUEUED.value,
                    (Job.status == JobStatus.RUNNING.value) & (Job.heartbeat_at < stale),
                ),
            )
            .values(status=JobStatus.RUNNING.value, started_at=now, heartbeat_at=now, attempts=Job.attempts + 1)
        )
    return claimed.rowcount == 1


def _finish(job_id: int, **values: Any) -> None:
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(finished_at=utcnow(), **values))


class _Heartbeat:
    """Beats for the job while its function runs, so that a live job is never taken over."""

    def __init__(self, app: Flask, job_id: int) -> None:
        self.app, self.job_id = app, job_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def _beat(self) -> None:
        interval = _config(self.app, "JOB_LEASE_SECONDS", JOB_LEASE_SECONDS) / 4
        while not self.stopped.wait(interval):
            try:
                with self.app.app_context(), db.engine.begin() as connection:
                    connection.execute(update(Job).where(Job.id == self.job_id).values(heartbeat_at=utcnow()))
            except Exception:  # a missed beat is retried; the job goes on
                log.warning("job %s: heartbeat not recorded", self.job_id, exc_info=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.thread.join()


def execute(job_id: int) -> JobStatus | None:
    """Claim and run one job in this process (with an app context); None if it was not claimable."""
    if not _claim(job_id):
        return None
    kind, params, attempts = db.session.execute(
        select(Job.kind, Job.params, Job.attempts).where(Job.id == job_id)
    ).one()
    db.session.rollback()  # no transaction stays open while the work runs
    if attempts > int(_config(current_app, "JOB_ATTEMPTS_MAX", JOB_ATTEMPTS_MAX)):
        _finish(job_id, status=JobStatus.FAILED.value, error=DIED_TOO_OFTEN)
        return JobStatus.FAILED
    function = current_app.extensions.get("job_kinds", {}).get(kind)
    output = results_folder() / f"job-{job_id}-{secrets.token_hex(8)}.part"
    try:
        if function is None:
            raise JobFailed(f"This kind of job ({kind}) is not known to this version of the app.")
        with _Heartbeat(current_app._get_current_object(), job_id):  # type: ignore[attr-defined]
            name = function(Work(job_id, params, output))
        final = output.with_suffix("")
        os.replace(output, final)  # whole or not at all: a reader never finds half a result
        final.chmod(0o600)
    except JobFailed as failure:
        output.unlink(missing_ok=True)
        _finish(job_id, status=JobStatus.FAILED.value, error=str(failure)[:ERROR_MAX_LENGTH])
        return JobStatus.FAILED
    except Exception:
        log.exception("job %s (%s) failed", job_id, kind)
        db.session.rollback()
        output.unlink(missing_ok=True)
        _finish(job_id, status=JobStatus.FAILED.value, error=FAILED_UNEXPECTEDLY)
        return JobStatus.FAILED
    expires = utcnow() + timedelta(seconds=_config(current_app, "JOB_RESULT_SECONDS", JOB_RESULT_SECONDS))
    _finish(
        job_id, status=JobStatus.DONE.value, result_file=final.name, result_name=name, expires_at=expires, error=None
    )
    return JobStatus.DONE


def claimable() -> list[int]:
    """Ids of the jobs a runner may take now: queued, or running without a heartbeat for a lease."""
    stale = utcnow() - timedelta(seconds=_config(current_app, "JOB_LEASE_SECONDS", JOB_LEASE_SECONDS))
    return list(
        db.session.scalars(
            select(Job.id)
            .where(
                or_(
                    Job.status == JobStatus.QUEUED.value,
                    (Job.status == JobStatus.RUNNING.value) & (Job.heartbeat_at < stale),
                )
            )
            .order_by(Job.id)
        )
    )


# ---- spreading a job's work over the machine's cores -----------------------------------------

_worker_app: Flask | None = None
Item = TypeVar("Item")
Result = TypeVar("Result")


def _enter_app(config: dict[str, Any]) -> None:
    """Pool process start-up: its own app (and database connections), its context kept pushed."""
    global _worker_app
    from core.app import create_app  # the factory knows the rooms; only a process's start-up needs it

    _worker_app = create_app(config)
    _worker_app.app_context().push()
    # The pool process's own PDF worker ends with it (and is waited for, so its CPU time is counted
    # where ``make bench`` reads it); multiprocessing runs finalizers, not atexit, in its children.
    from multiprocessing.util import Finalize

    from core import pdf

    Finalize(pdf, pdf.close_worker, exitpriority=10)


def _portable_config(app: Flask) -> dict[str, Any]:
    plain = {k: v for k, v in app.config.items() if isinstance(v, str | int | float | bool) and k.isupper()}
    return {**plain, "INSTANCE_PATH": app.instance_path, "JOBS_RUNNER": "none"}


def processes(app: Flask) -> int:
    return int(app.config.get("JOBS_PROCESSES") or os.cpu_count() or 1)


def parallel_map(
    function: Callable[[Item], Result], items: Iterable[Item], workers: int | None = None
) -> Iterator[Result]:
    """``function`` over ``items`` in a pool of processes, one a core unless ``workers`` says,
    each with an app context of its own; results come back in the order of ``items``.

    Processes are spawned, not forked: a fork of a threaded web process could inherit a lock
    held by another thread, or a database connection in use by its parent.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    count = workers or processes(app)
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_enter_app,
        initargs=(_portable_config(app),),
    ) as pool:
        yield from pool.map(function, items)


# ---- runners ---------------------------------------------------------------------------------


class Runner(Protocol):
    def submit(self, job_id: int) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class NoRunner:
    """Rows wait in the database (tests run them with :func:`execute`)."""

    def submit(self, job_id: int) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass


def run_queued_job(job_id: int) -> str | None:
    """What an RQ worker runs: the app built from the environment, then :func:`execute`."""
    global _worker_app
    if _worker_app is None:
        from core.app import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
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
            run_queued_job,
            job_id,
            job_timeout=int(_config(self.app, "JOB_TIMEOUT_SECONDS", JOB_TIMEOUT_SECONDS)),
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


def runner(app: Flask) -> Runner:
    return app.extensions["job_runner"]  # type: ignore[no-any-return]


def _make_runner(app: Flask) -> Runner:
    choice = app.config.get("JOBS_RUNNER") or (
        "none" if app.testing else "rq" if app.config.get("REDIS_URL") else "local"
    )
    if choice == "rq":
        return RQRunner(app)
    if choice == "local":
        return LocalRunner(app)
    return NoRunner()


# ---- the command line ------------------------------------------------------------------------


@click.group("jobs")
def jobs_command() -> None:
    """Bulk jobs: run a worker, list jobs."""


@jobs_command.command("worker")
@click.option("--burst", is_flag=True, help="Run what is waiting, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs in the foreground: an RQ worker when REDIS_URL is set, otherwise the local runner."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Worker

        queue = RQRunner(app)
        queue.start()
        if daily_jobs_on(app):
            _start_daily_loop(app, once=burst)
        Worker([queue.queue_name], connection=Redis.from_url(queue.url)).work(burst=burst)
        return
    local = LocalRunner(app)
    while True:
        ran = local.run_waiting()
        if burst:
            click.echo(f"Ran {ran} job(s).")
            return
        local.wake.wait(POLL_SECONDS)


def _start_daily_loop(app: Flask, once: bool) -> None:
    """Beside an RQ worker: start the daily jobs when due (once, for a burst), in a thread of its own."""

    def loop() -> None:
        while True:
            try:
                with app.app_context():
                    start_daily()
                    run_periodic(app)
                    db.session.remove()
            except Exception:  # a broken database must not end the loop; it tries again
                log.exception("jobs: could not start the daily jobs")
            if once:
                return
            threading.Event().wait(DAILY_POLL_SECONDS)

    if once:
        loop()
    else:
        threading.Thread(target=loop, name="daily-jobs", daemon=True).start()


@jobs_command.command("list")
@with_appcontext
def list_command() -> None:
    """The newest jobs, with their status and progress."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(50)):
        click.echo(
            f"{job.id:>6}  {job.kind:<16} {job.status:<8} {job.done}/{job.total}  {job.created_at:%Y-%m-%d %H:%M}"
            + (f"  {job.error}" if job.error else "")
        )


def start_runner(app: Flask) -> None:
    """Start this process's runner, once (later calls do nothing): it first takes up what a previous
    process left queued or running. The serving process calls this as it starts (gunicorn's
    ``post_worker_init`` in ``gunicorn.conf.py``; ``flask run`` through :func:`start_if_serving`),
    so queued jobs do not wait for a first request after a restart."""
    started: threading.Event = app.extensions["job_runner_started"]
    with app.extensions["job_runner_lock"]:
        if started.is_set():
            return
        started.set()
    runner(app).start()


def _serving_with_flask_run() -> bool:
    """Whether this process is ``flask run``'s server (not ``flask db upgrade`` or another command,
    and not the reloader's watching process, which serves nothing)."""
    from flask.cli import get_debug_flag
    from werkzeug.serving import is_running_from_reloader

    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return False
    reload = context.params.get("reload")
    reloading = get_debug_flag() if reload is None else bool(reload)
    return not reloading or is_running_from_reloader()


def start_if_serving(app: Flask) -> None:
    """Called at the end of the app factory (after every room registered its kinds of job)."""
    if not app.testing and _serving_with_flask_run():
        start_runner(app)


def init_app(app: Flask) -> None:
    """Choose the runner. The serving process starts it at once (:func:`start_runner`); under any
    other server it starts with the first request."""
    app.extensions["job_runner"] = _make_runner(app)
    app.extensions["job_runner_started"] = threading.Event()
    app.extensions["job_runner_lock"] = threading.Lock()

    def start_once() -> None:
        if not app.extensions["job_runner_started"].is_set():
            start_runner(app)

    app.before_request(start_once)
    app.cli.add_command(jobs_command)
