"""The sender: job kind ``dfe-declarations``, started on submit, by the runner's periodic check
while anything waits, and daily. It claims each queued row by one conditional UPDATE, then for
each participant first reads the DfE's declarations: one the DfE already holds (sent before a
crash, or by someone else) is **adopted**, never sent twice. Otherwise it is POSTed once. A 422
makes the row ``refused`` with the DfE's errors; an unreachable DfE leaves it queued, tried again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, or_, select, update

from core import jobs
from core.clock import utcnow
from core.extensions import db
from dfe import connection, queues
from dfe.client import DfeClient, DfeError, DfeRefused, DfeUnauthorised, DfeUnreachable
from dfe.contract import COURSE, QUEUED, REFUSED, Environment
from dfe.declarations.exchange import RETRACTED_STATES, remote_values, request_body
from dfe.models import DfeDeclaration
from dfe.queues import CLAIM_SECONDS, NOT_SENT_YET
from dfe.schemas import DECLARATION, read, read_one

JOB_KIND = "dfe-declarations"


def request_sending(owner_id: int | None = None) -> int | None:
    """Queue a sender unless one is already waiting; the new job's id, if one was queued."""
    waiting = select(func.count()).select_from(DfeDeclaration).where(DfeDeclaration.state == QUEUED)
    return queues.start_sender(JOB_KIND, owner_id, waiting)


def sending_job() -> jobs.Job | None:
    """The sender queued or running now, whoever started it (for the page's progress)."""
    return db.session.scalar(
        select(jobs.Job)
        .where(
            jobs.Job.kind == JOB_KIND, jobs.Job.status.in_([jobs.JobStatus.QUEUED.value, jobs.JobStatus.RUNNING.value])
        )
        .order_by(jobs.Job.id.desc())
        .limit(1)
    )


@dataclass
class Sent:
    sent: int = 0
    adopted: int = 0  # already at the DfE: recorded, not sent again
    refused: int = 0
    waiting: int = 0  # left queued: the DfE could not be reached
    stopped: str = ""

    def summary(self) -> str:
        words = (
            f"Sent {self.sent}, already at the DfE {self.adopted}, refused {self.refused}, still queued {self.waiting}."
        )
        return words + (f" Stopped: {self.stopped}" if self.stopped else "")


def _claimable(now: datetime) -> Any:
    return (DfeDeclaration.state == QUEUED) & or_(
        DfeDeclaration.claimed_until.is_(None), DfeDeclaration.claimed_until <= now
    )


def _claim(declaration_id: int, now: datetime) -> bool:
    """Take one queued declaration for this sender: one conditional UPDATE, so of two senders only one wins."""
    with db.engine.begin() as link:
        claimed = link.execute(
            update(DfeDeclaration)
            .where(DfeDeclaration.id == declaration_id, _claimable(now))
            .values(
                claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                attempts=DfeDeclaration.attempts + 1,
                lock_version=DfeDeclaration.lock_version + 1,
            )
        )
    return claimed.rowcount == 1


def _settle(declaration_id: int, **values: Any) -> None:
    """Write what became of a claimed declaration, if it is still queued."""
    with db.engine.begin() as link:
        link.execute(
            update(DfeDeclaration)
            .where(DfeDeclaration.id == declaration_id, DfeDeclaration.state == QUEUED)
            .values(claimed_until=None, lock_version=DfeDeclaration.lock_version + 1, **values)
        )


def _at_the_dfe(client: DfeClient, participant_id: str) -> dict[str, dict[str, Any]]:
    """The participant's standing npq-senco declarations at the DfE, by type."""
    found: dict[str, dict[str, Any]] = {}
    for _, records in client.pages("/participant-declarations", {"filter[participant_id]": participant_id}):
        for item in records:
            resource = read(DECLARATION, item)
            attributes = resource["attributes"]
            if attributes["course_identifier"] == COURSE and attributes["state"] not in RETRACTED_STATES:
                found[attributes["declaration_type"]] = resource
    return found


def _waiting_words(error: DfeError) -> list[dict[str, str]]:
    return [{"title": NOT_SENT_YET, "detail": f"{error}. It will be tried again."}]


