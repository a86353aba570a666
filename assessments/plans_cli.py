"""``flask plans``: a trainee's training plan, or a whole cohort's as a ZIP, from the command line."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from assessments import services
from assessments.models import Enrolment
from assessments.services import cohort_plans, plans
from core import jobs
from core.accounts.models import User
from core.extensions import db

OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


def _write_atomically(output: Path, write: Callable[[Path], object]) -> None:
    """Write beside ``output`` and rename, so a failure never leaves a half-written file."""
    partial = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
    try:
        write(partial)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)


def _enrolment(email: str, cohort: str | None) -> Enrolment:
    trainee = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if trainee is None:
        raise click.ClickException(f"--trainee: no person has the email address {email}")
    enrolments = services.trainee_enrolments(trainee.id)
    if cohort is not None:
        found = cohort_plans.find_cohort(cohort)
        enrolments = [e for e in enrolments if found is not None and e.cohort_id == found.id]
    if not enrolments:
        raise click.ClickException(
            f"{trainee.name} is not enrolled on {'that' if cohort else 'any'} cohort, so has no training plan"
        )
    if len(enrolments) > 1:
        listed = ", ".join(f"{e.cohort_id} ({e.cohort.name})" for e in enrolments)
        raise click.ClickException(
            f"{trainee.name} is on {len(enrolments)} cohorts: {listed}. Choose one with --cohort."
        )
    return enrolments[0]


@click.group("plans")
def plans_command() -> None:
    """Training plans as PDF files."""


@plans_command.command("render")
@click.option("--trainee", required=True, help="The trainee's email address.")
@click.option("--cohort", help="The cohort's number or name, if the trainee is on more than one.")
@click.option("-o", "--output", type=OUTPUT, required=True, help="The PDF file to write, like plan.pdf.")
@with_appcontext
def render_command(trainee: str, cohort: str | None, output: Path) -> None:
    """Write one trainee's training plan as a PDF."""
    enrolment = _enrolment(trainee, cohort)
    name = enrolment.trainee.name
    pdf = plans.render_training_plan(enrolment.id)
    _write_atomically(output, lambda path: path.write_bytes(pdf))
    click.echo(f"Wrote the training plan of {name} to {output} ({len(pdf) // 1024:,} KB).")


@plans_command.command("cohort")
@click.argument("cohort")
@click.option("-o", "--output", type=OUTPUT, required=True, help="The ZIP file to write, like plans.zip.")
@click.option("--processes", type=click.IntRange(1, 64), help="How many plans to render at once (default: one a core).")
@with_appcontext
def cohort_command(cohort: str, output: Path, processes: int | None) -> None:
    """Write every trainee's plan of COHORT (its number or name) into one ZIP, one PDF each."""
    found = cohort_plans.find_cohort(cohort)
    if found is None:
        raise click.ClickException(f"No cohort has the number or name {cohort!r}.")
    if not found.enrolments:
        raise click.ClickException(cohort_plans.NO_TRAINEES)
    with click.progressbar(
        length=len(found.enrolments), label=f"Training plans for {found.name}", show_pos=True, show_percent=True
    ) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.pos)

        def write(path: Path) -> None:
            try:
                cohort_plans.write_zip(found.id, path, progress, processes)
            except jobs.JobFailed as failure:
                raise click.ClickException(str(failure)) from None

        _write_atomically(output, write)
    click.echo(f"Wrote {len(found.enrolments)} training plans to {output}.")
