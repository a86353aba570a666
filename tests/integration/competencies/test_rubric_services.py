"""The rubric services as a background job would call them: ids and plain values, one parse a version."""

from __future__ import annotations

import pytest

from competencies import engine, services
from competencies.services import authoring
from core.extensions import db
from core.problems import Conflict, Invalid

LEVELS = (("Not yet", "Not seen"), ("Secure", "Seen throughout"))


@pytest.fixture
def rubric_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        rubric = authoring.create_rubric(authoring.Settings("Chair a review", engine.RubricModel.ANALYTIC, 50))
        authoring.add_criterion(rubric.id, None, authoring.CriterionInput("Hears the child", levels=LEVELS))
        return rubric.id


def test_each_command_for_a_rubric_that_does_not_exist_is_refused_at_its_id(app, rubric_id):
    missing = rubric_id + 1
    with app.app_context():
        for command in (
            lambda: authoring.add_criterion(missing, None, authoring.CriterionInput("X", levels=LEVELS)),
            lambda: authoring.remove_criterion(missing, None, "hears-the-child"),
            lambda: authoring.publish(missing),
            lambda: authoring.start_draft(missing),
        ):
            with pytest.raises(Invalid) as refused:
                command()
            assert (refused.value.field, refused.value.message) == ("rubric_id", "There is no rubric with this id")


def test_a_change_based_on_an_older_draft_is_a_conflict_and_changes_nothing(app, rubric_id):
    with app.app_context():
        seen = authoring.get_rubric(rubric_id).draft.lock_version
        authoring.add_criterion(rubric_id, seen, authoring.CriterionInput("Agrees actions", levels=LEVELS))
        with pytest.raises(Conflict, match="changed by someone else"):
            authoring.remove_criterion(rubric_id, seen, "hears-the-child")
        db.session.rollback()
        titles = [c["title"] for c in authoring.get_rubric(rubric_id).draft.definition["criteria"]]
        assert titles == ["Hears the child", "Agrees actions"]


def test_a_version_is_parsed_once_and_a_saved_change_is_parsed_afresh(app, rubric_id):
    with app.app_context():
        version = authoring.get_rubric(rubric_id).draft
        first = services.rubric_of(version)
        assert services.rubric_of(version) is first  # the page, its try-out form and the scoring share one parse
        authoring.add_criterion(rubric_id, None, authoring.CriterionInput("Agrees actions", levels=LEVELS))
        changed = services.rubric_of(authoring.get_rubric(rubric_id).draft)
        assert [c.title for c in changed.criteria] == ["Hears the child", "Agrees actions"]
        assert [c.title for c in first.criteria] == ["Hears the child"]


def test_publishing_then_starting_a_draft_by_id_numbers_the_versions(app, rubric_id):
    with app.app_context():
        assert authoring.publish(rubric_id).number == 1
        assert authoring.start_draft(rubric_id).number == 2
        assert authoring.start_draft(rubric_id).number == 2  # the existing draft, not a third version
