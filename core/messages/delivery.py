"""Delivering what :func:`core.messages.notify` wrote: by the job runner, never inside a request.

When a transaction that wrote a message to send at once commits, one delivery job is queued
(unless one is queued already): it sends everything due, one message after another. Each message
is first **claimed** by one conditional UPDATE (pending → sending), so two runners never send it
twice, and it is marked sent as soon as the SMTP server (or the outbox folder) has taken it.

A failure puts it back to pending, ``send_after`` pushed back by :data:`RETRY_AFTER_SECONDS`, until
:data:`ATTEMPTS_MAX` tries; then it is ``failed``, with a few words on the outbox page saying why.
A message claimed by a sender that died stays ``sending`` until its lease (``send_after``, set at
the claim) runs out, then any run may take it again. A retry goes with the next delivery run: the
runner's periodic check (about once a minute, :func:`start_if_due`) starts one when a message's
time has come; so do the next message written, ``flask messages send`` and the daily run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session, SessionTransaction

from core import jobs
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from core.messages import outbox, transports
from core.messages.models import MESSAGE_ERROR_MAX_LENGTH, Message, MessageStatus

log = logging.getLogger(__name__)

DELIVERY_JOB = "messages.deliver"
ATTEMPTS_MAX = 5  # tries before a message is marked failed
RETRY_AFTER_SECONDS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)  # the wait after the 1st, 2nd, 3rd, 4th failure
SENDING_LEASE_SECONDS = 10 * 60  # a message "sending" this long was claimed by a sender that died
LEASE_TIMEOUTS = 10  # and never less than this many SMTP timeouts, so a slow live sender keeps its claim
DUE_BATCH = 200  # messages read at a time
INTERRUPTED = "The sender stopped while sending it, too many times."
NO_LONGER_ACTIVE = "Not sent: the person's account was deactivated or erased before it went."
WRITTEN = "messages_written"  # session.info key: this transaction wrote a message to send at once
WAITING = (MessageStatus.PENDING.value, MessageStatus.SENDING.value)


@dataclass
class Delivered:
    """What one run did."""

    sent: int = 0
    retrying: int = 0  # failed this time, tried again later
    failed: int = 0  # failed for the last time
    withheld: int = 0  # not sent: the person is no longer active

    def summary(self) -> str:
        withheld = f", withheld {self.withheld}" if self.withheld else ""
        return f"Sent {self.sent}, to retry {self.retrying}, failed {self.failed}{withheld}."


def retry_after(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try."""
    return timedelta(seconds=RETRY_AFTER_SECONDS[min(attempts, len(RETRY_AFTER_SECONDS)) - 1])


def _lease() -> timedelta:
    timeout = int(current_app.config.get("MAIL_TIMEOUT") or 0)
    return timedelta(seconds=max(SENDING_LEASE_SECONDS, LEASE_TIMEOUTS * timeout))


def _due(now: datetime) -> list[int]:
    """Pending messages whose time has come, and sending ones whose lease ran out; oldest first."""
    ids = db.session.scalars(
        select(Message.id)
        .where(Message.status.in_(WAITING), Message.send_after <= now)
        .order_by(Message.send_after, Message.id)
        .limit(DUE_BATCH)
    )
    found = list(ids)
    db.session.rollback()  # no transaction stays open while mail goes out
    return found


def _claim(message_id: int, now: datetime) -> bool:
    """Take the message for this run: one conditional UPDATE, so of two runs only one wins."""
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(Message)
            .where(Message.id == message_id, Message.status.in_(WAITING), Message.send_after <= now)
            .values(status=MessageStatus.SENDING.value, send_after=now + _lease(), attempts=Message.attempts + 1)
        )
    return claimed.rowcount == 1


def _set(message_id: int, **values: Any) -> None:
    with db.engine.begin() as connection:
        connection.execute(
            update(Message)
            .where(Message.id == message_id, Message.status == MessageStatus.SENDING.value)
            .values(**values)
        )


def _failed(message_id: int, attempts: int, error: str, now: datetime, result: Delivered) -> None:
    error = error[:MESSAGE_ERROR_MAX_LENGTH]
    if attempts >= ATTEMPTS_MAX:
        _set(message_id, status=MessageStatus.FAILED.value, error=error)
        result.failed += 1
    else:
        _set(message_id, status=MessageStatus.PENDING.value, send_after=now + retry_after(attempts), error=error)
        result.retrying += 1


