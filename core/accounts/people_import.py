"""People in bulk from a CSV file: the people plug-in of :mod:`core.importing`.

One line per person: ``name``, ``email``, ``roles`` (separated by ``;``). The file is checked
whole before anything is saved (every problem named by line and column), previewed (who is new,
who exists unchanged, who exists with changes), then saved all or nothing. Each new person is
invited by email (:func:`core.accounts.invitations.invite`): the invitation is queued in the same
transaction and sent by a job, so a file of thousands queues thousands of messages and sends none
inside the request.

What an import may change: it adds people and adds roles. It never removes a role, renames a
person or changes an email address (the email is how a line finds its person): those are single,
deliberate changes on the person's page. A name in the file that differs is shown and left as it is.

A room may read more columns from the same file (:class:`PeopleColumns`, registered at the room's
``init_app`` with :func:`register_columns`): assessments enrols trainees on a cohort this way, so
one file can create a cohort's accounts and enrol it. ``core`` never imports the room.

Linear in the file: the accounts the file names are read in one query, whatever its length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app
from sqlalchemy import select

from core import csv_rows, importing
from core.accounts import invitations
from core.accounts.models import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NAME_UNSAFE,
    NO_PASSWORD,
    User,
    name_is_safe,
    normalise_email,
)
from core.audit import Action, Subject, record
from core.csv_safe import write_csv
from core.extensions import db
from core.problems import Problem
from core.roles import HOME_PRIORITY, Role
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number

KIND = "people"
# 5,000 people with every column filled run to about 1.5 MB; four allows long names and notes.
CSV_BYTES_MAX = 4 * 1024 * 1024
ROWS_MAX = 5_000
CELL_MAX = 1_000
LIMITS = csv_rows.Limits(CSV_BYTES_MAX, ROWS_MAX, CELL_MAX, "people")
PREVIEW_LINES_MAX = 1_000  # lines listed one by one on the preview; the counts cover the rest
ROLE_SEPARATOR = ";"

COLUMNS = ("name", "email", "roles")
COLUMN_NOTES = {
    "name": "the person’s full name",
    "email": "their email address: they sign in with it and their invitation is sent to it",
    "roles": "one or more of " + ", ".join(r.value for r in HOME_PRIORITY) + f", separated by {ROLE_SEPARATOR}",
}
EXAMPLE = {"name": "Tia Trainee", "email": "tia.trainee@example.org", "roles": "trainee"}
WHAT_CHANGES = (
    "An import adds people and adds roles. It never removes a role, renames anyone or changes an email "
    "address: do that on the person’s own page."
)
# A role as written in the file: its name ("mentor") or its label ("Course designer"), any case.
ROLE_WORDS = {**{r.value: r for r in Role}, **{r.label.lower(): r for r in Role}}


class Status(str, Enum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class PersonLine:
    """One line of the file, checked: who it names and what the import does to them."""

    line: int
    name: str
    email: str
    roles: frozenset[Role]
    cells: Mapping[str, str]  # every cell, by column name, for the rooms' columns
    status: Status
    added_roles: frozenset[Role] = frozenset()
    name_kept: str = ""  # the account's name, where the file's differs (kept as it is)


@dataclass(frozen=True)
class CheckContext:
    """What a room's columns are checked against: the file's lines and every person it names."""

    lines: Sequence[PersonLine]
    # Everyone the file names, by email, as they will be after the import: a new person has a
    # provisional (negative) id and nobody is saved; an existing one keeps their id.
    people: Mapping[str, User]
    importer_id: int | None
    today: date


@dataclass(frozen=True)
class PeopleColumns:
    """Columns a room reads from the people file (see :func:`register_columns`)."""

    name: str
    columns: tuple[str, ...]
    notes: Mapping[str, str]  # column → what to write in it, for the page and docs/people.md
    example: Mapping[str, str]  # column → the template's example value
    emails_named: Callable[[Mapping[str, str]], Iterable[str]]  # other people a line names (read in the same query)
    check: Callable[[CheckContext], tuple[Any, list[Problem]]]  # the room's draft and every problem; saves nothing
    describe: Callable[[Any], tuple[list[tuple[str, str]], Mapping[int, str]]]  # summary rows; a note per line
    add: Callable[[Any, Mapping[str, User]], Mapping[str, int]]  # saves (no commit); counts for the audit event


@dataclass(frozen=True)
class PeopleDraft:
    lines: tuple[PersonLine, ...]
    extras: tuple[tuple[PeopleColumns, Any], ...] = field(default=())

    def count(self, status: Status) -> int:
        return sum(1 for line in self.lines if line.status is status)


@dataclass(frozen=True)
class Imported:
    added: int
    changed: int
    counts: Mapping[str, int]


def register_columns(app: Flask, columns: PeopleColumns) -> None:
    """Let the people file carry a room's columns (called from the room's ``init_app``)."""
    app.extensions.setdefault("people_columns", []).append(columns)


def registered_columns() -> list[PeopleColumns]:
    return list(current_app.extensions.get("people_columns", []))


def all_columns() -> tuple[str, ...]:
    return COLUMNS + tuple(c for extra in registered_columns() for c in extra.columns)


def all_notes() -> dict[str, str]:
    notes = dict(COLUMN_NOTES)
    for extra in registered_columns():
        notes.update(extra.notes)
    return notes


def template_csv() -> str:
    """A file to fill in: the header and one example line."""
    example = {**EXAMPLE, **{k: v for extra in registered_columns() for k, v in extra.example.items()}}
    columns = all_columns()
    return write_csv([columns, [example.get(c, "") for c in columns]])


# ---- reading one line ----------------------------------------------------------------------


def _email(text: str, line: int) -> tuple[str, list[Problem]]:
    email = normalise_email(text)
    if not email:
        return "", [csv_rows.located(line, "email", "Enter the person’s email address")]
    if len(email) > EMAIL_MAX_LENGTH:
        return "", [csv_rows.located(line, "email", f"An email address must be {EMAIL_MAX_LENGTH} characters or fewer")]
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return "", [
            csv_rows.located(
                line, "email", f"‘{email[:80]}’ is not an email address in the correct format, like name@example.org"
            )
        ]
    return email, []


def parse_roles(text: str, line: int) -> tuple[frozenset[Role], list[Problem]]:
    """The roles of a ``roles`` cell (names or labels, separated by ``;``), or where it is wrong."""
    words = [w.strip() for w in text.split(ROLE_SEPARATOR) if w.strip()]
    if not words:
        return frozenset(), [csv_rows.located(line, "roles", "Enter at least one role, like trainee or mentor")]
    unknown = [w for w in words if w.lower() not in ROLE_WORDS]
    if unknown:
        names = ", ".join(r.value for r in HOME_PRIORITY)
        return frozenset(), [
            csv_rows.located(
                line,
                "roles",
                f"‘{unknown[0][:40]}’ is not a role. Use {names}, separated by {ROLE_SEPARATOR}",
            )
        ]
    return frozenset(ROLE_WORDS[w.lower()] for w in words), []


def _name(text: str, line: int) -> tuple[str, list[Problem]]:
    name = text.strip()
    if not name:
        return "", [csv_rows.located(line, "name", "Enter the person’s full name")]
    if len(name) > NAME_MAX_LENGTH:
        return "", [csv_rows.located(line, "name", f"A name must be {NAME_MAX_LENGTH} characters or fewer")]
    if not name_is_safe(name):
        return "", [csv_rows.located(line, "name", NAME_UNSAFE)]
    return name, []


@dataclass(frozen=True)
class _Read:
    line: int
    name: str
    email: str
    roles: frozenset[Role]
    cells: dict[str, str]


def _read_lines(document: dict[str, Any], known: Sequence[str]) -> tuple[list[_Read], list[Problem]]:
    """Every line's own values (nothing looked up yet), and every problem with them."""
    names, problems = csv_rows.header_problems(document["header"], known, COLUMNS)
    if problems:
        return [], problems
    read: list[_Read] = []
    first_line: dict[str, int] = {}
    for row in document["rows"]:
        line = row["line"]
        cells, found = csv_rows.cells_of(names, row, CELL_MAX)
        name, name_problems = _name(cells.get("name", ""), line)
        email, email_problems = _email(cells.get("email", ""), line)
        roles, role_problems = parse_roles(cells.get("roles", ""), line)
        found += name_problems + email_problems + role_problems
        if email and email in first_line:
            found.append(csv_rows.located(line, "email", f"This email address is already on line {first_line[email]}"))
        elif email:
            first_line[email] = line
        problems += found
        if not found:
            read.append(_Read(line, name, email, roles, cells))
    if not document["rows"]:
        problems.append(Problem("", "The file has no people: add one line per person under the header"))
    return read, problems


