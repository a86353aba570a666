"""Reflecting the tables against the privacy registry: which columns refer to a person, and which
of those nobody declared. One home for the rule, used by the test and by ``make verify``.

A column refers to a person when it has a foreign key to ``user``, or to a table whose rows belong
to a person (a row that cannot exist without one: an enrolment, an observation), or when its name
holds a word people's data goes by (name, email, school, note, reason...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import MetaData, Table

PERSON_TABLE = "user"
# Words in a column's name that say it holds something about, or written by, a person.
PERSONAL_WORDS = re.compile(
    r"(^|_)(name|names|email|emails|school|comment|comments|note|notes|reason|text|reflection|address|ip|by|"
    r"phone|birth|password|token|evidence|ratings|account|author|owner|trainee|mentor|moderator|reviewer|"
    r"person|people|user|senco|service|document)(_|$)"
)


@dataclass(frozen=True, order=True)
class Undeclared:
    table: str
    column: str
    why: str  # what made it personal: a foreign key, or a word in its name

    def __str__(self) -> str:
        return f"{self.table}.{self.column} ({self.why})"


def person_tables(tables: Iterable[Table]) -> set[str]:
    """``user``, and every table with a required foreign key to a person's table (its rows belong to
    a person), to a fixed point."""
    tables = list(tables)
    found = {PERSON_TABLE}
    grew = True
    while grew:
        grew = False
        for table in tables:
            if table.name in found:
                continue
            if any(not fk.parent.nullable and fk.column.table.name in found for fk in table.foreign_keys):
                found.add(table.name)
                grew = True
    return found


def _why_personal(table: Table, column_name: str, people: set[str]) -> str | None:
    column = table.c[column_name]
    for fk in column.foreign_keys:
        if fk.column.table.name in people:
            return f"refers to {fk.column.table.name}"
    if column.primary_key and not column.foreign_keys:
        return None  # a row's own id says nothing about anybody
    if PERSONAL_WORDS.search(column_name):
        return "a personal word in its name"
    return None


def personal_columns(metadata: MetaData) -> dict[str, dict[str, str]]:
    """Table -> {column: why it refers to a person}, for every table of ``metadata``."""
    tables = list(metadata.sorted_tables)
    people = person_tables(tables)
    flagged: dict[str, dict[str, str]] = {}
    for table in tables:
        for column in table.columns:
            why = _why_personal(table, column.name, people)
            if why:
                flagged.setdefault(table.name, {})[column.name] = why
    return flagged


def undeclared(metadata: MetaData, declared: Mapping[str, Iterable[str]]) -> list[Undeclared]:
    """Columns that refer to a person but are neither declared personal nor listed as not personal.
    ``declared`` maps a table to every column its declarations name."""
    return sorted(
        Undeclared(table, column, why)
        for table, columns in personal_columns(metadata).items()
        for column, why in columns.items()
        if column not in set(declared.get(table, ()))
    )


def unknown(metadata: MetaData, declared: Mapping[str, Iterable[str]]) -> list[str]:
    """Declared tables or columns that do not exist (a rename left the registry behind)."""
    problems = []
    for table, columns in declared.items():
        if table not in metadata.tables:
            problems.append(f"{table} (no such table)")
            continue
        problems += [f"{table}.{c} (no such column)" for c in columns if c not in metadata.tables[table].c]
    return sorted(problems)
