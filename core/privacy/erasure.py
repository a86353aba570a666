"""Erasing a person: every provider's part in one transaction, files removed only after it commits.

:func:`erase_person` asks each registered provider to erase (the rooms first, core's account last,
so a room can still read the person's name to take it out of what others wrote), commits once, then
removes the files the providers named with :func:`remove_after_commit`. Anything failing rolls
the whole erasure back and no file is touched. Running it again on an erased person changes
nothing a person could notice: every step is written to be repeatable.

Core's own part lives here too: jobs and their result files, staged imports, and stored PDFs.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, func, or_, select

from core import jobs, printing
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.extensions import db
from core.importing import StagedImport
from core.privacy import Provider, providers
from core.problems import Invalid

_pending: contextvars.ContextVar[list[Path] | None] = contextvars.ContextVar("erasure_files", default=None)
ACCOUNT_TABLE = "user"
NOT_YOURSELF = "You cannot erase your own account. Ask another administrator"


@dataclass(frozen=True)
class Erased:
    """What an erasure did: the tombstone's name, what was kept and why, how many files went."""

    person_id: int
    name: str
    already: bool  # the person had been erased before; this run changed nothing they could notice
    kept: tuple[str, ...]
    files_removed: int


def remove_after_commit(*paths: Path) -> None:
    """Remove these files once the erasure has committed (a provider calls this from ``erase``)."""
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("remove_after_commit is only for providers called by erase_person")
    pending.extend(paths)


def erase_person(person_id: int, acting_id: int | None = None) -> Erased:
    """Erase the person's personal data everywhere, all or nothing; ``acting_id`` may not erase themself."""
    person = db.session.get(User, person_id)
    if person is None:
        raise Invalid("There is no such person", "person_id")
    if acting_id == person_id:
        raise Invalid(NOT_YOURSELF, "person_id")
    already = person.erased
    pending: list[Path] = []
    token = _pending.set(pending)
    try:
        kept = [line for provider in _in_erasure_order() for line in provider.erase(person_id)]
        record(Action.PERSON_ERASED, Subject("user", person_id), person_id, again=already)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _pending.reset(token)
    removed = 0
    for path in pending:
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return Erased(person_id, person.name, already, tuple(kept), removed)


def _in_erasure_order() -> list[Provider]:
    """The rooms built on core first (newest registered first), the provider of the account itself
    last: until then every provider can still read the person's name and email to find them."""
    newest_first = providers()[::-1]
    return sorted(newest_first, key=lambda p: any(t.table == ACCOUNT_TABLE for t in p.tables))


# ---- core's part: jobs, staged imports, stored PDFs -------------------------------------------


def erase_jobs(person_id: int) -> list[str]:
    """The person's own jobs go with their results. Every other finished result file goes too: a
    cohort's ZIP of plans or a subject access export may hold the person, and a result's content
    cannot be read back cheaply (results are kept a day anyway); those rows say the download expired."""
    folder = jobs.results_folder()
    owned = list(db.session.scalars(select(jobs.Job).where(jobs.Job.owner_id == person_id)))
    others = list(
        db.session.scalars(select(jobs.Job).where(jobs.Job.owner_id != person_id, jobs.Job.result_file.is_not(None)))
    )
    for job in owned + others:
        if job.result_file:
            remove_after_commit(folder / job.result_file)
    for job in others:
        job.result_file = None
    _forget_name_in_download_names(person_id)
    db.session.execute(delete(jobs.Job).where(jobs.Job.owner_id == person_id))
    if not others:
        return []
    return [
        f"{len(others):,} other people’s job downloads removed: they may hold this person and are "
        "made again by starting the job again."
    ]


def _forget_name_in_download_names(person_id: int) -> None:
    """A download's name may carry the person's name (a subject access export is
    ``personal-data-ann-smith.json``): such names go, expired downloads' included."""
    person = db.session.get(User, person_id)
    if person is None or person.erased:
        return
    slug = printing.safe_filename(person.name).removesuffix(".pdf")
    if len(slug) < 3:
        return
    named = func.lower(jobs.Job.result_name).contains(slug, autoescape=True)
    for job in db.session.scalars(select(jobs.Job).where(jobs.Job.owner_id != person_id, named)):
        job.result_name = None


def erase_staged_imports(person_id: int) -> None:
    """Imports staged by the person, or whose file names them (an enrolment CSV), go: they are
    drafts nobody confirmed, checked again when confirmed."""
    person = db.session.get(User, person_id)
    mentions = [
        func.lower(StagedImport.document).contains(word.lower(), autoescape=True)
        for word in (person.email, person.name)
        if person is not None and len(word.strip()) >= 3
    ]
    db.session.execute(delete(StagedImport).where(or_(StagedImport.owner_id == person_id, *mentions)))


def erase_stored_documents() -> list[str]:
    """Every stored PDF goes: a file is named by a hash of its contents, so which ones show the
    person cannot be told from the name (a mentor's name is on each of their trainees' plans), and
    each is made again, from the erased data, when next asked for."""
    folder = Path(current_app.instance_path) / printing.CACHE_FOLDER
    found = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
    remove_after_commit(*found)
    return (
        ["Every stored PDF is removed; each is made again, without this person, when next downloaded."] if found else []
    )