# ---- checking the whole file ---------------------------------------------------------------


def _existing(emails: set[str]) -> dict[str, User]:
    """Every account the file names, in one query (emails are stored trimmed and in lower case)."""
    if not emails:
        return {}
    return {u.email: u for u in db.session.scalars(select(User).where(User.email.in_(emails)))}


def _as_after(read: _Read, found: User | None, provisional_id: int) -> tuple[PersonLine, User, list[Problem]]:
    """The line's verdict, and the person as the import leaves them (not in the session)."""
    if found is None:
        person = PersonLine(read.line, read.name, read.email, read.roles, read.cells, Status.NEW)
        after = User(id=provisional_id, name=read.name, email=read.email, active=True)
        after.set_roles(set(read.roles))
        return person, after, []
    if not found.active:
        problem = csv_rows.located(
            read.line,
            "email",
            "This address belongs to an erased account: use another"
            if found.erased
            else f"{found.name}’s account is deactivated: reactivate it on their page first",
        )
        return PersonLine(read.line, read.name, read.email, read.roles, read.cells, Status.UNCHANGED), found, [problem]
    added = read.roles - found.roles
    person = PersonLine(
        read.line,
        read.name,
        read.email,
        read.roles,
        read.cells,
        Status.CHANGED if added else Status.UNCHANGED,
        frozenset(added),
        found.name if found.name != read.name else "",
    )
    after = User(id=found.id, name=found.name, email=found.email, active=True)
    after.set_roles(set(found.roles | read.roles))
    return person, after, []


