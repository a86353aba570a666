"""The people CSV's enrolment columns: one file creates a cohort's accounts and enrols it.

Registered with core's people import (:func:`core.accounts.people_import.register_columns`) at the
room's ``init_app``, so ``core`` never imports the room. A line with a ``cohort`` enrols its person
on that cohort with the mentors of ``mentor_emails`` (existing accounts, or people in the same
file), through the same checks as the enrolment form and the enrolment CSV
(:func:`assessments.services.enrolments.enrolment_problems`, :func:`add_checked`). The cohort must
be one the importer may manage (:func:`assessments.services.scope.may_manage_cohort`); any other
name is answered as not found, whether or not it exists.

A person already enrolled on the cohort is left as they are (their enrolment changes on the
cohort's page), so the same file can be imported again after adding lines to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import func, select

from assessments.models import Cohort, Enrolment
from assessments.services import enrolment_imports, scope
from assessments.services.enrolment_imports import DETAIL_COLUMNS, Details, read_details
from assessments.services.enrolments import add_checked, enrolment_problems
from core.accounts.models import User, normalise_email
from core.accounts.people_import import CheckContext, PeopleColumns, PersonLine
from core.accounts.roles import Role
from core.csv_rows import located
from core.extensions import db
from core.problems import Problem

COLUMNS = ("cohort", "mentor_emails", *DETAIL_COLUMNS)
NOTES = {
    "cohort": "optional: the name of a cohort to enrol a trainee on, as on the Cohorts page",
    "mentor_emails": "with a cohort: the trainee’s mentors’ email addresses (accounts, or people in this file), "
    "separated by ;",
    **{c: f"with a cohort: {enrolment_imports.COLUMN_NOTES[c]}" for c in DETAIL_COLUMNS},
}
EXAMPLE = {
    "cohort": "Autumn cohort",
    "mentor_emails": "mo.mentor@example.org",
    "school": "Hill Primary School",
    "became_senco": "1/9/2025",
    "head_teacher": "no",
}
FIELD_COLUMNS = {**enrolment_imports.FIELD_COLUMNS, "trainee_id": "roles", "cohort_id": "cohort"}


@dataclass(frozen=True)
class EnrolLine:
    line: int
    email: str
    cohort_id: int
    cohort_name: str
    mentor_emails: tuple[str, ...]
    mentor_names: str
    details: Details


@dataclass(frozen=True)
class EnrolDraft:
    enrol: tuple[EnrolLine, ...]
    already: tuple[tuple[int, str], ...]  # (line, cohort name): enrolled before, left as they are


def _mentor_emails(cells: Mapping[str, str]) -> list[str]:
    return [normalise_email(e) for e in cells.get("mentor_emails", "").split(";") if e.strip()]


def _emails_named(cells: Mapping[str, str]) -> Iterable[str]:
    return _mentor_emails(cells)


def _wants_enrolment(cells: Mapping[str, str]) -> bool:
    return any(cells.get(c, "").strip() for c in COLUMNS)


def _cohorts(lines: Iterable[PersonLine], importer_id: int | None) -> dict[str, list[Cohort]]:
    """The cohorts the file names that the importer manages, by lower-case name, in one query."""
    names = {p.cells.get("cohort", "").strip().lower() for p in lines} - {""}
    if not names:
        return {}
    importer = db.session.get(User, importer_id) if importer_id is not None else None
    found: dict[str, list[Cohort]] = {}
    for cohort in db.session.scalars(select(Cohort).where(func.lower(Cohort.name).in_(names))):
        if scope.may_manage_cohort(cohort, importer):
            found.setdefault(cohort.name.lower(), []).append(cohort)
    return found


def _enrolled(cohort_ids: set[int]) -> dict[int, set[int]]:
    enrolled: dict[int, set[int]] = {i: set() for i in cohort_ids}
    if cohort_ids:
        rows = db.session.execute(
            select(Enrolment.cohort_id, Enrolment.trainee_id).where(Enrolment.cohort_id.in_(cohort_ids))
        )
        for cohort_id, trainee_id in rows:
            enrolled[cohort_id].add(trainee_id)
    return enrolled


def _cohort_of(person: PersonLine, cohorts: dict[str, list[Cohort]]) -> tuple[Cohort | None, list[Problem]]:
    name = person.cells.get("cohort", "").strip()
    if not name:
        return None, [located(person.line, "cohort", "Enter the cohort to enrol them on, or leave its columns empty")]
    matches = cohorts.get(name.lower(), [])
    if not matches:
        return None, [
            located(
                person.line, "cohort", f"You manage no cohort called ‘{name[:80]}’. Use its name as on the Cohorts page"
            )
        ]
    if len(matches) > 1:
        return None, [
            located(
                person.line, "cohort", f"{len(matches)} cohorts are called ‘{name[:80]}’: give them different names"
            )
        ]
    return matches[0], []


def _mentors(person: PersonLine, people: Mapping[str, User]) -> tuple[list[User], list[Problem]]:
    mentors, problems = [], []
    for email in _mentor_emails(person.cells):
        mentor = people.get(email)
        if mentor is None:
            problems.append(
                located(person.line, "mentor_emails", f"{email[:80]} is neither an account nor a person in this file")
            )
        elif not mentor.active:
            problems.append(located(person.line, "mentor_emails", f"{mentor.name}’s account is deactivated"))
        elif Role.MENTOR not in mentor.roles:
            problems.append(
                located(
                    person.line,
                    "mentor_emails",
                    f"{mentor.name} ({email[:80]}) is not a mentor: add mentor to their roles",
                )
            )
        else:
            mentors.append(mentor)
    return mentors, problems


def check(context: CheckContext) -> tuple[EnrolDraft, list[Problem]]:
    """Each line with a cohort checked as an enrolment, against the people as the import leaves them."""
    wanted = [p for p in context.lines if _wants_enrolment(p.cells)]
    cohorts = _cohorts(wanted, context.importer_id)
    enrolled = _enrolled({c.id for found in cohorts.values() for c in found})
    by_id = {u.id: u for u in context.people.values()}
    problems: list[Problem] = []
    enrol: list[EnrolLine] = []
    already: list[tuple[int, str]] = []
    for person in wanted:
        trainee = context.people[person.email]
        cohort, found = _cohort_of(person, cohorts)
        if Role.TRAINEE not in trainee.roles:
            found.append(located(person.line, "roles", "Only a trainee can be enrolled on a cohort: add trainee"))
        if cohort is not None and trainee.id in enrolled[cohort.id]:
            already.append((person.line, cohort.name))
            problems += found
            continue
        mentors, mentor_problems = _mentors(person, context.people)
        details, detail_problems = read_details(dict(person.cells), person.line)
        found += mentor_problems + detail_problems
        if cohort is not None and not found:
            given = details.input_for(trainee.id, tuple(m.id for m in mentors))
            _, _, service = enrolment_problems(cohort, given, context.today, enrolled=enrolled[cohort.id], people=by_id)
            found += [located(person.line, FIELD_COLUMNS.get(path, path), message) for path, message in service]
        if cohort is not None and not found:
            names = ", ".join(m.name for m in mentors)
            enrol.append(
                EnrolLine(
                    person.line, person.email, cohort.id, cohort.name, tuple(m.email for m in mentors), names, details
                )
            )
        problems += found
    return EnrolDraft(tuple(enrol), tuple(already)), problems


def describe(draft: EnrolDraft) -> tuple[list[tuple[str, str]], dict[int, str]]:
    by_cohort: dict[str, int] = {}
    for e in draft.enrol:
        by_cohort[e.cohort_name] = by_cohort.get(e.cohort_name, 0) + 1
    summary = [
        (
            "Enrolments",
            "; ".join(f"{n:,} {'trainee' if n == 1 else 'trainees'} on {name}" for name, n in by_cohort.items())
            or "None",
        )
    ]
    if draft.already:
        summary.append(("Already enrolled", f"{len(draft.already):,}: their enrolments are left as they are"))
    notes = {e.line: f"Enrol on {e.cohort_name}, mentored by {e.mentor_names}" for e in draft.enrol}
    notes.update({line: f"Already enrolled on {name}: left as it is" for line, name in draft.already})
    return summary, notes


def add(draft: EnrolDraft, people: Mapping[str, User]) -> dict[str, int]:
    """Enrol every line (no commit): the people are saved by now, with their real ids."""
    cohorts: dict[int, Cohort] = {}
    for e in draft.enrol:
        cohort = cohorts.get(e.cohort_id) or db.session.get(Cohort, e.cohort_id)
        assert cohort is not None  # checked in this transaction
        cohorts[e.cohort_id] = cohort
        add_checked(cohort, e.details.input_for(people[e.email].id, tuple(people[m].id for m in e.mentor_emails)))
    return {"enrolled": len(draft.enrol)}


ENROLMENT_COLUMNS = PeopleColumns(
    name="enrolment",
    columns=COLUMNS,
    notes=NOTES,
    example=EXAMPLE,
    emails_named=_emails_named,
    check=check,
    describe=describe,
    add=add,
)
