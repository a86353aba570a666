"""Migrations: from empty to head, down to empty and up again, with no drift from the models.

Each database gets a fresh, empty target here (its own SQLite file or PostgreSQL schema), so
these tests never disturb the database the other integration tests share.
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from core.app import MIGRATIONS_DIR
from core.extensions import db
from tests.conftest import make_app, postgresql_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_app(request, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        url = postgresql_url(schema="senco_migrations")
    app = make_app(url, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        yield app
        db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_there_is_a_single_head_revision():
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    assert len(heads) == 1, f"merge the branches: {heads}"


def test_upgrade_from_empty_creates_every_table_of_the_models(empty_app):
    assert _tables() == set()
    upgrade()
    assert _tables() == set(db.metadata.tables)


def test_down_to_empty_and_up_again_works(empty_app):
    upgrade()
    downgrade(revision="base")
    assert _tables() == set()
    upgrade()
    assert _tables() == set(db.metadata.tables)


def test_the_models_and_the_migrations_do_not_drift_apart(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "run 'flask db migrate' and commit the new revision"
