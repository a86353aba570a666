"""One error type: located problems, named for people, translated once for forms and once for the API."""

from __future__ import annotations

from core.problems import Invalid, Problem, api_errors, blame_fields, invalid, named_places, place, problems_of

DOCUMENT = {"modules": [{"title": "Law"}, {"title": "EHC needs assessments", "outcomes": [{"text": "x"}]}]}
NAMES = {"modules": "module", "outcomes": "outcome", "npq_areas": "NPQ area"}


def test_a_place_is_one_based_and_names_the_item_by_its_title():
    assert place("modules[1].hours", DOCUMENT, NAMES) == "Module 2 ‘EHC needs assessments’, hours"
    assert place("modules[1].outcomes[0].npq_areas[3]", DOCUMENT, NAMES) == (
        "Module 2 ‘EHC needs assessments’, outcome 1, NPQ area 4"
    )
    assert place("modules[7].key", DOCUMENT, NAMES) == "Module 8, key"
    assert place("schema_version", DOCUMENT, NAMES) == ""


def test_named_places_keep_the_json_path_for_scripts():
    [problem] = named_places([Problem("modules[0].hours", "Enter hours")], DOCUMENT, NAMES)
    assert problem == Problem("modules[0].hours", "Module 1 ‘Law’, hours: Enter hours")


def test_the_engines_errors_are_read_without_the_engine_knowing_this_module():
    class EngineError(ValueError):
        def __init__(self) -> None:
            self.errors = [("criteria[0].weight", "Enter a weight above 0")]

    assert problems_of(EngineError()) == [Problem("criteria[0].weight", "Enter a weight above 0")]
    assert invalid(EngineError(), "rubric").problems == [Problem("rubric.criteria[0].weight", "Enter a weight above 0")]


def test_the_api_shape_lists_every_problem():
    error = Invalid([("a", "One"), ("", "Two")])
    assert api_errors(error) == {"errors": [{"path": "a", "message": "One"}, {"path": "", "message": "Two"}]}


def test_problems_go_on_the_fields_they_name_through_aliases_else_on_the_fallback():
    class Field:
        def __init__(self) -> None:
            self.errors: list[str] = []

    class Form:
        hours, prerequisite_keys, title = Field(), Field(), Field()

    form = Form()
    error = Invalid([("hours", "Enter hours"), ("prerequisites", "A loop"), ("", "Published versions never change")])
    assert blame_fields(form, error, "title", {"prerequisites": "prerequisite_keys"}) == []
    assert (form.hours.errors, form.prerequisite_keys.errors, form.title.errors) == (
        ["Enter hours"],
        ["A loop"],
        ["Published versions never change"],
    )
