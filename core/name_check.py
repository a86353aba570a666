"""The children's-names check of practice text: the list of given names, the people the app
knows, and the one call forms make (``names_in``).

The list is derived once a machine from names-dataset (loading the package takes about 20 s and
1 GB, so no web process does it per request) and kept as a small text file, one name a line,
named after the package's version; ``flask setup`` makes it, and the first check makes it if
missing (one process at a time, under a file lock).
"""

from __future__ import annotations

import fcntl
import logging
import os
from functools import cache
from importlib.metadata import version
from pathlib import Path

from flask import current_app, g
from sqlalchemy import select

from core.accounts.models import User
from core.extensions import db
from core.given_names import names_of, possible_names
from core.given_names import select as select_names

log = logging.getLogger(__name__)


def list_path() -> Path:
    """The list holds public data only, so it sits in the user's cache folder, shared by every
    instance folder, test run and server process of the machine."""
    where = current_app.config.get("GIVEN_NAMES_DIR") or _cache_home() / "npq-senco-designer"
    return Path(where) / f"given-names-{version('names-dataset')}.txt"


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def ensure_list(path: Path) -> Path:
    """Derive the list into ``path`` unless it is there; several processes wait for one."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            from names_dataset import NameDataset  # heavy: only here

            names = select_names(NameDataset(load_last_names=False).first_names)
            partial = path.with_suffix(".partial")
            partial.write_text("\n".join(names) + "\n", encoding="utf-8")
            os.replace(partial, path)  # readers see the whole list or none
    return path


@cache
def _given_names(path: Path) -> frozenset[str]:
    return frozenset(line.casefold() for line in path.read_text(encoding="utf-8").splitlines() if line)


def given_names() -> frozenset[str]:
    """The list, or none when it cannot be made here (no writable cache folder, the package
    missing): the check is a warning, so it must never stop a save; the log says why."""
    try:
        return _given_names(ensure_list(list_path()))
    except (OSError, ImportError, MemoryError) as error:
        log.warning("children's names check skipped: the list of given names could not be made (%s)", error)
        return frozenset()


def known_people() -> frozenset[str]:
    """Names of everyone with an account (staff and trainees), once a request."""
    if "known_people" not in g:
        g.known_people = names_of(db.session.scalars(select(User.name)))
    known: frozenset[str] = g.known_people
    return known


def names_in(text: str) -> list[str]:
    """Words of ``text`` that may name someone the app does not know. The log says the check
    ran, never what it found."""
    found = possible_names(text, given_names(), known_people()) if text.strip() else []
    log.info("children's names check done")
    return found
