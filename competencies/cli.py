"""``flask scenarios …``: load the built-in scenario library into the database."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from competencies import services
from competencies.scenarios import ScenarioError


@click.group()
def scenarios() -> None:
    """The built-in scenario library and its rubrics."""


@scenarios.command("load")
@with_appcontext
def load() -> None:
    """Load or update the scenarios from the shipped files (safe to repeat)."""
    try:
        click.echo(services.load_library())
    except (OperationalError, ProgrammingError):
        raise click.ClickException("the database has no scenario tables yet: run 'flask setup' first") from None
    except ScenarioError as error:
        raise click.ClickException("the scenario files have problems:\n" + "\n".join(f"  {e}" for e in error.errors)) from None
