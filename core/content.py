"""Built-in content loaders, registered by the rooms and run in order by ``flask setup``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from core.problems import Invalid


@dataclass(frozen=True)
class ContentLoader:
    name: str
    load: Callable[[], str]  # loads idempotently; returns one line saying what it did


def register_loader(app: Flask, name: str, load: Callable[[], str]) -> None:
    app.extensions.setdefault("content_loaders", []).append(ContentLoader(name, load))


def loaders() -> list[ContentLoader]:
    return list(current_app.extensions.get("content_loaders", []))


def register_titles(app: Flask, kind: str, titles: Callable[[], dict[str, str]]) -> None:
    """Let other rooms show the titles of this room's records by key (e.g. the curriculum shows the
    competencies room's scenario titles) without importing it: imports flow the other way."""
    app.extensions.setdefault("content_titles", {})[kind] = titles


def titles(kind: str) -> dict[str, str]:
    """Titles by key of ``kind`` as its room registered them; empty if no room did."""
    found = current_app.extensions.get("content_titles", {}).get(kind)
    return found() if found else {}


def content_group(name: str, what: str, load: Callable[[Path | None], str]) -> click.Group:
    """``flask <name> load [--from DIR]``: load built-in content; any problem is a clear message and
    exit status 1, never a traceback."""

    @click.group(name=name, help=f"The built-in {what}.")
    def group() -> None:
        pass

    @group.command("load", help=f"Load or update the {what} from the shipped files, or those in DIR (safe to repeat).")
    @click.option("--from", "data_dir", type=click.Path(path_type=Path), default=None, help="Read the files from DIR.")
    @with_appcontext
    def load_command(data_dir: Path | None) -> None:
        if data_dir is not None and not data_dir.is_dir():
            raise click.ClickException(f"{data_dir}: there is no such folder; nothing was loaded")
        try:
            click.echo(load(data_dir))
        except (OperationalError, ProgrammingError):
            raise click.ClickException(f"the database has no {what} tables yet: run 'flask setup' first") from None
        except Invalid as error:
            lines = "\n".join(f"  {p}" for p in error.problems)
            raise click.ClickException(f"the {what} files have problems; nothing was loaded:\n{lines}") from None

    return group
