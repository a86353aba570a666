"""``flask privacy export EMAIL -o FILE``: a subject access export from the command line, and the
export's job kind for the person's page; ``flask privacy purge [--dry-run]``: the retention purge."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from core import jobs
from core.accounts.models import utcnow
from core.privacy import docs, export, retention


@click.group("privacy")
def privacy_command() -> None:
    """Personal data: subject access exports, and removing what is past its retention period."""


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
    """Print the registry as the README's table of personal data."""
    click.echo(docs.markdown(), nl=False)


def init_app(app: Flask) -> None:
    app.cli.add_command(privacy_command)
    jobs.register_kind(app, export.KIND, export.run)
