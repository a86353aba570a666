"""Every column that refers to a person is declared in the privacy registry, with a lawful basis,
an export rule, an erasure rule and a retention kind."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Column, MetaData, String

from core import privacy
from core.app import create_app
from core.extensions import db
from core.privacy import Basis, Erase, Export, docs, reflection

BASES = {Basis.CONTRACT, Basis.PUBLIC_TASK, Basis.LEGITIMATE_INTERESTS, Basis.LEGAL_OBLIGATION}
EXPORTS = {Export.AS_IS, Export.OTHERS_REMOVED, Export.NOT_EXPORTED}
ERASES = {Erase.DELETE, Erase.ANONYMISE, Erase.NULL, Erase.KEEP}


@pytest.fixture(scope="module")
def every_room() -> Flask:
    """The app with every room loaded (their models and their declarations); no database is used."""
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_every_column_that_refers_to_a_person_is_declared(every_room: Flask) -> None:
    with every_room.app_context():
        missing, _ = privacy.gaps()
    assert [str(m) for m in missing] == []


def test_the_registry_names_only_tables_and_columns_that_exist(every_room: Flask) -> None:
    with every_room.app_context():
        _, unknown = privacy.gaps()
    assert unknown == []


def test_a_new_personal_column_on_a_real_table_is_caught(every_room: Flask) -> None:
    """The check reads the app's own models: a column added to a declared table and not declared fails it."""
    copy = MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(copy)
    copy.tables["cohort"].append_column(Column("contact_email", String(254)))
    with every_room.app_context():
        missing = reflection.undeclared(copy, privacy.declared_columns())
    assert [str(m) for m in missing] == ["cohort.contact_email (a personal word in its name)"]


def test_the_tables_the_issue_names_are_declared_by_their_rooms(every_room: Flask) -> None:
    with every_room.app_context():
        by_room = {t.table: p.name for p in privacy.providers() for t in p.tables}
    assert by_room["user"] == by_room["sign_in_failure"] == "Accounts"
    assert by_room["job"] == by_room["staged_import"] == "Jobs and uploads"
    for table in (
        "enrolment",
        "observation",
        "observation_revision",
        "observation_request",
        "self_assessment",
        "next_step",
        "case_study",
        "moderation_item",
        "moderation_appeal",
        "calibration_attempt",
    ):
        assert by_room[table] == "Assessments", table


def test_each_declaration_says_why_who_sees_it_how_it_is_exported_erased_and_kept(every_room: Flask) -> None:
    with every_room.app_context():
        tables = privacy.declared_tables()
        files = privacy.declared_files()
    for table in tables.values():
        assert table.retention in privacy.RETENTION_KINDS, table.table
        for name, field in table.fields.items():
            where = f"{table.table}.{name}"
            assert field.basis in BASES, where
            assert field.export in EXPORTS, where
            assert field.erase in ERASES, where
            assert field.holds and field.seen_by, where
    assert {f.retention for f in files} == {"stored_documents", "job_results", "messages"}


def test_secrets_are_never_exported(every_room: Flask) -> None:
    with every_room.app_context():
        tables = privacy.declared_tables()
    assert tables["user"].fields["password_hash"].export == Export.NOT_EXPORTED
    assert tables["user"].fields["session_token"].export == Export.NOT_EXPORTED
    assert tables["api_token"].fields["token_hash"].export == Export.NOT_EXPORTED


def test_a_table_declared_by_two_rooms_is_refused(every_room: Flask) -> None:
    class Again(privacy.Provider):
        name = "Again"
        tables = (privacy.PersonalTable("user", {}, "accounts"),)

    with pytest.raises(ValueError, match="declared twice"):
        privacy.register(every_room, Again())


def test_the_documented_table_of_personal_data_is_the_registrys(every_room: Flask) -> None:
    """After changing a declaration, `flask privacy table` gives docs/privacy.md's new table."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text(encoding="utf-8")
    with every_room.app_context():
        table = docs.markdown()
    start, end = page.index(docs.START), page.index(docs.END) + len(docs.END) + 1
    assert page[start:end] == table
