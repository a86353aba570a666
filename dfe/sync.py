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
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from core import jobs
from core.clock import utcnow
from core.extensions import db
from dfe import connection
from dfe.client import DfeClient, DfeError
from dfe.contract import Environment
from dfe.models import DfeSync

log = logging.getLogger(__name__)
JOB_KIND = "dfe-sync"


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
    is the listing's filter for the cursor (outcomes have only ``filter[created_since]``)."""
    result = SyncResult(resource)
    row = cursor(env, resource)
    if row.started_at is None:  # a fresh run; otherwise resume where the stopped one got to
        row.started_at, row.next_page = utcnow(), 1
    since: datetime | None = row.updated_since
    query = dict(params or {})
    if since is not None:
        query[since_param] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    db.session.commit()
    try:
        for page, records in client.pages(path, query, first_page=row.next_page):
            for record in records:
                result.read += 1
                outcome = upsert(record, env)
                if outcome is True:
                    result.changed += 1
                elif isinstance(outcome, str):
                    result.skipped.append(outcome)
            row.next_page = page + 1
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


def run(resources: Iterable[str] | None = None, env: Environment | None = None) -> list[SyncResult]:
    """Read every registered kind of record (or those named) from the chosen environment."""
    env = env or connection.environment()
    results = []
    with connection.client(env) as client:
        for resource, reader in _READERS.items():
            if resources is None or resource in resources:
                results.append(reader(client, env))
    return results


def last_syncs(env: Environment) -> list[DfeSync]:
    return list(db.session.scalars(select(DfeSync).filter_by(environment=env.value).order_by(DfeSync.resource)))


def _daily(work: jobs.Work) -> str:
    try:
        results = run()
    except connection.NotConnected as error:
        work.output.write_text(f"{error}\n")
        return "dfe-sync.txt"
    work.progress(len(results), len(results))
    work.output.write_text("\n".join(r.describe() for r in results) + "\n")
    return "dfe-sync.txt"


def init_app(app: Flask) -> None:
    jobs.register_kind(app, JOB_KIND, _daily)
    jobs.register_daily(app, JOB_KIND)
