"""Enrolling many trainees from a CSV file: the enrolment CSV plug-in of :mod:`core.importing`.

One row per trainee. The file is read strictly (UTF-8, a byte-order mark dropped, UTF-16 and other
encodings refused by :func:`core.documents.read_text`), every row is checked by the same rules as
the enrolment form (:func:`assessments.services.enrolments.enrolment_problems`), and every problem
is reported by its 1-based line and its column before anything is saved; then all the rows are
saved in one transaction, or none.

Trainees and mentors must already have accounts (matched by email address). The import does not
create accounts: a new account needs an administrator to choose its roles and give its owner a
password, which the People page does. ``trainee_name`` is optional and only there to make the
file readable; the account's own name is used.

A cell that looks like a spreadsheet formula (``=HYPERLINK(…)``, ``+1``, ``@SUM``) is kept as the
text it is: nothing here evaluates it, and pages escape it when they show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from assessments import deadlines, enrolment_rules
from assessments.models import Cohort, Enrolment
from assessments.services.cohorts import get_cohort
from assessments.services.enrolments import EnrolmentInput, add_checked, enrolment_problems
from core import csv_rows, importing
from core.accounts.models import User, normalise_email
from core.csv_safe import write_csv
from core.extensions import db
from core.problems import Invalid, Problem
from core.whole_numbers import whole_number

CSV_BYTES_MAX = 512 * 1024  # half a megabyte holds thousands of rows; more is the wrong file
ROWS_MAX = 1_000  # trainees in one file; a cohort is tens to hundreds
CELL_MAX = 1_000  # characters in one cell
LIMITS = csv_rows.Limits(CSV_BYTES_MAX, ROWS_MAX, CELL_MAX, "trainees")

# The school and history columns read by read_details: the people CSV carries them too.
DETAIL_COLUMNS = (
    "school",
    "became_senco",
    "earlier_service",
    "earlier_months",
    "head_teacher",
    "nasenco_started",
    "nasenco_completed",
)
COLUMNS = ("trainee_email", "trainee_name", "mentor_emails", *DETAIL_COLUMNS)
REQUIRED = ("trainee_email", "mentor_emails")
EXAMPLE_ROW = (
    "trainee@example.org",
    "Tia Trainee",
    "mentor@example.org; second.mentor@example.org",
    "Hill Primary School",
    "1/9/2025",
    "1/9/2019 to 31/8/2020",
    "0",
    "no",
    "",
    "",
)
COLUMN_NOTES = {
    "trainee_email": "the trainee’s account email address (the account must exist)",
    "trainee_name": "optional, for your own reading",
    "mentor_emails": "one or more mentors’ email addresses, separated by ;",
    "school": "the trainee’s school",
    "became_senco": "the date they became SENCO at this school, day/month/year",
    "earlier_service": "earlier SENCO service, here or elsewhere: periods like 1/9/2019 to 31/8/2020, separated by ;",
    "earlier_months": "earlier service as a whole number of months, when the dates are not known",
    "head_teacher": "yes if the head teacher is the SENCO",
    "nasenco_started": "when a NASENCO course began, if any",
    "nasenco_completed": "when it was completed, if it was",
}
# Where a service problem lands in the file.
FIELD_COLUMNS = {
    "trainee_id": "trainee_email",
    "mentor_ids": "mentor_emails",
    "school": "school",
    "became_senco": "became_senco",
    "earlier_service": "earlier_service",
    "earlier_senco_months": "earlier_months",
    "nasenco_started": "nasenco_started",
    "nasenco_completed": "nasenco_completed",
    "cohort_id": "",
}


@dataclass(frozen=True)
class Row:
    line: int
    given: EnrolmentInput
    trainee: str  # "Name (email)", for the preview
    mentors: str


@dataclass(frozen=True)
class EnrolmentsDraft:
    cohort_id: int
    cohort_name: str
    rows: tuple[Row, ...]


@dataclass
class _Known:
    """The people and enrolments the file names, read once for the whole file."""

    people: dict[str, User]
    enrolled: set[int]


def _known(cohort: Cohort, rows: list[dict[str, str]]) -> _Known:
    emails = {
        e for r in rows for e in [r.get("trainee_email", ""), *r.get("mentor_emails", "").split(";")] if e.strip()
    }
    wanted = {normalise_email(e) for e in emails}
    people = (
        {u.email: u for u in db.session.scalars(select(User).where(func.lower(User.email).in_(wanted)))}
        if wanted
        else {}
    )
    enrolled = set(db.session.scalars(select(Enrolment.trainee_id).where(Enrolment.cohort_id == cohort.id)))
    return _Known(people, enrolled)


@dataclass(frozen=True)
class Details:
    """An enrolment's school and SENCO history, as read from a line's cells."""

    school: str
    became_senco: date | None
    earlier_months: int
    nasenco_started: date | None
    nasenco_completed: date | None
    earlier_service: tuple[deadlines.ServicePeriod, ...]
    head_teacher: bool

    def input_for(self, trainee_id: int, mentor_ids: tuple[int, ...]) -> EnrolmentInput:
        return EnrolmentInput(
            trainee_id,
            mentor_ids,
            self.school,
            self.became_senco,
            self.earlier_months,
            self.nasenco_started,
            self.nasenco_completed,
            self.earlier_service,
            self.head_teacher,
        )


def read_details(cells: dict[str, str], line: int) -> tuple[Details, list[Problem]]:
    """The school and history columns of a line (the enrolment CSV's and the people CSV's), and
    the problems with them, each named by line and column."""
    problems: list[Problem] = []

    def value(column: str, parse: Any) -> Any:
        try:
            return parse(cells.get(column, ""))
        except enrolment_rules.RuleError as error:
            problems.append(csv_rows.located(line, column, error.message))
            return None

    months_text = cells.get("earlier_months", "").strip() or "0"
    months = whole_number(months_text, 9_999)  # four digits read; the enrolment rules check the range
    if months is None:
        problems.append(
            csv_rows.located(
                line,
                "earlier_months",
                f"Enter earlier service as a whole number of months between 0 and {deadlines.EARLIER_MONTHS_MAX:,}",
            )
        )
    details = Details(
        cells.get("school", "").strip(),
        value("became_senco", enrolment_rules.optional_day),
        months or 0,
        value("nasenco_started", enrolment_rules.optional_day),
        value("nasenco_completed", enrolment_rules.optional_day),
        value("earlier_service", enrolment_rules.parse_periods) or (),
        bool(value("head_teacher", enrolment_rules.parse_yes_no)),
    )
    return details, problems


def _read_row(cells: dict[str, str], line: int, known: _Known) -> tuple[EnrolmentInput | None, list[Problem]]:
    """One row's values, or the problems with them (each named by line and column)."""
    problems: list[Problem] = []
    trainee_email = cells.get("trainee_email", "").strip().lower()
    trainee = known.people.get(trainee_email)
    if not trainee_email:
        problems.append(csv_rows.located(line, "trainee_email", "Enter the trainee’s email address"))
    elif trainee is None:
        problems.append(
            csv_rows.located(
                line,
                "trainee_email",
                f"No one has the email address {trainee_email[:80]}: "
                "an administrator adds the trainee on the People page first",
            )
        )
    mentor_ids = []
    for email in (normalise_email(e) for e in cells.get("mentor_emails", "").split(";") if e.strip()):
        mentor = known.people.get(email)
        if mentor is None:
            problems.append(csv_rows.located(line, "mentor_emails", f"No mentor has the email address {email[:80]}"))
        else:
            mentor_ids.append(mentor.id)
    details, found = read_details(cells, line)
    problems += found
    given = details.input_for(trainee.id if trainee else 0, tuple(mentor_ids))
    return (None if problems else given), problems