def _named(lines: Iterable[_Read | PersonLine], extras: Iterable[PeopleColumns]) -> set[str]:
    """Every email the file names: its people, and those the rooms' columns name (mentors)."""
    named = set()
    for line in lines:
        named.add(line.email)
        named.update(normalise_email(e) for extra in extras for e in extra.emails_named(line.cells) if e.strip())
    return named


def _line_of(problem: Problem) -> int:
    head = problem.path.split(".")[0]
    return (whole_number(head[5:], RECORD_NUMBER_MAX) if head.startswith("line ") else None) or 0


def check_people(document: dict[str, Any], importer_id: int | None, today: date) -> PeopleDraft:
    """Every line checked, then each room's columns; Invalid listing every problem by line and column."""
    extras = registered_columns()
    read, problems = _read_lines(document, all_columns())
    if problems and not read:
        csv_rows.raise_all(problems)
    existing = _existing(_named(read, extras))
    lines: list[PersonLine] = []
    people = dict(existing)
    for index, r in enumerate(read):
        person, after, found = _as_after(r, existing.get(r.email), -(index + 1))
        lines.append(person)
        people[r.email] = after
        problems += found
    context = CheckContext(tuple(lines), people, importer_id, today)
    drafts = []
    for extra in extras:
        draft, found = extra.check(context)
        drafts.append((extra, draft))
        problems += found
    problems.sort(key=_line_of)  # stable: the file's order, line by line
    csv_rows.raise_all(problems)
    return PeopleDraft(tuple(lines), tuple(drafts))


