"""``flask dfe …``: the DfE link from the command line (cron, a first sync, checking a token)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from dfe import connection, sync
from dfe.token_store import TokenUnreadable

dfe = AppGroup("dfe", help="The link to the DfE's NPQ API (v3).")


@dfe.command("sync")
@click.option("--only", multiple=True, help="Read only this kind of record (applications, declarations, …).")
def sync_command(only: tuple[str, ...]) -> None:
    """Read what changed at the DfE since the last sync; a stopped sync resumes where it got to."""
    try:
        results = sync.run(only or None)
    except (connection.NotConnected, TokenUnreadable, sync.SyncBusy) as error:
        raise click.ClickException(str(error)) from error
    for result in results:
        click.echo(result.describe())
    if any(r.error for r in results):
        raise SystemExit(1)
