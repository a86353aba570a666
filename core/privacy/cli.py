"""``flask privacy``: commands about personal data (``purge`` here; export and erasure join it)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from core.accounts.models import utcnow
from core.privacy import retention


@click.group("privacy")
def privacy() -> None:
    """Personal data: remove what is past its retention period."""


@privacy.command("purge")
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
