"""``flask messages send`` and ``flask messages list``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.extensions import db
from core.messages import delivery, outbox
from core.messages.models import Message, MessageStatus

LIST_MAX = 50


@click.group("messages")
def messages_command() -> None:
    """Emails: send what is due, list what was written."""


@messages_command.command("send")
@with_appcontext
def send_command() -> None:
    """Send every message due now (to MAIL_SERVER, or to instance/outbox/), and say how many."""
    click.echo(delivery.deliver_due().summary())


@messages_command.command("list")
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]), help="Only messages in this state.")
@with_appcontext
def list_command(status: str | None) -> None:
    """The newest messages, with their state and tries."""
    query = select(Message).order_by(Message.created_at.desc(), Message.id.desc()).limit(LIST_MAX)
    if status:
        query = query.where(Message.status == status)
    for m in db.session.scalars(query):
        click.echo(
            f"{m.id:>6}  {m.created_at:%Y-%m-%d %H:%M}  {m.status:<8} {m.attempts}  {m.kind:<20} {m.to_address}  "
            f"{m.subject}" + (f"  ({m.error})" if m.error else "")
        )
    click.echo(", ".join(f"{s.value} {n}" for s, n in outbox.counts().items() if n) or "No messages.")
