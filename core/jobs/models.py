"""A job's row, its status and limits, what a kind's function is given, where results are kept,
and the interface every runner offers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from flask import Flask, current_app
from sqlalchemy import JSON, ForeignKey, String, update
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.config import PRIVATE_FOLDER_MODE
from core.extensions import db

# One logger for the package, named as it was when jobs were one module.
log = logging.getLogger("core.jobs")

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


def results_folder() -> Path:
    folder = Path(current_app.instance_path) / RESULT_FOLDER
    folder.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    return folder


def setting(app: Flask, name: str, default: float) -> float:
    return float(app.config.get(name) or default)


class Runner(Protocol):
    def submit(self, job_id: int) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


def runner(app: Flask) -> Runner:
    return app.extensions["job_runner"]  # type: ignore[no-any-return]
