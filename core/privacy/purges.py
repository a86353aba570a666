"""The purge functions for core's own kinds of record (the rooms register theirs). Each deletes in
the session, without committing, what its rule says is past the period: see
:mod:`core.privacy.retention`."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, select

from core import jobs, printing
from core.accounts.links import AccountLink, Purpose
from core.accounts.models import NO_PASSWORD, ApiToken, RoleGrant, SignInFailure, User
from core.audit import purge_audit_events
from core.extensions import db
from core.importing import StagedImport
from core.messages.models import Message, MessageStatus
from core.messages.transports import OUTBOX_FOLDER, eml_path
from core.privacy.retention import Counts, register

# An account's own attachments, deleted with it; a row anywhere else that names the account keeps it.
ACCOUNT_OWN_TABLES = frozenset({"user", "role_grant", "api_token", "account_link", "message", "message_preference"})
AUDIT_TABLE = "audit_event"  # added by the audit log's branch; its time column is ``at``
STILL_REFERRED_TO = "deactivated accounts past the period that records still refer to (user)"


_NO_SYNC = {"synchronize_session": False}  # bulk deletes: no loaded object is kept in step


def _deleted(statement: object) -> int:
    return int(db.session.execute(statement, execution_options=_NO_SYNC).rowcount)  # type: ignore[call-overload, attr-defined]


def sign_in_failures(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Failed sign-ins: the throttle reads 15 minutes of them; recording one forgets older ones, and
    this removes them when nobody fails for a while."""
    counts = Counts()
    counts.add("sign_in_failure", _deleted(delete(SignInFailure).where(SignInFailure.occurred_at <= now - period)))
    return counts


def staged_imports(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Checked files waiting for a confirmation that never came (they expire after an hour)."""
    counts = Counts()
    counts.add("staged_import", _deleted(delete(StagedImport).where(StagedImport.created_at <= now - period)))
    return counts


def job_results(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    counts = Counts()
    counts.add(f"instance/{jobs.RESULT_FOLDER} (files)", jobs.purge_results(now, period, dry_run))
    return counts


def job_rows(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    counts = Counts()
    counts.add("job", jobs.purge_finished(now, period, dry_run))
    return counts


def stored_documents(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    counts = Counts()
    counts.add(f"instance/{printing.CACHE_FOLDER} (files)", printing.purge_unused(now, period, dry_run))
    return counts


def messages(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Emails written more than the period ago; one still waiting to go is kept until it goes or fails."""
    counts = Counts()
    waiting = (MessageStatus.PENDING.value, MessageStatus.DIGEST.value, MessageStatus.SENDING.value)
    past = (Message.created_at <= now - period, Message.status.not_in(waiting))
    files = [path for path in map(eml_path, db.session.scalars(select(Message.id).where(*past))) if path.exists()]
    counts.add("message", _deleted(delete(Message).where(*past)))
    counts.add(f"instance/{OUTBOX_FOLDER} (files)", len(files))
    if not dry_run:
        for path in files:
            path.unlink(missing_ok=True)
    return counts


def account_links(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Emailed links stop working when they expire; kept a while to answer "did they use it?"."""
    counts = Counts()
    # Except the invitations of people who never accepted: the People page finds who is still
    # waiting (and offers to resend) through them, and would otherwise lose them after the period.
    awaiting = select(User.id).where(User.password_hash == NO_PASSWORD)
    still_waiting = (AccountLink.purpose == Purpose.INVITATION.value) & AccountLink.user_id.in_(awaiting)
    old = delete(AccountLink).where(AccountLink.expires_at <= now - period, ~still_waiting)
    counts.add("account_link", _deleted(old))
    return counts


def api_tokens(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Expired tokens are refused already; kept a while to answer "which token was that?"."""
    counts = Counts()
    counts.add("api_token", _deleted(delete(ApiToken).where(ApiToken.expires_at <= now - period)))
    return counts


def _referred_to(user_ids: set[int]) -> set[int]:
    """Those of ``user_ids`` that a row outside the account's own tables needs (any room's table,
    found from the foreign keys, so a new table is covered without a change here)."""
    found: set[int] = set()
    for table in db.metadata.sorted_tables:
        if table.name in ACCOUNT_OWN_TABLES:
            continue
        for column in table.columns:
            # A reference that outlives the person by design (ON DELETE SET NULL: the audit log's
            # "who") does not hold an account back.
            if any(key.column.table.name == "user" and key.ondelete != "SET NULL" for key in column.foreign_keys):
                found.update(db.session.scalars(select(column).where(column.in_(user_ids)).distinct()))
    return found


def accounts(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Accounts deactivated more than ``period`` ago, deleted only when nothing else names them (a
    trainee's enrolment, a mentor's observation): those are counted as kept, for erasure to decide."""
    counts = Counts()
    old = set(db.session.scalars(select(User.id).where(User.active.is_(False), User.deactivated_at <= now - period)))
    kept = _referred_to(old) if old else set()
    gone = old - kept
    if gone:
        counts.add("role_grant", _deleted(delete(RoleGrant).where(RoleGrant.user_id.in_(gone))))
        counts.add("api_token", _deleted(delete(ApiToken).where(ApiToken.user_id.in_(gone))))
        counts.add("user", _deleted(delete(User).where(User.id.in_(gone))))
    if kept:
        counts.kept[STILL_REFERRED_TO] = len(kept)
    return counts


def audit_log(now: datetime, period: timedelta, dry_run: bool) -> Counts:
    """Audit events older than the period, through the audit log's own purge (the only delete its
    append-only guard allows, and one that records itself)."""
    counts = Counts()
    counts.add("audit_event", purge_audit_events(now - period))
    return counts


def init_app(app: Flask) -> None:
    """Register core's kinds of record with the purge."""
    register(app, "sign_in_failures", sign_in_failures)
    register(app, "staged_imports", staged_imports)
    register(app, "job_results", job_results)
    register(app, "jobs", job_rows)
    register(app, "stored_documents", stored_documents)
    register(app, "api_tokens", api_tokens)
    register(app, "messages", messages)
    register(app, "account_links", account_links)
    register(app, "accounts", accounts)
    register(app, "audit_log", audit_log)