def _send_participant(client: DfeClient, rows: list[DfeDeclaration], result: Sent) -> None:
    """Send one participant's claimed declarations, after reading what the DfE already holds.
    Raises DfeUnreachable / DfeUnauthorised to stop the run (the rows stay queued)."""
    held = _at_the_dfe(client, rows[0].participant_id)
    for row in rows:
        if (resource := held.get(row.declaration_type)) is not None:
            _settle(row.id, errors=[], sent_at=utcnow(), **remote_values(resource))
            result.adopted += 1
            continue
        try:
            answer = client.send("POST", "/participant-declarations", request_body(row))
        except DfeRefused as error:
            problems = error.problems or [{"title": "", "detail": str(error)}]
            _settle(row.id, state=REFUSED, errors=problems)
            result.refused += 1
            continue
        except (DfeUnreachable, DfeUnauthorised):
            raise
        except DfeError as error:  # an answer not in the API's shape: it may have been made; the next run checks
            _settle(row.id, errors=_waiting_words(error))
            result.waiting += 1
            continue
        _settle(row.id, errors=[], sent_at=utcnow(), **remote_values(read_one(DECLARATION, answer)))
        result.sent += 1


def _held_rows(ids: list[int]) -> list[DfeDeclaration]:
    """The rows claimed, loaded and let go of the session: no transaction stays open while the DfE is called."""
    rows = list(
        db.session.scalars(select(DfeDeclaration).where(DfeDeclaration.id.in_(ids)).order_by(DfeDeclaration.id))
    )
    for row in rows:
        db.session.expunge(row)
    db.session.rollback()
    return rows


def send_queued(work: jobs.Work | None = None) -> Sent:
    """Send every queued declaration that no other sender holds; what was done. Each participant's
    declarations are claimed just before they are sent (with the clock as it is then), so however
    slow the DfE is, no claim runs out while its row waits its turn."""
    result = Sent()
    waiting = db.session.execute(
        select(DfeDeclaration.id, DfeDeclaration.environment, DfeDeclaration.participant_id)
        .where(_claimable(utcnow()))
        .order_by(DfeDeclaration.id)
    ).all()
    db.session.rollback()  # no transaction stays open while the DfE is called
    by_env: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for declaration_id, env_value, participant_id in waiting:
        by_env[env_value][participant_id].append(declaration_id)
    total, done = len(waiting), 0
    if work is not None:
        work.progress(0, total)
    for env_value, participants in by_env.items():
        env = Environment(env_value)
        try:
            client = connection.client(env)
        except connection.NotConnected as error:
            for ids in participants.values():
                for declaration_id in ids:
                    if _claim(declaration_id, utcnow()):
                        _settle(declaration_id, errors=[{"title": NOT_SENT_YET, "detail": str(error)}])
                        result.waiting += 1
            continue
        with client:
            for ids in participants.values():
                if result.stopped:  # the DfE stopped answering: the rest wait for the next run, unclaimed
                    result.waiting += len(ids)
                    continue
                claimed = [i for i in ids if _claim(i, utcnow())]
                if not claimed:  # another sender has them
                    continue
                group = _held_rows(claimed)
                try:
                    _send_participant(client, group, result)
                except (DfeUnreachable, DfeUnauthorised) as error:
                    result.stopped = str(error)
                    for row in group:  # those not settled before the DfE stopped answering stay queued
                        _settle(row.id, errors=_waiting_words(error))
                    result.waiting += len(group)
                    continue
                done += len(group)
                if work is not None:
                    work.progress(done, total)
    return result


def _sending_job(work: jobs.Work) -> str:
    done = send_queued(work)
    work.output.write_text(done.summary() + "\n")
    return "dfe-declarations.txt"


def start_if_queued() -> int | None:
    """The runner's periodic check: start a sender if a declaration is waiting to go."""
    waiting = db.session.scalar(select(DfeDeclaration.id).where(_claimable(utcnow())).limit(1))
    db.session.rollback()
    return request_sending() if waiting is not None else None


def init_app(app: Flask) -> None:
    jobs.register_kind(app, JOB_KIND, _sending_job)
    jobs.register_daily(app, JOB_KIND)  # whatever waits is tried at least once a day
    jobs.register_periodic(app, start_if_queued)  # and within a minute where a runner is alive
