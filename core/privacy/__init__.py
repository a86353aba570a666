"""The privacy registry: every table and column that refers to a person, and what is done with it.

As Moodle's Privacy API, each room declares its own personal data in a :class:`Provider` (what a
column holds, why it is held, who sees it, how it is exported, how erasure treats it, how long it is
kept) and registers it from its ``init_app``; core never imports the rooms. Subject access
(:mod:`core.privacy.export`) asks every provider for what it holds about one person; erasure asks
them to erase; retention reads the tables' retention kinds; and the reflection check
(:mod:`core.privacy.reflection`) fails on any column that refers to a person and is not declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from core.extensions import db
from core.privacy import reflection

PROVIDERS = "privacy_providers"
# How long each kind of record is kept: the periods live in core.privacy.retention; the registry
# names a kind for each table and file.
RETENTION_KINDS = (
    "sign_in_failures",
    "reset_requests",
    "staged_imports",
    "jobs",
    "job_results",
    "stored_documents",
    "accounts",
    "enrolments",
    "observations",
    "calibration",
    "audit_log",
    "api_tokens",
    "account_links",
    "messages",
)


class Export:
    """How subject access treats a column."""

    AS_IS = "as is"  # the person's own data, given back as held
    OTHERS_REMOVED = "others removed"  # given back with other people's identities replaced ("Trainee 1")
    NOT_EXPORTED = "not exported"  # a secret or a technical value; the reason is in ``holds``


class Erase:
    """What erasing a person does to a column."""

    DELETE = "delete"  # the row goes
    ANONYMISE = "anonymise"  # the value is replaced by one that names nobody
    NULL = "null"  # the reference is cleared; the row stays (it belongs to someone else too)
    KEEP = "keep"  # kept, for the reason given in ``holds`` (e.g. a record others depend on)


class Basis:
    """Lawful bases (UK GDPR article 6), in the words the registry uses."""

    CONTRACT = "contract"
    PUBLIC_TASK = "public task"
    LEGITIMATE_INTERESTS = "legitimate interests"
    LEGAL_OBLIGATION = "legal obligation"


@dataclass(frozen=True)
class PersonalField:
    """One column that refers to a person or holds what a person wrote."""

    holds: str  # plain words: "the trainee's school", "marks and comments the mentor wrote"
    basis: str  # a Basis value
    seen_by: str  # who may see it in the app
    export: str  # an Export value
    erase: str  # an Erase value


@dataclass(frozen=True)
class PersonalTable:
    """A table with personal columns. ``not_personal`` lists columns the reflection check would flag
    (a person-like name, a reference to a person's row) that hold nothing personal; each is
    justified by a comment where it is declared."""

    table: str  # __tablename__
    fields: Mapping[str, PersonalField]
    retention: str  # a retention kind (core.privacy.retention)
    not_personal: tuple[str, ...] = ()
    title: str = ""  # a heading for subject access ("Observations"); the table's name if empty


@dataclass(frozen=True)
class ImpersonalTable:
    """A table holding nothing about anybody, whose column names the reflection check would flag
    (``name``, ``text``): declared so that a new personal column in it is still caught."""

    table: str
    not_personal: tuple[str, ...]


@dataclass(frozen=True)
class PersonalFiles:
    """Files on disk that may hold personal data: stored PDFs, job results."""

    name: str
    holds: str
    retention: str
    erase: str


class Provider:
    """One room's declarations and its part of subject access and erasure.

    A room subclasses this, sets the class attributes and implements :meth:`export`. Rows returned
    by :meth:`export` hold plain values; another person is given as an :class:`Other`, which
    :mod:`core.privacy.export` turns into "Trainee 1", "Mentor 2" (the same label for the same
    person throughout one export) or, for the person themself, "You".
    """

    name: str = ""
    tables: tuple[PersonalTable, ...] = ()
    impersonal: tuple[ImpersonalTable, ...] = ()
    files: tuple[PersonalFiles, ...] = ()

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        """Table name -> the rows about or by the person, other people given as :class:`Other`."""
        return {}

    def erase(self, person_id: int) -> list[str]:
        """Erase or anonymise the person's data as declared; what was done, in words."""
        raise NotImplementedError  # the erasure work fills this in, room by room


@dataclass(frozen=True)
class Other:
    """A reference to a person in an exported row: replaced by a label, never shown as an id."""

    person_id: int | None
    role: str  # "Trainee", "Mentor", "Moderator", "Reviewer", "Administrator"


@dataclass
class Registry:
    providers: list[Provider] = field(default_factory=list)


def register(app: Flask, provider: Provider) -> None:
    """Add a room's provider (called from the room's ``init_app``). A table declared twice is refused:
    one home for each table's rules."""
    registry: Registry = app.extensions.setdefault(PROVIDERS, Registry())
    known = {name for p in registry.providers for name in _table_names(p)}
    twice = known & _table_names(provider)
    if twice:
        raise ValueError(f"tables declared twice in the privacy registry: {sorted(twice)}")
    registry.providers.append(provider)


def _table_names(provider: Provider) -> set[str]:
    return {t.table for t in provider.tables} | {t.table for t in provider.impersonal}


def providers(app: Flask | None = None) -> list[Provider]:
    """Every registered provider, in the order the rooms registered them."""
    registry: Registry | None = (app or current_app).extensions.get(PROVIDERS)
    return list(registry.providers) if registry else []


def declared_tables(app: Flask | None = None) -> dict[str, PersonalTable]:
    """Table name -> its declaration, for every table holding personal data."""
    return {t.table: t for p in providers(app) for t in p.tables}


def impersonal_tables(app: Flask | None = None) -> dict[str, ImpersonalTable]:
    return {t.table: t for p in providers(app) for t in p.impersonal}


def declared_files(app: Flask | None = None) -> list[PersonalFiles]:
    return [f for p in providers(app) for f in p.files]


def declared_columns(app: Flask | None = None) -> dict[str, set[str]]:
    """Table -> every column the registry names for it (personal or not), for the reflection check."""
    columns: dict[str, set[str]] = {}
    for provider in providers(app):
        for table in provider.tables:
            columns.setdefault(table.table, set()).update(table.fields, table.not_personal)
        for impersonal in provider.impersonal:
            columns.setdefault(impersonal.table, set()).update(impersonal.not_personal)
    return columns


def gaps(app: Flask | None = None) -> tuple[list[reflection.Undeclared], list[str]]:
    """Columns that refer to a person and are not declared, and declarations of columns that do not
    exist: both empty when the registry matches the models. The test and ``make verify`` ask this."""
    declared = declared_columns(app)
    return reflection.undeclared(db.metadata, declared), reflection.unknown(db.metadata, declared)
