"""``flask privacy export EMAIL -o FILE``: a subject access export from the command line, and the
export's job kind for the person's page; ``flask privacy purge [--dry-run]``: the retention purge."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from core import jobs
from core.audit import Action, Subject, record_read
from core.clock import utcnow
from core.privacy import docs, erasure, export, retention
from core.problems import Invalid
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number


@click.group("privacy")
def privacy_command() -> None:
    """Personal data: subject access exports, erasure, and removing what is past its retention period."""


@privacy_command.command("export")
@click.argument("email")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The file to write.",
)
@click.option(
    "--pdf", "as_pdf", is_flag=True, help="A readable PDF (also chosen by a file name ending .pdf); JSON otherwise."
)
@with_appcontext
def export_command(email: str, output: Path, as_pdf: bool) -> None:
    """Write everything held about the person with EMAIL to a file."""
    try:
        person = export.find_person(email)
    except export.NoSuchPerson as error:
        raise click.ClickException(str(error)) from error
    as_pdf = as_pdf or output.suffix.lower() == ".pdf"
    access = export.collect(person.id)
    export.write(access, output, as_pdf=as_pdf)
    record_read(Action.EXPORT_DOWNLOADED, Subject("user", person.id), person.id, format="pdf" if as_pdf else "json")
    click.echo(f"Wrote the personal data of {person.name} to {output} ({'PDF' if as_pdf else 'JSON'}).")


@privacy_command.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would be removed, and remove nothing.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Remove every kind of record kept longer than its retention period, and say how much went.

    Safe to run twice: the second run removes nothing more. The job runner runs it daily."""
    reports = retention.purge(utcnow(), dry_run=dry_run)
    for report in reports:
        click.echo(retention.describe(report, dry_run))
    failed = [report.rule.kind for report in reports if report.error == retention.FAILED]
    if failed:
        raise click.ClickException(f"Could not purge: {', '.join(failed)}. Nothing of those kinds was removed.")
    total = sum(report.counts.total for report in reports)
    click.echo(f"{'Would remove' if dry_run else 'Removed'} {total:,} in all.")


@privacy_command.command("table")
@with_appcontext
def table_command() -> None:
    """Print the registry as the table of personal data in docs/privacy.md."""
    click.echo(docs.markdown(), nl=False)


@privacy_command.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@with_appcontext
def erase_command(email: str, yes: bool) -> None:
    """Erase everything held about the person with EMAIL (or their number: an erased person has no
    email); what others need stays, anonymised."""
    try:
        number = whole_number(email, RECORD_NUMBER_MAX)
        person = export.find_person(email if number is None else number)
    except export.NoSuchPerson as error:
        raise click.ClickException(str(error)) from error
    if not yes:
        click.confirm(f"Erase the personal data of {person.name} <{person.email}>? This cannot be undone", abort=True)
    try:
        erased = erasure.erase_person(person.id)
    except Invalid as error:
        raise click.ClickException(error.message) from error
    click.echo(
        f"{'Erased again' if erased.already else 'Erased'} the personal data of person {erased.person_id}: "
        f"the account is now “{erased.name}”; {erased.files_removed:,} stored files removed."
    )
    click.echo("Kept, and why:")
    for line in erased.kept:
        click.echo(f"- {line}")


def init_app(app: Flask) -> None:
    app.cli.add_command(privacy_command)
    jobs.register_kind(app, export.KIND, export.run)
