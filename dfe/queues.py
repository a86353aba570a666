"""What the DfE room's two send queues (declarations, and reports of changes) share: how long a
sender holds what it claimed, the words kept on a row that waits, and starting the sender job."""

from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import Select, insert, select

from core import jobs
from core.accounts.models import utcnow
from core.extensions import db

# A sender holds what it claimed this long; one that died lets go after it. A sender claims each
# participant's rows just before sending them, so a long run never outlives its claims.
CLAIM_SECONDS = 10 * 60
NOT_SENT_YET = "Not sent yet"  # the title of the error kept on a row while it waits to be tried again


def start_sender(
    kind: str, owner_id: int | None = None, total: Select[tuple[int]] | None = None, app: Flask | None = None
) -> int | None:
    """Queue a job of ``kind`` unless one is already waiting; the new job's id, if one was queued.
    ``total`` counts what it will send (for its progress). The check and the insert are one
    transaction of their own, so the caller's is left as it was."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with db.engine.begin() as link:
        waiting = link.scalar(
            select(jobs.Job.id).where(jobs.Job.kind == kind, jobs.Job.status == jobs.JobStatus.QUEUED.value).limit(1)
        )
        if waiting is not None:
            return None
        created = link.execute(
            insert(jobs.Job).values(
                kind=kind,
                params={},
                owner_id=owner_id,
                total=(link.scalar(total) or 0) if total is not None else 0,
                status=jobs.JobStatus.QUEUED.value,
                created_at=utcnow(),
            )
        )
        job_id = int(created.inserted_primary_key[0])  # type: ignore[index]
    jobs.runner(app).submit(job_id)
    return job_id
