"""Subject access: everything held about one person, gathered from every room's provider, as JSON
and as a readable PDF.

Providers give other people as :class:`~core.privacy.Other`; here each becomes a label that names
nobody ("Trainee 1", "Mentor 2"), the same label for the same person throughout one export, and
the person themself becomes "You". Free text is given as it was written: read it before sending.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core import jobs, pdf, printing, privacy
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from core.layout import format_date, format_time
from core.privacy import Other

YOU = "You"
PRINT_TEMPLATE = "privacy/subject_access.html"
PRINT_CSS = Path(__file__).resolve().parent / "print.css"
NOTES = (
    "Other people are not named: each is shown by their role and a number (Trainee 1, Mentor 2), "
    "the same number for the same person throughout.",
    "Text that people typed (comments, notes, reasons, reflections) is given as it was written.",
)
Progress = Callable[[int, int], None]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Field names that read badly as words (acronyms, ids); others are shown as "Observed on".
LABELS = {
    "became_senco": "Became a SENCO on",
    "earlier_senco_months": "Earlier months as a SENCO",
    "earlier_service": "Earlier service as a SENCO",
    "head_teacher": "Head teacher acting as SENCO",
    "nasenco_started": "NASENCO award started",
    "nasenco_completed": "NASENCO award completed",
    "observation": "Observation number",
    "api_token": "API token",
    "result_name": "Result file",
}
GONE = "This person's account no longer exists, so there is nothing to export."


class NoSuchPerson(LookupError):
    """Nobody has that email address or id."""


@dataclass
class Labels:
    """Labels for other people, numbered per role in the order they first appear."""

    person_id: int
    given: dict[int, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def of(self, other: Other) -> str | None:
        if other.person_id is None:  # nobody yet (an appeal not reviewed), or an account erased
            return None
        if other.person_id == self.person_id:
            return YOU
        if other.person_id not in self.given:
            self.counts[other.role] = self.counts.get(other.role, 0) + 1
            self.given[other.person_id] = f"{other.role} {self.counts[other.role]}"
        return self.given[other.person_id]


@dataclass(frozen=True)
class Section:
    """One table's rows, with what the registry says about it."""

    provider: str
    table: str
    title: str
    why: str  # the lawful bases of its columns, in words
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class SubjectAccess:
    person_id: int
    name: str
    email: str
    made_at: datetime
    sections: list[Section]

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": {"name": self.name, "email": self.email},
            "made_at": self.made_at.isoformat(),
            "notes": list(NOTES),
            "data": self.data(),
        }

    def data(self) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """Provider -> table -> rows, as JSON values."""
        data: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for section in self.sections:
            data.setdefault(section.provider, {})[section.table] = _plain(section.rows)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _plain(value: Any) -> Any:
    """JSON for an exported value: dates as ISO text, enums as their values."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _labelled(value: Any, labels: Labels) -> Any:
    if isinstance(value, Other):
        return labels.of(value)
    if isinstance(value, dict):
        return {k: _labelled(v, labels) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_labelled(v, labels) for v in value]
    return value


def find_person(email_or_id: str | int) -> User:
    """The person by id, or by email address whatever its case."""
    if isinstance(email_or_id, int):
        person = db.session.get(User, email_or_id)
    else:
        person = db.session.scalar(select(User).where(func.lower(User.email) == email_or_id.strip().lower()))
    if person is None:
        raise NoSuchPerson(
            f"Nobody has the email address {email_or_id}" if isinstance(email_or_id, str) else "No such person"
        )
    return person


def collect(person_id: int, progress: Progress | None = None) -> SubjectAccess:
    """Everything every provider holds about the person, in the order the rooms registered."""
    person = find_person(person_id)
    labels = Labels(person_id)
    declared = privacy.declared_tables()
    providers = privacy.providers()
    sections: list[Section] = []
    for done, provider in enumerate(providers, start=1):
        for table, rows in provider.export(person_id).items():
            if rows:
                sections.append(
                    _section(provider.name, table, declared.get(table), [_labelled(r, labels) for r in rows])
                )
        if progress:
            progress(done, len(providers))
    return SubjectAccess(person.id, person.name, person.email, utcnow(), sections)


def _section(provider: str, table: str, declared: privacy.PersonalTable | None, rows: list[dict[str, Any]]) -> Section:
    bases = sorted({f.basis for f in declared.fields.values()}) if declared else []
    title = (declared.title if declared else "") or table.replace("_", " ").capitalize()
    return Section(provider, table, title, ", ".join(bases), rows)


def _printable(value: Any) -> Any:
    """Dates in words for the PDF ("3 March 2025", "3 March 2025 at 2:05pm")."""
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_printable(v) for v in value]
    if isinstance(value, datetime):
        return f"{format_date(value)} at {format_time(value)}"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):  # a date kept as text inside JSON
        try:
            return format_date(date.fromisoformat(value))
        except ValueError:  # typed text that only looks like a date ("2024-02-30"): as written
            return value
    return value


def render_pdf(access: SubjectAccess) -> bytes:
    """The readable copy, through the app's print templates and sandboxed renderer."""
    printable = replace(access, sections=[replace(s, rows=_printable(s.rows)) for s in access.sections])
    html = printing.render_html(
        PRINT_TEMPLATE,
        access=printable,
        notes=NOTES,
        labels=LABELS,
        title=f"Personal data held about {access.name}",
        header=f"Personal data held about {access.name}",
        footer=f"Made on {format_date(access.made_at)}",
    )
    return pdf.render_pdf(html, printing.stylesheet_texts([PRINT_CSS]))


def write(access: SubjectAccess, output: Path, as_pdf: bool) -> None:
    if as_pdf:
        output.write_bytes(render_pdf(access))
    else:
        output.write_text(access.to_json(), encoding="utf-8")


def file_name(access: SubjectAccess, as_pdf: bool) -> str:
    name = printing.safe_filename("personal-data", access.name)  # ends .pdf
    return name if as_pdf else name.removesuffix(".pdf") + ".json"


# ---- as a job, from the person's page ------------------------------------------------------------

KIND = "subject-access"
FORMATS = ("json", "pdf")


def start(person_id: int, owner_id: int, as_pdf: bool) -> jobs.Job:
    """Queue the export of ``person_id`` for the administrator ``owner_id``. The same export still
    being made for them (a second click) is the answer."""
    params = {"person_id": find_person(person_id).id, "format": "pdf" if as_pdf else "json"}
    for job in jobs.unfinished(KIND, owner_id):
        if job.params == params:
            return job
    return jobs.start(KIND, params, owner_id, total=len(privacy.providers()))


def run(work: jobs.Work) -> str:
    """The job kind: ``{"person_id": …, "format": "json" | "pdf"}`` → the file."""
    person_id, kind = work.params.get("person_id"), work.params.get("format")
    if not isinstance(person_id, int) or kind not in FORMATS:
        raise jobs.JobFailed(GONE)
    try:
        access = collect(person_id, work.progress)
    except NoSuchPerson as error:
        raise jobs.JobFailed(GONE) from error
    write(access, work.output, as_pdf=kind == "pdf")
    return file_name(access, as_pdf=kind == "pdf")
