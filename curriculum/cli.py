"""``flask catalogue …``: load the built-in catalogue into the database."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from curriculum import catalogue_service
from curriculum.catalogue import CatalogueError


@click.group()
def catalogue() -> None:
    """The built-in curriculum catalogue."""


@catalogue.command("load")
@with_appcontext
def load() -> None:
    """Load or update the catalogue from the shipped data files (safe to repeat)."""
    try:
        click.echo(catalogue_service.load_catalogue())
    except (OperationalError, ProgrammingError):
        raise click.ClickException("the database has no catalogue tables yet: run 'flask setup' first") from None
    except CatalogueError as error:
        raise click.ClickException("the catalogue files have problems:\n" + "\n".join(f"  {e}" for e in error.errors)) from None
