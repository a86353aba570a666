"""``flask setup``: migrate, load built-in content, and create demo accounts on a new database."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from core import name_check
from core.accounts import services
from core.accounts.models import User
from core.accounts.passwords import password_problem
from core.content import loaders
from core.extensions import db
from core.roles import Role

DEMO_PEOPLE = (
    ("Ada Admin", "admin@example.org", {Role.ADMIN}),
    ("Dev Designer", "designer@example.org", {Role.DESIGNER}),
    ("Mo Mentor", "mentor@example.org", {Role.MENTOR}),
    ("Tia Trainee", "trainee@example.org", {Role.TRAINEE}),
    ("Mia Moderator", "moderator@example.org", {Role.MODERATOR}),
)


def demo_password(name: str, email: str) -> str:
    """16 random characters that the password rule accepts (a random one could, rarely, hold
    the person's name, such as "ada")."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, email=email, name=name) is None:
            return password


def create_demo_people() -> list[tuple[str, str, str]]:
    """One account per role with a fresh random password; only into an empty people table."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return []
    created = []
    for name, email, roles in DEMO_PEOPLE:
        password = demo_password(name, email)
        services.create_person(name, email, password, roles)
        created.append((", ".join(role.label for role in roles), email, password))
    return created


@click.command("setup")
@click.option("--no-demo", is_flag=True, help="Do not create demo accounts.")
@with_appcontext
def setup_command(no_demo: bool) -> None:
    """Create or upgrade the database, load built-in content, add demo accounts if new."""
    upgrade()
    for loader in loaders():
        click.echo(f"{loader.name}: {loader.load()}")
    click.echo(f"Given names for the children's-names check: {name_check.ensure_list(name_check.list_path())}")
    if no_demo:
        return
    created = create_demo_people()
    for add_demo_data in current_app.extensions.get("demo_data", []) if created else []:  # each room's own
        click.echo(add_demo_data())
    if not created:
        click.echo("Accounts: the database already has people; no demo accounts added.")
        return
    click.echo("\nDemo accounts (shown once; change or deactivate them before real use):")
    for role, email, password in created:
        click.echo(f"  {role:<16} {email:<24} password: {password}")
    click.echo("")
