"""``flask reminders send [--dry-run]``: write the day's reminders now (the daily job does the same)."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from assessments.deadlines import format_date
from assessments.services import reminders
from core import clock


@click.group("reminders")
def reminders_command() -> None:
    """Reminders on a schedule: the SENCO deadline, case-study windows, requests, moderation."""


@reminders_command.command("send")
@click.option("--dry-run", is_flag=True, help="Print what would be sent, and write nothing.")
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to compute the reminders for (YYYY-MM-DD); today if not given.",
)
@with_appcontext
def send_command(dry_run: bool, day: datetime | None) -> None:
    """Write every reminder due today (once per person and subject), or with --dry-run print each one."""
    today = day.date() if day else clock.today()
    outcomes = reminders.send(today, dry_run=dry_run)
    head = f"Reminders for {format_date(today.isoformat())}"
    click.echo(head + (" (dry run: nothing was written)" if dry_run else ""))
    for line in reminders.describe(outcomes, dry_run):
        click.echo(line)
