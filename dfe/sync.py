"""Reading from the DfE: each kind of record registers how it is read and stored, and one sync
(``flask dfe sync``, the daily job, the "Sync now" button) reads them all, in the order registered.

Every listing is read page by page with ``filter[updated_since]`` set to the start of the last
complete sync. Each page is stored and committed with the page number reached, so a sync that
stops half way (the DfE goes quiet, the process is killed) resumes at that page with the same
cursor; records are stored by the DfE's id, so a page read twice changes nothing. The cursor moves
on only when a listing ends, to the moment that sync *started*: a record changed while the sync
was running is read again next time, even if the paging skipped it (a list that changes under a
paging reader can shift records between pages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from core import jobs
from core.clock import utcnow
from core.extensions import db
from dfe import connection
from dfe.client import DfeBadAnswer, DfeClient, DfeError
from dfe.contract import Environment
from dfe.models import DfeSync
from dfe.token_store import TokenUnreadable

log = logging.getLogger(__name__)
JOB_KIND = "dfe-sync"
# A sync holds a kind of record this long, renewed at every page: longer than the slowest page
# (three reads of 20 seconds and the waits between them), so a live sync never loses it.
LEASE_SECONDS = 5 * 60
# Records changed this long before the cursor are asked for again, in case the DfE's clock is behind
# ours: a record stamped by the DfE a little "before" our last sync started is not missed.
CLOCK_MARGIN_SECONDS = 5 * 60
BUSY = "Another sync is running; try again in a minute"


class SyncBusy(Exception):
    """Another sync holds this kind of record: two at once would store the same records twice."""

    def __init__(self) -> None:
        super().__init__(BUSY)


@dataclass
class SyncResult:
    resource: str
    read: int = 0  # records read, pages re-read after a stop included
    changed: int = 0  # records new or different here
    skipped: list[str] = field(default_factory=list)  # what was read but not kept, and why
    error: str = ""

    def describe(self) -> str:
        words = f"{self.resource}: {self.read} read, {self.changed} new or changed"
        if self.skipped:
            words += f", {len(self.skipped)} not kept ({'; '.join(self.skipped[:5])})"
        return words + (f". Stopped: {self.error}" if self.error else "")


# A reader gets the client and environment and returns its result; an ``upsert`` returns True when
# the record was new or changed, or a string saying why it was not kept.
Reader = Callable[[DfeClient, Environment], SyncResult]
Upsert = Callable[[dict[str, Any], Environment], "bool | str"]
_READERS: dict[str, Reader] = {}


def register(resource: str, reader: Reader) -> None:
    _READERS[resource] = reader


def cursor(env: Environment, resource: str) -> DfeSync:
    row = db.session.scalars(select(DfeSync).filter_by(environment=env.value, resource=resource)).first()
    if row is None:
        row = DfeSync(environment=env.value, resource=resource, next_page=1, last_error="")
        db.session.add(row)
        db.session.flush()
    return row


def _hold(env: Environment, resource: str) -> None:
    """Take (or renew) this sync's lease on the kind of record: one conditional UPDATE, so of
    two syncs only one reads it; :class:`SyncBusy` for the other."""
    try:
        row_id = cursor(env, resource).id
        db.session.commit()
    except IntegrityError:  # another sync made the row a moment ago
        db.session.rollback()
        row_id = cursor(env, resource).id
    now = utcnow()
    held = db.session.execute(
        update(DfeSync)
        .where(DfeSync.id == row_id, or_(DfeSync.running_until.is_(None), DfeSync.running_until < now))
        .values(running_until=now + timedelta(seconds=LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if held.rowcount != 1:  # type: ignore[attr-defined]
        raise SyncBusy()


def _renew(row: DfeSync) -> None:
    """Keep the lease while pages come in (committed with the page)."""
    row.running_until = utcnow() + timedelta(seconds=LEASE_SECONDS)


def _let_go(env: Environment, resource: str) -> None:
    db.session.rollback()
    db.session.execute(
        update(DfeSync)
        .where(DfeSync.environment == env.value, DfeSync.resource == resource)
        .values(running_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def paged(
    client: DfeClient,
    env: Environment,
    resource: str,
    path: str,
    upsert: Upsert,
    params: dict[str, Any] | None = None,
    since_param: str = "filter[updated_since]",
) -> SyncResult:
    """Read ``path`` page by page into ``upsert``, resumable as the module says. ``since_param``
    is the listing's filter for the cursor (outcomes have only ``filter[created_since]``).
    :class:`SyncBusy` when another sync is reading the same kind of record."""
    _hold(env, resource)
    try:
        return _paged(client, env, resource, path, upsert, params, since_param)
    finally:
        _let_go(env, resource)


def _paged(
    client: DfeClient,
    env: Environment,
    resource: str,
    path: str,
    upsert: Upsert,
    params: dict[str, Any] | None,
    since_param: str,
) -> SyncResult:
    result = SyncResult(resource)
    row = cursor(env, resource)
    if row.started_at is None:  # a fresh run; otherwise resume where the stopped one got to
        row.started_at, row.next_page = utcnow(), 1
    since: datetime | None = row.updated_since
    query = dict(params or {})
    if since is not None:  # a margin for the DfE's clock and ours disagreeing: re-reading is harmless
        query[since_param] = (since - timedelta(seconds=CLOCK_MARGIN_SECONDS)).strftime("%Y-%m-%dT%H:%M:%SZ")
    db.session.commit()
    try:
        for page, records in client.pages(path, query, first_page=row.next_page):
            for index, record in enumerate(records):
                result.read += 1
                try:
                    outcome = upsert(record, env)
                except DfeBadAnswer as error:  # one malformed record must not stop the listing at this page
                    outcome = _malformed(page, index, record, error)
                if outcome is True:
                    result.changed += 1
                elif isinstance(outcome, str):
                    result.skipped.append(outcome)
            row.next_page = page + 1
            _renew(row)
            db.session.commit()  # this page is kept, and where to resume with it
    except DfeError as error:
        db.session.rollback()
        row = cursor(env, resource)
        row.last_error = result.error = str(error)
        db.session.commit()
        return result
    row.updated_since, row.started_at, row.next_page = row.started_at, None, 1
    row.finished_at, row.last_error = utcnow(), ""
    db.session.commit()
    return result


def _malformed(page: int, index: int, record: Any, error: DfeBadAnswer) -> str:
    """Why a record was not kept, located: its page, its place there (as a JSON path) and its id."""
    named = record.get("id") if isinstance(record, dict) else None
    which = f" ({str(named)[:40]})" if isinstance(named, str) else ""
    return f"page {page}, data[{index}]{which}: {error}"


def run(
    resources: Iterable[str] | None = None,
    env: Environment | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[SyncResult]:
    """Read every registered kind of record (or those named) from the chosen environment;
    ``progress(done, total)`` after each kind."""
    env = env or connection.environment()
    wanted = [(name, reader) for name, reader in _READERS.items() if resources is None or name in resources]
    results = []
    with connection.client(env) as client:
        for _, reader in wanted:
            results.append(reader(client, env))
            if progress is not None:
                progress(len(results), len(wanted))
    return results


def running(env: Environment, resource: str) -> bool:
    """Whether a sync holds this kind of record now."""
    until = db.session.scalar(select(DfeSync.running_until).filter_by(environment=env.value, resource=resource))
    return until is not None and until > utcnow()


def start(resources: list[str], owner_id: int) -> jobs.Job:
    """Queue a sync of ``resources`` as a job for ``owner_id`` (the "Sync now" button), so the
    page does not wait on the DfE. What stops it is said now: no token, a token this server cannot
    read (TokenUnreadable), or another sync under way (SyncBusy). While one of the owner's is still
    waiting or running, that one is the answer."""
    env = connection.environment()
    connection.client(env).close()
    if any(running(env, resource) for resource in resources):
        raise SyncBusy()
    for job in jobs.unfinished(JOB_KIND, owner_id):
        return job
    return jobs.start(JOB_KIND, {"resources": resources}, owner_id, total=len(resources))


def latest_job(owner_id: int) -> jobs.Job | None:
    """The owner's most recent sync job, for its page to show how far it got or what it read."""
    return db.session.scalar(
        select(jobs.Job)
        .where(jobs.Job.kind == JOB_KIND, jobs.Job.owner_id == owner_id)
        .order_by(jobs.Job.id.desc())
        .limit(1)
    )


def job_report(job: jobs.Job) -> list[str]:
    """What a finished sync job read, line by line (empty while it runs or once its file is gone)."""
    path = jobs.result_path(job)
    return path.read_text(encoding="utf-8").splitlines() if path is not None else []


def last_syncs(env: Environment) -> list[DfeSync]:
    return list(db.session.scalars(select(DfeSync).filter_by(environment=env.value).order_by(DfeSync.resource)))


def _daily(work: jobs.Work) -> str:
    """The daily sync of everything, or (``resources`` in its params) what "Sync now" asked for."""
    resources = work.params.get("resources")
    try:
        results = run(resources or None, progress=work.progress)
    except (
        connection.NotConnected,
        TokenUnreadable,
        SyncBusy,
    ) as error:  # said in the job's result, as the CLI says it
        work.output.write_text(f"{error}\n")
        return "dfe-sync.txt"
    work.output.write_text("\n".join(r.describe() for r in results) + "\n")
    return "dfe-sync.txt"


def init_app(app: Flask) -> None:
    jobs.register_kind(app, JOB_KIND, _daily)
    jobs.register_daily(app, JOB_KIND)
