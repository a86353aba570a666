"""``flask enrol``: enrol a trainee on a cohort with their mentors, or many from a CSV file (the
same import pipeline and checks as the page: all the rows, or none)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from assessments import enrolment_rules, services
from assessments.services.enrolment_imports import enrolment_csv
from core import clock, importing
from core.accounts.models import User
from core.extensions import db
from core.problems import Invalid

FIELD_OPTIONS = {
    "trainee_id": "--trainee",
    "mentor_ids": "--mentor",
    "school": "--school",
    "cohort_id": "--cohort",
    "became_senco": "--became-senco",
    "earlier_senco_months": "--earlier-months",
    "earlier_service": "--earlier-service",
    "nasenco_started": "--nasenco-started",
    "nasenco_completed": "--nasenco-completed",
}


def _person_id(email: str, option: str) -> int:
    person = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if person is None:
        raise click.ClickException(f"{option}: no person has the email address {email}")
    return person.id


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


def _from_csv(cohort_id: int, path: Path) -> None:
    try:
        result = importing.import_document(enrolment_csv(cohort_id, clock.today()), path.read_bytes(), None)
    except Invalid as error:
        raise click.ClickException("Nothing was imported:\n" + "\n".join(p.message for p in error.problems)) from None
    click.echo(f"Enrolled {len(result.draft.rows):,} trainees on {result.draft.cohort_name}.")


@click.command("enrol")
@click.option("--cohort", "cohort_id", type=int, required=True, help="The cohort's number.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A CSV file of enrolments (the page's template); all its rows are enrolled, or none.",
)
@click.option("--trainee", help="The trainee's email address.")
@click.option("--mentor", "mentors", multiple=True, help="A mentor's email address; repeat for several.")
@click.option("--school", default="", help="The trainee's school.")
@click.option("--became-senco", type=click.DateTime(["%Y-%m-%d"]), help="The date they became SENCO, like 2025-09-01.")
@click.option(
    "--earlier-service", default="", help="Earlier SENCO service, like '1/9/2019 to 31/8/2020; 1/1/2021 to 31/7/2021'."
)
@click.option(
    "--earlier-months", type=int, default=0, help="Other earlier SENCO service whose dates are not known, in months."
)
@click.option("--head-teacher", is_flag=True, help="The head teacher is the SENCO.")
@click.option("--nasenco-started", type=click.DateTime(["%Y-%m-%d"]), help="When a NASENCO course began, if any.")
@click.option("--nasenco-completed", type=click.DateTime(["%Y-%m-%d"]), help="When it was completed, if it was.")
@with_appcontext
def enrol(
    cohort_id: int,
    csv_file: Path | None,
    trainee: str | None,
    mentors: tuple[str, ...],
    school: str,
    became_senco: datetime | None,
    earlier_service: str,
    earlier_months: int,
    head_teacher: bool,
    nasenco_started: datetime | None,
    nasenco_completed: datetime | None,
) -> None:
    """Enrol a trainee on a cohort with their mentors, or every trainee of a CSV file."""
    if csv_file is not None:
        if trainee or mentors:
            raise click.UsageError("Give either --csv or --trainee with --mentor, not both")
        _from_csv(cohort_id, csv_file)
        return
    if not trainee or not mentors:
        raise click.UsageError("Give --trainee and at least one --mentor (or --csv)")
    try:
        periods = enrolment_rules.parse_periods(earlier_service)
    except enrolment_rules.RuleError as error:
        raise click.ClickException(f"--earlier-service: {error.message}") from None
    given = services.EnrolmentInput(
        _person_id(trainee, "--trainee"),
        tuple(_person_id(m, "--mentor") for m in mentors),
        school,
        _day(became_senco),
        earlier_months,
        _day(nasenco_started),
        _day(nasenco_completed),
        periods,
        head_teacher,
    )
    try:
        enrolment = services.enrol(cohort_id, given, clock.today())
    except Invalid as error:
        raise click.ClickException(
            "; ".join(f"{FIELD_OPTIONS.get(p.path, p.path)}: {p.message}" for p in error.problems)
        ) from None
    click.echo(
        f"Enrolled {enrolment.trainee.name} on {enrolment.cohort.name}, "
        f"mentored by {', '.join(m.name for m in enrolment.mentors)}."
    )