# ---- the preview and the save ---------------------------------------------------------------


def _count(n: int, one: str = "person", many: str = "people") -> str:
    return f"{n:,} {one if n == 1 else many}"


def _labels(roles: Iterable[Role]) -> str:
    return ", ".join(r.label for r in sorted(roles, key=HOME_PRIORITY.index))


def _line_text(person: PersonLine) -> str:
    if person.status is Status.NEW:
        return f"New: {_labels(person.roles)}. An invitation is emailed to them"
    words = "Exists"
    if person.added_roles:
        words += f", adds {_labels(person.added_roles)}"
    else:
        words += ", unchanged"
    if person.name_kept:
        words += f". Name stays {person.name_kept}"
    return words


def preview(draft: PeopleDraft) -> list[tuple[str, str]]:
    """The counts, each room's summary, then each line (the first :data:`PREVIEW_LINES_MAX`)."""
    rows = [
        ("New people", f"{_count(draft.count(Status.NEW))}: each is sent an invitation by email"),
        ("Existing people with changes", _count(draft.count(Status.CHANGED))),
        ("Existing people, unchanged", _count(draft.count(Status.UNCHANGED))),
    ]
    notes: dict[int, list[str]] = {}
    for extra, extra_draft in draft.extras:
        summary, per_line = extra.describe(extra_draft)
        rows += summary
        for line, note in per_line.items():
            notes.setdefault(line, []).append(note)
    for person in draft.lines[:PREVIEW_LINES_MAX]:
        text = ". ".join([_line_text(person), *notes.get(person.line, [])])
        rows.append((f"Line {person.line}: {person.name} ({person.email})", text))
    if len(draft.lines) > PREVIEW_LINES_MAX:
        rows.append(("More lines", f"… and {_count(len(draft.lines) - PREVIEW_LINES_MAX, 'line', 'lines')} more"))
    return rows


def add(draft: PeopleDraft, importer_id: int | None) -> Imported:
    """Create the new people, add the roles, invite the new, then each room's rows; no commit."""
    existing = _existing(_named(draft.lines, [extra for extra, _ in draft.extras]))
    created: list[User] = []
    for person in draft.lines:
        if person.status is Status.NEW:
            user = User(name=person.name, email=person.email, password_hash=NO_PASSWORD, active=True)
            user.set_roles(set(person.roles))
            created.append(user)
        elif person.added_roles:
            found = existing[person.email]
            found.set_roles(set(found.roles | person.added_roles))
            # Each person's own event, as an edit on their page writes: a role (administrator
            # included) given through a file is as traceable as one given by hand.
            record(Action.PERSON_ROLES_CHANGED, Subject("user", found.id), found, added=person.added_roles, removed=())
    db.session.add_all(created)
    db.session.flush()  # the new ids, for the invitations and the rooms' rows
    for user in created:
        record(Action.PERSON_ADDED, Subject("user", user.id), user, roles=user.roles, active=True, invited=True)
        invitations.invite(user, new_person=True)
    people = {**existing, **{u.email: u for u in created}}
    counts: dict[str, int] = {}
    for extra, extra_draft in draft.extras:
        counts.update(extra.add(extra_draft, people))
    changed = draft.count(Status.CHANGED)
    record(Action.PEOPLE_IMPORTED, Subject("user"), None, added=len(created), changed=changed, **counts)
    return Imported(len(created), changed, counts)


def people_csv(importer_id: int | None, today: date) -> importing.Format[PeopleDraft]:
    """The plug-in for one importer: what a room's columns may name (a cohort) depends on who imports."""
    return importing.Format[PeopleDraft](
        kind=KIND,
        check=lambda document: check_people(document, importer_id, today),
        preview=preview,
        add=add,
        parse=lambda raw: csv_rows.parse(raw, LIMITS),
    )
