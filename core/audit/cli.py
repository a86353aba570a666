"""``flask audit purge``: remove events older than the audit log's retention period."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from core.accounts.models import utcnow
from core.audit import services


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("purge")
@with_appcontext
def purge() -> None:
    """Delete audit events older than AUDIT_KEEP_DAYS (6 years unless set); run it daily."""
    days = services.keep_days(current_app.config.get("AUDIT_KEEP_DAYS", 0))
    removed = services.purge_audit_events(utcnow() - timedelta(days=days))
    click.echo(f"Removed {removed} audit event{'s' if removed != 1 else ''} older than {days:,} days.")
