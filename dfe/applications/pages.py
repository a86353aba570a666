"""What the applications pages show: one page of the list, one application and its facts in the
pages' words, and the cohorts it may join. The decisions look an application up here too.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from assessments.models import Cohort
from core.extensions import db
from core.paging import PAGE_SIZE, Page, clamp
from dfe import connection
from dfe.contract import ApplicationStatus, Environment, cohort_year_of
from dfe.models import DfeApplication, DfeCohortSchedule


def listing(status: str | None, number: int, env: Environment | None = None) -> Page[DfeApplication]:
    """One page of the environment's applications (one status, or all), latest change first."""
    env = env or connection.environment()
    query = select(DfeApplication).where(DfeApplication.environment == env.value)
    if status:
        query = query.where(DfeApplication.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = clamp(number, total)
    rows = db.session.scalars(
        query.order_by(DfeApplication.remote_updated_at.desc(), DfeApplication.id)
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return Page(tuple(rows), number, PAGE_SIZE, total)


def get(application_id: str) -> DfeApplication | None:
    return db.session.get(DfeApplication, application_id) if len(application_id) <= 36 else None


def eligible(application: DfeApplication) -> bool:
    return application.attributes.get("eligible_for_funding") is True


def cohort_year(application: DfeApplication) -> int | None:
    return cohort_year_of(application.attributes.get("cohort"))


def linked_cohorts() -> list[DfeCohortSchedule]:
    """The cohorts an application may join: those linked to a DfE cohort year and schedule."""
    return sorted(connection.schedules().values(), key=lambda row: (row.cohort_year, row.cohort.name))


def default_cohort(application: DfeApplication) -> Cohort | None:
    """The cohort linked to the application's year and schedule (or, before the DfE gives it a
    schedule, the first cohort linked to its year)."""
    year = cohort_year(application)
    schedule = application.attributes.get("schedule_identifier")
    if schedule:
        return connection.cohort_for(year, schedule)
    for row in linked_cohorts():
        if row.cohort_year == year:
            return row.cohort
    return None


def needs_enrolment(application: DfeApplication) -> bool:
    """Accepted at the DfE but not enrolled here (saving failed after the DfE accepted)."""
    return application.status == ApplicationStatus.ACCEPTED.value and application.enrolment_id is None


# What the DfE's codes mean, in the pages' words (the codes: swagger.yaml, Application attributes).
HEAD_TEACHER_WORDS = {
    "no": "No",
    "yes_when_course_starts": "Yes, from when the course starts",
    "yes_in_first_two_years": "Yes, in their first two years",
    "yes_over_two_years": "Yes, for over two years",
    "yes_in_first_five_years": "Yes, in their first five years",
    "yes_over_five_years": "Yes, for over five years",
}
INELIGIBLE_WORDS = {"previously-funded": "funded before", "establishment-ineligible": "their school is not eligible"}
STATUS_WORDS = {"pending": "Waiting for a decision", "accepted": "Accepted", "rejected": "Rejected"}


def _yes_no(value: Any) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not known")


def _day(text: Any) -> str:
    try:
        day = date.fromisoformat(str(text))
    except ValueError:
        return "Not given"
    return f"{day.day} {day:%B %Y}"


def funding(application: DfeApplication) -> str:
    a = application.attributes
    if a.get("eligible_for_funding") is True:
        return "Eligible"
    reason = INELIGIBLE_WORDS.get(str(a.get("ineligible_for_funding_reason")), "")
    return f"Not eligible ({reason})" if reason else "Not eligible"


def summary(application: DfeApplication) -> dict[str, str]:
    """What matters for a decision, each in words: the list's columns and the page's rows."""
    a = application.attributes
    return {
        "Name": application.full_name,
        "Email": application.email,
        "School URN": a.get("school_urn") or "Not given",
        "TRN validated": _yes_no(a.get("teacher_reference_number_validated")),
        "Funding": funding(application),
        "Works as SENCO": _yes_no(a.get("works_as_senco")),
        "SENCO since": _day(a.get("senco_start_date")),
        "Head teacher": HEAD_TEACHER_WORDS.get(str(a.get("headteacher_status")), "Not known"),
        "DfE cohort": str(a.get("cohort") or "Not given"),
        "Status": STATUS_WORDS.get(application.status, application.status),
    }
