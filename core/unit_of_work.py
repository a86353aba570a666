"""Saving a unit of work: the one home of what a refused commit means to the person.

Two requests can base a change on the same row. The loser's commit fails in one of two ways, and
each is answered here, with everything of the unit rolled back, never a 500:

- a version counter (``version_id_col``) finds the row changed since it was read: a stale edit,
  :class:`core.problems.Conflict` (409, or a message on the form) with the caller's words;
- a unique rule refuses a second row of the same thing: the problem the caller names for that
  rule, located at its field (:class:`core.problems.Invalid`), as the service's own check would
  have said it had the other request finished first.

A unique rule is named as the database names it: the constraint or index name (the models name
every one, see ``core.extensions.NAMING_CONVENTION``). PostgreSQL reports the name; SQLite reports
the table's columns instead, which are matched against the models' metadata.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.extensions import db
from core.problems import Conflict, Invalid

# A unique rule's name → (the field to blame, what to tell the person).
UniqueRules = Mapping[str, tuple[str, str]]

_POSTGRESQL_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE_FAILED = "UNIQUE constraint failed: "


@contextmanager
def saving(changed: str | None, path: str = "", *, unique: UniqueRules | None = None) -> Iterator[None]:
    """Around the flushes and the commit of a unit of work: a stale version becomes
    :class:`Conflict` (``changed`` at ``path``), a violation of a rule named in ``unique`` becomes
    its located :class:`Invalid`; either way the unit is rolled back first. Any other integrity
    error is rolled back and raised as it was, for the caller to handle or to answer 500.
    ``changed`` None: the unit writes no versioned row, so a stale version is not expected either."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        if changed is None:
            raise
        raise Conflict(changed, path) from None
    except IntegrityError as error:
        db.session.rollback()
        located = (unique or {}).get(unique_rule_of(error) or "")
        if located is None:
            raise
        field, message = located
        raise Invalid(message, field) from None


def commit(changed: str | None, path: str = "", *, unique: UniqueRules | None = None) -> None:
    """Commit the session's unit of work, as :func:`saving` answers a refusal."""
    with saving(changed, path, unique=unique):
        db.session.commit()


def commit_or_conflict(message: str, path: str = "") -> None:
    """Commit; if any unique rule refuses it because someone else's request saved the same thing
    first (two tabs, a double click, six threads), answer :class:`Conflict` with ``message``, as
    for a stale version: for units whose every unique rule means "done already"."""
    try:
        commit(message, path)
    except IntegrityError:
        raise Conflict(message, path) from None


def unique_rule_of(error: IntegrityError) -> str | None:
    """The name of the unique constraint or index ``error`` broke; None for any other error."""
    original = error.orig
    if getattr(original, "sqlstate", None) == _POSTGRESQL_UNIQUE_VIOLATION:
        return getattr(getattr(original, "diag", None), "constraint_name", None)
    told = str(original)
    if not told.startswith(_SQLITE_UNIQUE_FAILED):
        return None
    told = told.removeprefix(_SQLITE_UNIQUE_FAILED).strip()
    if told.startswith("index '"):  # an index on expressions: SQLite names it
        return told.removeprefix("index '").removesuffix("'")
    qualified = [name.strip().split(".", 1) for name in told.split(",")]
    table = db.metadata.tables.get(qualified[0][0])
    if table is None or any(len(name) != 2 for name in qualified):
        return None
    columns = {column for _, column in qualified}
    rules: list[UniqueConstraint | Index] = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    rules += [index for index in table.indexes if index.unique]
    for rule in rules:
        if rule.name and {column.name for column in rule.columns} == columns:
            return str(rule.name)
    return None
