"""Composing, publishing and versioning a programme through its services."""

from __future__ import annotations

from datetime import date

import pytest

from core.accounts.models import User
from core.extensions import db
from curriculum import services
from curriculum.models import Programme


def _programme(programme_id: int) -> Programme:
    return db.session.get(Programme, programme_id)


def test_adding_a_catalogue_module_copies_its_hours_and_outcomes(app, programme_id):
    with app.app_context():
        draft = _programme(programme_id).draft
        assert [m.key for m in draft.modules] == ["send-law-foundations", "screening-literacy", "screening-processing"]
        assert [m.hours for m in draft.modules] == [6, 4, 5]
        assert draft.modules[0].outcomes[0].sources == ["Children and Families Act 2014, s.19"]


def test_a_module_cannot_be_added_twice(app, programme_id):
    with app.app_context():
        with pytest.raises(services.CurriculumError, match="already in this programme"):
            services.add_catalogue_module(programme_id, None, "screening-literacy")


@pytest.mark.parametrize("hours", [0, -3, 1001])
def test_absurd_hours_are_refused_and_nothing_changes(app, programme_id, hours):
    with app.app_context():
        with pytest.raises(services.CurriculumError) as refused:
            services.update_module(programme_id, None, "screening-literacy", services.ModuleChanges(hours))
        assert refused.value.field == "hours"
        assert "between 1 and 1,000" in refused.value.message
        db.session.rollback()
        assert _programme(programme_id).draft.module("screening-literacy").hours == 4


def test_a_prerequisite_cycle_is_refused_naming_the_loop(app, programme_id):
    with app.app_context():
        services.update_module(
            programme_id, None, "screening-processing", services.ModuleChanges(5, "", frozenset({"screening-literacy"}))
        )
        with pytest.raises(services.CurriculumError, match="would make a loop") as refused:
            services.update_module(
                programme_id,
                None,
                "screening-literacy",
                services.ModuleChanges(4, "", frozenset({"screening-processing"})),
            )
        assert refused.value.field == "prerequisites"
        db.session.rollback()
        assert _programme(programme_id).draft.module("screening-literacy").prerequisite_keys == []


def test_a_module_another_needs_cannot_be_removed(app, programme_id):
    with app.app_context():
        services.update_module(
            programme_id, None, "screening-processing", services.ModuleChanges(5, "", frozenset({"screening-literacy"}))
        )
        with pytest.raises(services.CurriculumError, match="‘Screening processing’ needs it"):
            services.remove_module(programme_id, None, "screening-literacy")
        services.remove_module(programme_id, None, "screening-processing")
        services.remove_module(programme_id, None, "screening-literacy")
        assert [m.key for m in _programme(programme_id).draft.modules] == ["send-law-foundations"]


def test_moving_a_module_changes_the_running_order(app, programme_id):
    with app.app_context():
        services.move_module(programme_id, None, "screening-processing", -1)
        services.move_module(programme_id, None, "send-law-foundations", -1)  # already first: no change
        assert [m.key for m in _programme(programme_id).draft.modules] == [
            "send-law-foundations",
            "screening-processing",
            "screening-literacy",
        ]


def test_publishing_without_send_law_is_refused_with_the_list(app, programme_id):
    with app.app_context():
        services.remove_module(programme_id, None, "send-law-foundations")
        with pytest.raises(services.CurriculumError) as refused:
            services.publish(programme_id, None, None)
        assert refused.value.message == "Add a module from ‘SEND law’ before publishing: the area is mandatory"
        assert _programme(programme_id).published == []


def test_publishing_numbers_and_dates_a_version_that_then_cannot_change(app, programme_id):
    with app.app_context():
        version = services.publish(programme_id, None, None)
        assert version.number == 1 and version.published_at is not None and not version.is_draft
        with pytest.raises(services.CurriculumError, match="Published versions cannot be changed"):
            services.update_module(programme_id, None, "screening-literacy", services.ModuleChanges(9))
        services.start_draft(programme_id)
        services.update_module(programme_id, None, "screening-literacy", services.ModuleChanges(9))
        assert services.publish(programme_id, None, None).number == 2
        programme = _programme(programme_id)
        assert [v.module("screening-literacy").hours for v in programme.published] == [4, 9]


def test_a_save_based_on_a_stale_view_is_refused(app, programme_id):
    with app.app_context():
        draft = _programme(programme_id).draft
        seen = draft.lock_version
        services.update_module(programme_id, seen, "screening-literacy", services.ModuleChanges(7))
        with pytest.raises(services.ConflictError, match="changed by someone else since you opened it"):
            services.update_module(programme_id, seen, "screening-processing", services.ModuleChanges(8))
        assert _programme(programme_id).draft.module("screening-processing").hours == 5


def test_own_modules_get_a_unique_key_and_check_their_area(app, programme_id):
    with app.app_context():
        own = services.OwnModule(
            title="Local offer", summary="", hours=2, outcomes=(("knowledge", "Learn that the local offer exists."),)
        )
        first = services.add_own_module(programme_id, None, own)
        second = services.add_own_module(programme_id, None, own)
        assert (first.key, second.key) == ("own-local-offer", "own-local-offer-2")
        with pytest.raises(services.CurriculumError, match="Choose an area"):
            services.add_own_module(
                programme_id, None, services.OwnModule(title="X", summary="", hours=2, area_key="nope")
            )


def test_a_command_for_a_programme_that_does_not_exist_is_refused_at_its_id(app, programme_id):
    """As a background job would call it: ids and plain values, no request, no ORM objects."""
    with app.app_context():
        for command in (
            lambda: services.update_module(programme_id + 1, None, "screening-literacy", services.ModuleChanges(9)),
            lambda: services.add_catalogue_module(programme_id + 1, None, "screening-literacy"),
            lambda: services.publish(programme_id + 1, None, None),
            lambda: services.start_draft(programme_id + 1),
        ):
            with pytest.raises(services.Invalid) as refused:
                command()
            assert (refused.value.field, refused.value.message) == (
                "programme_id",
                "There is no programme with this id",
            )
        assert [p.id for p in services.list_programmes()] == [programme_id]


def test_publishing_records_who_published_by_their_id(app, programme_id):
    with app.app_context():
        person = User(email="publisher@example.org", name="Pat Publisher", password_hash="not used here")
        db.session.add(person)
        db.session.commit()
        version = services.publish(programme_id, None, person.id)
        assert version.published_by.name == "Pat Publisher"


@pytest.mark.parametrize(
    "details, field",
    [
        (services.ProgrammeDetails(" ", "P", date(2025, 9, 1), 78), "name"),
        (services.ProgrammeDetails("N" * 121, "P", date(2025, 9, 1), 78), "name"),
        (services.ProgrammeDetails("N", "", date(2025, 9, 1), 78), "provider"),
        (services.ProgrammeDetails("N", "P", date(2025, 9, 1), 0), "length_weeks"),
        (services.ProgrammeDetails("N", "P", date(2025, 9, 1), 999), "length_weeks"),
    ],
)
def test_bad_programme_details_name_the_field(app, catalogue, details, field):
    with app.app_context():
        with pytest.raises(services.CurriculumError) as refused:
            services.create_programme(None, details)
        assert refused.value.field == field
        assert services.list_programmes() == []
