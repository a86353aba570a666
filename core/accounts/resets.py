"""Forgotten passwords: a request that tells nothing, then a single-use link valid 1 hour.

No account discovery. The page that takes the request never looks the address up: it counts the
recent requests for that address (its keyed hash) and from that client address, writes one row,
and queues a job (``core.jobs``) — the same statements whether or not an account uses the
address — then gives the same answer. The job, away from the request, looks the address up and
writes the email with the link if an active account uses it. So the answer's wording and its
timing cannot differ between a known and an unknown address, by construction, rather than by
trying to make two different paths cost the same (which a change elsewhere, such as a slower
template, would quietly undo).

Throttled per account (the typed address) and per client address, whatever the answer: a
throttled request gets the same page, writes no row and queues nothing, and is audited.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import String, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core import jobs
from core.accounts import links, services, throttle
from core.accounts.links import Purpose
from core.accounts.models import ACCOUNT_KEY_LENGTH, ADDRESS_MAX_LENGTH, EMAIL_MAX_LENGTH, User
from core.accounts.security_messages import PASSWORD_RESET, RESET_HOURS
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.database import serialise
from core.extensions import db
from core.messages import link_to, notify
from core.privacy import retention
from core.privacy.retention import Counts

log = logging.getLogger(__name__)

JOB_KIND = "password_resets"
RESET_THROTTLE_WINDOW = timedelta(hours=1)
RESET_REQUESTS_PER_ACCOUNT_MAX = 5  # per RESET_THROTTLE_WINDOW, for one typed address
RESET_REQUESTS_PER_ADDRESS_MAX = 20  # per RESET_THROTTLE_WINDOW, from one client (IP) address
RESET_THROTTLE_LOCK = "password reset requests"  # requests are counted one at a time (core.database.serialise)


class ResetRequest(db.Model):
    """One "forgot your password" request. The typed address is kept only until the job has
    handled the request (then it is cleared); the keyed hash counts requests per account."""

    __tablename__ = "password_reset_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(String(ACCOUNT_KEY_LENGTH), index=True)
    address: Mapped[str] = mapped_column(String(ADDRESS_MAX_LENGTH), index=True)  # the client's IP address
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))  # cleared once handled
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]


def _recent(*conditions: object, since: datetime) -> int:
    return int(
        db.session.scalar(select(func.count()).where(ResetRequest.requested_at > since, *conditions))  # type: ignore[arg-type]
        or 0
    )


def request_reset(email: str, address: str, now: datetime | None = None) -> bool:
    """Take a "forgot your password" request; whether it was queued (False: throttled).

    The caller answers the same either way. Nothing here reads the ``user`` table.
    """
    now = now or utcnow()
    email = services.normalise_email(email)
    account, address = throttle.account_key(email), address[:ADDRESS_MAX_LENGTH]
    since = now - RESET_THROTTLE_WINDOW
    serialise(RESET_THROTTLE_LOCK)  # 50 requests at once must not all pass the counts below
    throttled = (
        _recent(ResetRequest.account_key == account, since=since) >= RESET_REQUESTS_PER_ACCOUNT_MAX
        or _recent(ResetRequest.address == address, since=since) >= RESET_REQUESTS_PER_ADDRESS_MAX
    )
    if throttled:
        log.warning("password reset requests: throttled a request from %s", address)
        record(Action.PASSWORD_RESET_THROTTLED, Subject("password_reset_request", None))
        db.session.commit()
        return False
    # Handled requests past the window are read by no rule: forget them now (the daily purge
    # catches the rest), so the table holds about one window of requests.
    db.session.execute(
        delete(ResetRequest).where(ResetRequest.requested_at <= since, ResetRequest.handled_at.is_not(None))
    )
    request = ResetRequest(account_key=account, address=address, email=email, requested_at=now)
    db.session.add(request)
    db.session.flush()
    record(Action.PASSWORD_RESET_REQUESTED, Subject("password_reset_request", request.id))
    job = jobs.Job(kind=JOB_KIND, params={}, owner_id=None, status=jobs.JobStatus.QUEUED.value)
    db.session.add(job)
    db.session.commit()
    jobs.runner(current_app._get_current_object()).submit(job.id)  # type: ignore[attr-defined]
    return True


def _usable(user: User | None) -> bool:
    # An invited person who never chose a password may use a reset to get in.
    return user is not None and user.active and not user.erased


def handle_waiting(now: datetime | None = None) -> int:
    """Send the link for each waiting request whose address an account uses; how many were handled.

    Each request is claimed by a conditional UPDATE, so two runners never send two links for one."""
    handled = 0
    waiting = list(db.session.scalars(select(ResetRequest.id).where(ResetRequest.handled_at.is_(None))))
    for request_id in waiting:
        email = db.session.scalar(select(ResetRequest.email).where(ResetRequest.id == request_id))
        claimed = db.session.execute(
            update(ResetRequest)
            .where(ResetRequest.id == request_id, ResetRequest.handled_at.is_(None))
            .values(handled_at=now or utcnow(), email=None)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        user = services.find_by_email(email) if email else None
        if _usable(user):
            assert user is not None
            token = links.issue(user, Purpose.PASSWORD_RESET, now=now)
            notify(
                user,
                PASSWORD_RESET.name,
                about=f"password-reset:{request_id}",
                link=link_to("links.reset_password", token=token),
                hours=RESET_HOURS,
            )
        db.session.commit()
        handled += 1
    return handled


def _run_job(work: jobs.Work) -> str:
    handled = handle_waiting()
    work.output.write_text(f"{handled} password reset request(s) handled\n")
    return "password-resets.txt"


def reset_password(token: str, password: str) -> User:
    """Choose a new password through a reset link: the link is spent, every other reset (and
    invitation) link withdrawn, every session ended and every API token revoked."""
    user_id, password_hash = services.chosen_password_hash(token, Purpose.PASSWORD_RESET, password)
    links.spend(token, Purpose.PASSWORD_RESET)
    links.withdraw(user_id, Purpose.PASSWORD_RESET)
    links.withdraw(user_id, Purpose.INVITATION)
    record(Action.PASSWORD_RESET, Subject("user", user_id), user_id)
    return services.store_chosen_password(user_id, password_hash)


def purge(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Requests older than the period (the throttle reads one hour of them)."""
    counts = Counts()
    old = delete(ResetRequest).where(ResetRequest.requested_at <= now - period)
    counts.add(ResetRequest.__tablename__, int(db.session.execute(old).rowcount))
    return counts


def init_app(app: Flask) -> None:
    jobs.register_kind(app, JOB_KIND, _run_job)
    retention.register(app, "reset_requests", purge)