def check_rows(cohort: Cohort, document: dict[str, Any], today: date) -> EnrolmentsDraft:
    """Every row checked by the enrolment rules; Invalid listing every problem by line and column."""
    names, problems = csv_rows.header_problems(document["header"], COLUMNS, REQUIRED)
    if problems:
        raise Invalid(problems)
    read = [csv_rows.cells_of(names, row, CELL_MAX) for row in document["rows"]]
    known = _known(cohort, [cells for cells, _ in read])
    rows: list[Row] = []
    first_line: dict[int, int] = {}
    for row, (cells, found) in zip(document["rows"], read):
        line = row["line"]
        given, row_problems = _read_row(cells, line, known)
        found += row_problems
        if given is not None:
            found += _service_problems(cohort, given, today, line, known)
            if given.trainee_id in first_line:
                found.append(
                    csv_rows.located(
                        line, "trainee_email", f"This trainee is already on line {first_line[given.trainee_id]}"
                    )
                )
            first_line.setdefault(given.trainee_id, line)
        problems += found
        if given is not None and not found:
            rows.append(_row(given, line, known))
    if not document["rows"]:
        problems.append(Problem("", "The file has no trainees: add one line per trainee under the header"))
    csv_rows.raise_all(problems)
    return EnrolmentsDraft(cohort.id, cohort.name, tuple(rows))


def _service_problems(cohort: Cohort, given: EnrolmentInput, today: date, line: int, known: _Known) -> list[Problem]:
    _, _, found = enrolment_problems(cohort, given, today, enrolled=known.enrolled)
    return [csv_rows.located(line, FIELD_COLUMNS.get(path, path), message) for path, message in found]


def _row(given: EnrolmentInput, line: int, known: _Known) -> Row:
    by_id = {u.id: u for u in known.people.values()}
    trainee = by_id[given.trainee_id]
    return Row(
        line,
        given,
        f"{trainee.name} ({trainee.email})",
        ", ".join(by_id[i].name for i in dict.fromkeys(given.mentor_ids)),
    )


def _preview(draft: EnrolmentsDraft) -> list[tuple[str, str]]:
    count = len(draft.rows)
    found = [
        ("Cohort", draft.cohort_name),
        ("Trainees to enrol", f"{count:,} {'trainee' if count == 1 else 'trainees'}"),
    ]
    for row in draft.rows:
        details = [f"mentored by {row.mentors}"]
        if row.given.school:
            details.insert(0, row.given.school)
        if row.given.became_senco:
            details.append(f"SENCO since {deadlines.format_date(row.given.became_senco.isoformat())}")
        found.append((f"Line {row.line}: {row.trainee}", "; ".join(details)))
    return found


def _add(draft: EnrolmentsDraft, owner_id: int | None) -> Cohort:
    cohort = get_cohort(draft.cohort_id)
    assert cohort is not None
    for row in draft.rows:
        add_checked(cohort, row.given)
    return cohort


def enrolment_csv(cohort_id: int, today: date) -> importing.Format[EnrolmentsDraft]:
    """The plug-in for one cohort: a staged file can be confirmed only on the cohort it was checked for."""

    def check(document: dict[str, Any]) -> EnrolmentsDraft:
        cohort = get_cohort(cohort_id)
        if cohort is None:
            raise Invalid("Choose a cohort", "cohort_id")
        return check_rows(cohort, document, today)

    return importing.Format[EnrolmentsDraft](
        kind=f"enrolments-{cohort_id}",
        check=check,
        preview=_preview,
        add=_add,
        parse=lambda raw: csv_rows.parse(raw, LIMITS),
    )


def template_csv() -> str:
    """A file to fill in: the header and one example row."""
    return write_csv([COLUMNS, EXAMPLE_ROW])
