"""The register: who completed the qualification, when, and on which programme version — the
record nobody keeps today (Dobson, seed 001: national figures on who holds the NASENCO proved
unreliable). Completed means the case-study assessment was passed, on the date of its result.
Beside it, the sign-off state of each trainee's observed scenarios (formative evidence).

:func:`register_data` gives the same rows as plain data for the JSON API.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.case_study_rules import CaseStudyResult, in_words
from assessments.grid_rules import CellStatus
from assessments.models import CaseStudy, Cohort, Enrolment
from assessments.services.case_study import dates_of
from assessments.services.grid import Judge, library, scenarios_for, submitted_results
from assessments.training_status import TrainingStatus
from core.accounts.models import User
from core.csv_safe import write_csv
from core.extensions import db
from core.paging import PAGE_SIZE, Page, page_of


@dataclass(frozen=True)
class RegisterRow:
    enrolment_id: int
    trainee: str
    email: str
    cohort_id: int
    cohort: str
    programme: str
    programme_version: int | None  # the published version's number
    completed: bool
    completed_on: date | None  # the date of the case-study pass
    case_study: str  # in words
    scenarios_evidenced: int  # observed scenarios evidenced for sign-off
    scenarios: int
    training_status: str = TrainingStatus.ACTIVE.value  # active, deferred or withdrawn (assessments.training_status)

    @property
    def status_label(self) -> str:
        return TrainingStatus(self.training_status).label

    @property
    def sign_off(self) -> str:
        return f"{self.scenarios_evidenced} of {self.scenarios} scenarios evidenced for sign-off"


def _enrolments(cohort_id: int | None, completed_only: bool) -> list[Enrolment]:
    query = (
        select(Enrolment)
        .join(User, User.id == Enrolment.trainee_id)
        .options(
            selectinload(Enrolment.trainee),
            selectinload(Enrolment.case_study),
            selectinload(Enrolment.cohort).selectinload(Cohort.programme_version),
        )
        .order_by(User.name, Enrolment.id)
    )
    if cohort_id is not None:
        query = query.where(Enrolment.cohort_id == cohort_id)
    if completed_only:
        query = query.join(CaseStudy, CaseStudy.enrolment_id == Enrolment.id).where(
            CaseStudy.result == CaseStudyResult.PASSED.value, CaseStudy.result_on.is_not(None)
        )
    return list(db.session.scalars(query))


def register(cohort_id: int | None = None, completed_only: bool = True) -> list[RegisterRow]:
    """Every enrolment (or only those completed), newest completion first, then by name."""
    enrolments = _enrolments(cohort_id, completed_only)
    results = submitted_results(enrolment_ids=[e.id for e in enrolments]) if enrolments else {}
    every = library()
    judges: dict[int, Judge] = {}
    rows = []
    for e in enrolments:
        judge = judges.setdefault(e.cohort_id, Judge(e.cohort))
        scenarios = scenarios_for(e.cohort.programme_version, every)
        evidenced = sum(
            1 for s in scenarios if judge.cell(s, results.get((e.id, s.key), ())).status is CellStatus.EVIDENCED
        )
        dates = dates_of(e.case_study)
        version = e.cohort.programme_version
        rows.append(
            RegisterRow(
                e.id,
                e.trainee.name,
                e.trainee.email,
                e.cohort_id,
                e.cohort.name,
                version.name,
                version.number,
                dates.completed,
                dates.result_on if dates.completed else None,
                in_words(dates),
                evidenced,
                len(scenarios),
                e.training_status,
            )
        )
    rows.sort(key=lambda r: -(r.completed_on or date.min).toordinal())  # stable: names stay in order within a day
    return rows


def register_page(cohort_id: int | None, completed_only: bool, page: int, size: int = PAGE_SIZE) -> Page[RegisterRow]:
    return page_of(register(cohort_id, completed_only), page, size)


def register_data(cohort_id: int | None = None, completed_only: bool = True) -> list[dict[str, Any]]:
    """The register as plain data (dates as ISO 8601 text), for the JSON API."""
    return [
        {**asdict(r), "completed_on": r.completed_on.isoformat() if r.completed_on else None, "sign_off": r.sign_off}
        for r in register(cohort_id, completed_only)
    ]


CSV_HEADER = (
    "Trainee",
    "Email",
    "Cohort",
    "Programme",
    "Programme version",
    "Completed",
    "Completed on",
    "Case-study assessment",
    "Observed scenarios evidenced for sign-off",
    "Observed scenarios",
    "Training status",
)


def register_csv(cohort_id: int | None, completed_only: bool) -> str:
    body = (
        [
            r.trainee,
            r.email,
            r.cohort,
            r.programme,
            r.programme_version or "",
            "yes" if r.completed else "no",
            r.completed_on.isoformat() if r.completed_on else "",
            r.case_study,
            r.scenarios_evidenced,
            r.scenarios,
            r.status_label,
        ]
        for r in register(cohort_id, completed_only)
    )
    return write_csv([CSV_HEADER, *body])
