"""``flask enrol``: enrol a trainee on a cohort with their mentors, from a script."""
from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from assessments import services
from core.accounts.models import User
from core.extensions import db
from core.problems import Invalid

FIELD_OPTIONS = {"trainee_id": "--trainee", "mentor_ids": "--mentor", "school": "--school", "cohort_id": "--cohort",
                 "became_senco": "--became-senco", "earlier_senco_months": "--earlier-months",
                 "nasenco_started": "--nasenco-started"}


def _person_id(email: str, option: str) -> int:
    person = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if person is None:
        raise click.ClickException(f"{option}: no person has the email address {email}")
    return person.id


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


@click.command("enrol")
@click.option("--cohort", "cohort_id", type=int, required=True, help="The cohort's number.")
@click.option("--trainee", required=True, help="The trainee's email address.")
@click.option("--mentor", "mentors", multiple=True, required=True, help="A mentor's email address; repeat for several.")
@click.option("--school", default="", help="The trainee's school.")
@click.option("--became-senco", type=click.DateTime(["%Y-%m-%d"]), help="The date they became SENCO, like 2025-09-01.")
@click.option("--earlier-months", type=int, default=0, help="Earlier SENCO service, in whole months.")
@click.option("--nasenco-started", type=click.DateTime(["%Y-%m-%d"]), help="When a NASENCO course began, if any.")
@click.option("--nasenco-completed", type=click.DateTime(["%Y-%m-%d"]), help="When it was completed, if it was.")
@with_appcontext
def enrol(cohort_id: int, trainee: str, mentors: tuple[str, ...], school: str, became_senco: datetime | None,
          earlier_months: int, nasenco_started: datetime | None, nasenco_completed: datetime | None) -> None:
    """Enrol a trainee on a cohort with their mentors."""
    given = services.EnrolmentInput(_person_id(trainee, "--trainee"), tuple(_person_id(m, "--mentor") for m in mentors),
                                    school, _day(became_senco), earlier_months, _day(nasenco_started), _day(nasenco_completed))
    try:
        enrolment = services.enrol(cohort_id, given, date.today())
    except Invalid as error:
        raise click.ClickException("; ".join(f"{FIELD_OPTIONS.get(p.path, p.path)}: {p.message}" for p in error.problems)) from None
    click.echo(f"Enrolled {enrolment.trainee.name} on {enrolment.cohort.name}, "
               f"mentored by {', '.join(m.name for m in enrolment.mentors)}.")