def _send_one(transport: transports.Transport, message_id: int, now: datetime, result: Delivered) -> bool:
    """Send one claimed message; False when the run should stop (the server is unreachable)."""
    row = db.session.execute(
        select(
            Message.to_address,
            Message.subject,
            Message.body,
            Message.created_at,
            Message.attempts,
            Message.category,
            User.active,
            User.erased_at,
        )
        .join(User, User.id == Message.recipient_id)
        .where(Message.id == message_id)
    ).one_or_none()
    db.session.rollback()
    if row is None:  # erased since it was claimed: nothing to send
        return True
    if not row.active or row.erased_at is not None:  # notify's rule, again at the moment it would go
        _set(message_id, status=MessageStatus.WITHHELD.value, error=NO_LONGER_ACTIVE)
        result.withheld += 1
        return True
    if row.attempts > ATTEMPTS_MAX:  # claimed again and again by senders that died
        _failed(message_id, row.attempts, INTERRUPTED, now, result)
        return True
    email = transports.email_for(message_id, row.to_address, row.subject, row.body, int(row.created_at.timestamp()))
    try:
        transport.send(email, message_id)
    except Exception as error:  # every failure is recorded on the message and retried
        log.warning("message %s not sent: %s", message_id, type(error).__name__)
        _failed(message_id, row.attempts, transports.describe(error), now, result)
        return not transports.stops_the_run(error)
    sent: dict[str, Any] = {"status": MessageStatus.SENT.value, "sent_at": utcnow(), "error": None}
    if isinstance(transport, transports.SmtpTransport):
        # Gone to the person: the stored copy keeps no working link (only its hash is kept elsewhere),
        # so a database backup or an export gives nobody a way into someone else's account.
        sent["body"] = outbox.without_link_secrets(row.body, row.category)
    _set(message_id, **sent)
    result.sent += 1
    return True


def deliver_due(now: datetime | None = None) -> Delivered:
    """Send every message due at ``now`` (default: the clock at each step); what was done."""
    result = Delivered()
    with transports.Opened() as transport:
        while True:
            moment = now or utcnow()
            due = _due(moment)
            if not due:
                return result
            for message_id in due:
                if _claim(message_id, moment) and not _send_one(transport, message_id, moment, result):
                    return result


# ---- the job, and starting it when messages are written ---------------------------------------


def _delivery_job(work: jobs.Work) -> str:
    done = deliver_due()
    work.output.write_text(done.summary() + "\n")
    return "delivery.txt"


def request_delivery(app: Flask | None = None) -> int | None:
    """Queue a delivery job unless one is already waiting; the new job's id, if one was queued."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with db.engine.begin() as connection:
        waiting = connection.scalar(
            select(jobs.Job.id)
            .where(jobs.Job.kind == DELIVERY_JOB, jobs.Job.status == jobs.JobStatus.QUEUED.value)
            .limit(1)
        )
        if waiting is not None:
            return None
        created = connection.execute(
            insert(jobs.Job).values(
                kind=DELIVERY_JOB, params={}, owner_id=None, status=jobs.JobStatus.QUEUED.value, created_at=utcnow()
            )
        )
        job_id = int(created.inserted_primary_key[0])  # type: ignore[index]
    jobs.runner(app).submit(job_id)
    return job_id


def _note_written(session: Session, _context: object) -> None:
    if any(isinstance(o, Message) and o.status == MessageStatus.PENDING.value for o in session.new):
        session.info[WRITTEN] = True


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the transaction around it has not committed yet
        return
    if not session.info.pop(WRITTEN, False):
        return
    try:
        request_delivery()
    except Exception:  # the change is committed; the messages wait for the next run (daily at worst)
        log.exception("messages: could not queue the delivery job")


def _after_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint inside it
        session.info.pop(WRITTEN, None)


def _listen() -> None:
    for name, function in (
        ("after_flush", _note_written),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_rollback),
    ):
        if not event.contains(db.session, name, function):
            event.listen(db.session, name, function)


def start_if_due() -> int | None:
    """Queue a delivery run if a message waiting for its retry (or a dead sender's lease) is due."""
    due = db.session.scalar(
        select(Message.id).where(Message.status.in_(WAITING), Message.send_after <= utcnow()).limit(1)
    )
    db.session.rollback()  # end the read: the check holds nothing while the runner goes on
    return request_delivery() if due is not None else None


def init_app(app: Flask) -> None:
    transports.init_app(app)
    jobs.register_kind(app, DELIVERY_JOB, _delivery_job)
    jobs.register_daily(app, DELIVERY_JOB)  # whatever waits for a retry goes at least once a day
    jobs.register_periodic(app, start_if_due)  # and, where a runner is alive, within a minute of its time
    _listen()
