"""Running one job, in whichever process the runner chose: claiming it, its heartbeat, its end;
and spreading a job's work over the machine's cores.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from core.clock import utcnow
from core.extensions import db
from core.jobs.models import (
    DIED_TOO_OFTEN,
    ERROR_MAX_LENGTH,
    FAILED_UNEXPECTEDLY,
    JOB_ATTEMPTS_MAX,
    JOB_LEASE_SECONDS,
    JOB_RESULT_SECONDS,
    Job,
    JobFailed,
    JobStatus,
    Work,
    log,
    results_folder,
    setting,
)

# ---- running one job (in whichever process the runner chose) ---------------------------------


def _claim(job_id: int) -> bool:
    """Take the job if it is queued, or running with a heartbeat older than the lease (its
    runner died). One conditional UPDATE, so of two runners only one wins."""
    now = utcnow()
    stale = now - timedelta(seconds=setting(current_app, "JOB_LEASE_SECONDS", JOB_LEASE_SECONDS))
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
        interval = setting(self.app, "JOB_LEASE_SECONDS", JOB_LEASE_SECONDS) / 4
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
    if attempts > int(setting(current_app, "JOB_ATTEMPTS_MAX", JOB_ATTEMPTS_MAX)):
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
    expires = utcnow() + timedelta(seconds=setting(current_app, "JOB_RESULT_SECONDS", JOB_RESULT_SECONDS))
    _finish(
        job_id, status=JobStatus.DONE.value, result_file=final.name, result_name=name, expires_at=expires, error=None
    )
    return JobStatus.DONE


def claimable() -> list[int]:
    """Ids of the jobs a runner may take now: queued, or running without a heartbeat for a lease."""
    stale = utcnow() - timedelta(seconds=setting(current_app, "JOB_LEASE_SECONDS", JOB_LEASE_SECONDS))
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

Item = TypeVar("Item")
Result = TypeVar("Result")
AppFactory = Callable[[dict[str, Any]], Flask]


def _enter_app(factory: AppFactory, config: dict[str, Any]) -> None:
    """Pool process start-up: its own app (and database connections), its context kept pushed.

    ``factory`` is the one :func:`core.jobs.init_app` was given (pickled by its dotted name), so the
    job runner never imports the app factory that imports it."""
    factory(config).app_context().push()
    # The pool process's own PDF worker ends with it (and is waited for, so its CPU time is counted
    # where ``make bench`` reads it); multiprocessing runs finalizers, not atexit, in its children.
    from multiprocessing.util import Finalize

    from core import pdf

    Finalize(pdf, pdf.close_worker, exitpriority=10)


def app_factory(app: Flask) -> AppFactory:
    """The app factory handed to :func:`core.jobs.init_app`: a pool process builds its app with it."""
    factory: AppFactory | None = app.extensions.get("job_app_factory")
    if factory is None:
        raise RuntimeError("core.jobs.init_app was not given the app factory, so no pool process can build the app.")
    return factory


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
        initargs=(app_factory(app), _portable_config(app)),
    ) as pool:
        yield from pool.map(function, items)
