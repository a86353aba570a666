"""``flask users …``: scripted set-up of people and roles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core import clock, importing
from core.accounts import api_tokens, people_import, services
from core.accounts.errors import AccountError
from core.accounts.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, TEMPORARY_PASSWORD_HOURS
from core.clock import utcnow
from core.problems import Invalid
from core.roles import Role

ROLE_NAMES = [role.value for role in Role]


def _check_password(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    if not PASSWORD_MIN_LENGTH <= len(value) <= PASSWORD_MAX_LENGTH:
        raise click.BadParameter(f"use {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters")
    return value


def _person(email: str):  # type: ignore[no-untyped-def]
    person = services.find_by_email(email)
    if person is None:
        raise click.ClickException(f"No person has the email address {email}")
    return person


@click.group()
def users() -> None:
    """Create and manage people and their roles."""


@users.command("create")
@click.option("--email", required=True, help="Email address, used to sign in.")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(ROLE_NAMES),
    help="A role; repeat for several.",
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    callback=_check_password,
    help="Prompted for when not given.",
)
@click.option(
    "--temporary",
    is_flag=True,
    help=f"The password is for someone else: it works once, within {TEMPORARY_PASSWORD_HOURS} hours.",
)
@with_appcontext
def create(email: str, name: str, roles: tuple[str, ...], password: str, temporary: bool) -> None:
    """Add a person."""
    try:
        person = services.create_person(name, email, password, {Role(r) for r in roles}, temporary=temporary)
    except AccountError as error:
        raise click.ClickException(f"--{error.field or 'email'}: {error.message}") from None
    click.echo(f"Added {person.name} <{person.email}> as {', '.join(r.label for r in person.sorted_roles())}.")


@users.command("list")
@with_appcontext
def list_() -> None:
    """List people with their roles."""
    for person in services.list_people():
        state = "" if person.active else " (deactivated)"
        roles = ", ".join(r.value for r in person.sorted_roles())
        click.echo(f"{person.email}\t{person.name}\t{roles}{state}")


@users.command("set-roles")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(ROLE_NAMES))
@with_appcontext
def set_roles(email: str, roles: tuple[str, ...]) -> None:
    """Replace a person's roles."""
    person = services.set_roles(_person(email), {Role(r) for r in roles})
    click.echo(f"{person.email} now holds: {', '.join(r.value for r in person.sorted_roles())}.")


@users.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate(email: str) -> None:
    """Stop a person signing in, and end their sessions."""
    services.set_active(None, _person(email), False)
    click.echo(f"{email} is deactivated; their sessions have ended and API tokens are revoked.")


@users.command("activate")
@click.argument("email")
@with_appcontext
def activate(email: str) -> None:
    """Let a deactivated person sign in again."""
    services.set_active(None, _person(email), True)
    click.echo(f"{email} is active.")


@users.command("token")
@click.argument("email")
@click.option("--name", default="API token", help="What the token is for, e.g. the script's name.")
@click.option("--days", type=click.IntRange(min=1), help="Days until it expires (at most API_TOKEN_LIFETIME_DAYS).")
@with_appcontext
def token(email: str, name: str, days: int | None) -> None:
    """Issue an API token (shown once) for a person's scripts; it expires."""
    longest = current_app.config["API_TOKEN_LIFETIME_DAYS"]
    if days is not None and days > longest:
        raise click.BadParameter(f"use 1 to {longest} days", param_hint="--days")
    lifetime = timedelta(days=days or longest)
    issued = api_tokens.issue_token(_person(email), name, lifetime)
    ends = utcnow() + lifetime
    expires = f"{ends.day} {ends:%B %Y}"
    click.echo(f"API token for {email} (shown once; keep it secret; expires {expires}):\n{issued}")


@users.command("revoke-tokens")
@click.argument("email")
@with_appcontext
def revoke_tokens(email: str) -> None:
    """Revoke every API token of a person."""
    count = api_tokens.revoke_tokens(_person(email))
    click.echo(f"Revoked {count} API token{'s' if count != 1 else ''} of {email}.")


@users.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, callback=_check_password)
@with_appcontext
def set_password(email: str, password: str) -> None:
    """Set a temporary password for a person: it works for one sign-in within 72 hours, then they
    must choose their own (their sessions end and API tokens are revoked)."""
    try:
        services.set_password(_person(email), password)
    except AccountError as error:
        raise click.ClickException(f"--password: {error.message}") from None
    click.echo(
        f"Temporary password set for {email}: it works for one sign-in within {TEMPORARY_PASSWORD_HOURS} hours, "
        "then they must choose their own. Their sessions have ended and API tokens are revoked."
    )


@click.group()
def people() -> None:
    """People in bulk."""


@people.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would do; save nothing.")
@with_appcontext
def import_people(path: Path, dry_run: bool) -> None:
    """Add people from a CSV file (the page's template) and invite the new ones: all, or none."""
    fmt = people_import.people_csv(None, clock.today())
    try:
        result = importing.import_document(fmt, path.read_bytes(), None, dry_run=dry_run)
    except Invalid as error:
        raise click.ClickException("Nothing was imported:\n" + "\n".join(p.message for p in error.problems)) from None
    draft = result.draft
    new, changed = draft.count(people_import.Status.NEW), draft.count(people_import.Status.CHANGED)
    unchanged = draft.count(people_import.Status.UNCHANGED)
    if dry_run:
        click.echo("Dry run: nothing was saved and no one was invited.")
        for label, value in result.preview:
            click.echo(f"  {label}: {value}")
        return
    enrolled = result.created.counts.get("enrolled", 0)
    click.echo(
        f"Added {new:,} people (each invited by email), changed {changed:,}, left {unchanged:,} unchanged"
        + (f", enrolled {enrolled:,}." if enrolled else ".")
    )
