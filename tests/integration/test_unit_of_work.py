"""The one unit-of-work helper on the real databases (SQLite and PostgreSQL): a stale version is
the house's conflict, a named unique rule is a located problem, and either leaves nothing saved
and the session ready for the next request."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid, Problem
from core.unit_of_work import commit, commit_or_conflict, saving, unique_rule_of
from curriculum import services as curriculum
from curriculum.models import ProgrammeVersion

CHANGED = "Someone changed this since you opened it"
TAKEN = "That email address is already in use"


def _draft_id() -> int:
    programme = curriculum.create_programme(
        None, curriculum.ProgrammeDetails("Draft", "Provider", date(2025, 9, 1), 78)
    )
    assert programme.draft is not None
    return programme.draft.id


def _saved_elsewhere(version_id: int, name: str) -> None:
    """Another request's unit of work: its own session and connection, committed."""
    with Session(db.engine) as other:
        version = other.get(ProgrammeVersion, version_id)
        assert version is not None
        version.name = name
        other.commit()


def _name_of(version_id: int) -> str:
    return db.session.scalars(select(ProgrammeVersion.name).where(ProgrammeVersion.id == version_id)).one()


def test_a_save_based_on_a_version_someone_else_has_since_saved_is_the_conflict_and_saves_nothing(app):
    with app.app_context():
        version_id = _draft_id()
        mine = db.session.get(ProgrammeVersion, version_id)
        assert mine is not None
        mine.name = "Mine"  # read before the other save, written after it
        _saved_elsewhere(version_id, "Theirs")
        with pytest.raises(Conflict) as refused:
            commit(CHANGED, "name")
        assert refused.value.problems == [Problem("name", CHANGED)]
        assert refused.value.status == 409
        assert _name_of(version_id) == "Theirs"  # the session was rolled back and answers again


def test_the_same_conflict_comes_from_a_flush_inside_the_unit(app):
    with app.app_context():
        version_id = _draft_id()
        mine = db.session.get(ProgrammeVersion, version_id)
        assert mine is not None
        mine.name = "Mine"
        _saved_elsewhere(version_id, "Theirs")
        with pytest.raises(Conflict, match=CHANGED), saving(CHANGED):
            db.session.flush()
        assert _name_of(version_id) == "Theirs"


def test_a_unit_that_expects_no_stale_version_lets_one_through_rolled_back(app):
    with app.app_context():
        version_id = _draft_id()
        mine = db.session.get(ProgrammeVersion, version_id)
        assert mine is not None
        mine.name = "Mine"
        _saved_elsewhere(version_id, "Theirs")
        with pytest.raises(StaleDataError):
            commit(None)
        assert _name_of(version_id) == "Theirs"


def test_a_named_unique_rule_refusing_the_commit_is_its_located_problem(app, make_person):
    make_person("first@example.org", Role.ADMIN)
    with app.app_context():
        db.session.add(User(name="Second", email="first@example.org", password_hash="x"))
        with pytest.raises(Invalid) as refused:
            commit(CHANGED, unique={"uq_user_email": ("email", TAKEN)})
        assert not isinstance(refused.value, Conflict)  # a located problem, a 400
        assert refused.value.problems == [Problem("email", TAKEN)]
        assert db.session.scalars(select(User.name).where(User.email == "first@example.org")).all() == ["First"]


def test_a_unique_rule_not_named_is_raised_as_it_was_after_the_rollback(app, make_person):
    make_person("first@example.org", Role.ADMIN)
    with app.app_context():
        db.session.add(User(name="Second", email="first@example.org", password_hash="x"))
        with pytest.raises(IntegrityError) as refused:
            commit(CHANGED, unique={"uq_some_other_rule": ("email", TAKEN)})
        assert unique_rule_of(refused.value) == "uq_user_email"  # named alike on both databases
        assert db.session.scalar(select(User.id).where(User.name == "Second")) is None


def test_commit_or_conflict_answers_any_unique_rule_as_the_conflict(app, make_person):
    make_person("first@example.org", Role.ADMIN)
    with app.app_context():
        db.session.add(User(name="Second", email="first@example.org", password_hash="x"))
        with pytest.raises(Conflict) as refused:
            commit_or_conflict("Done already", "email")
        assert refused.value.problems == [Problem("email", "Done already")]
        assert db.session.scalar(select(User.id).where(User.name == "Second")) is None
