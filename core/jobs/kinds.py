"""Kinds of job, starting one, finding one's result, and removing old results; daily and periodic jobs."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.extensions import db
from core.jobs.models import (
    JOB_RESULT_SECONDS,
    PERIODIC_SECONDS,
    Job,
    JobStatus,
    KindFunction,
    log,
    results_folder,
    runner,
    setting,
)

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
    period = timedelta(seconds=setting(current_app, "JOB_RESULT_SECONDS", JOB_RESULT_SECONDS))
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
