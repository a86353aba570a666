"""The shipped scenario library: the eight situations, each with a sound rubric and its sources."""
from __future__ import annotations

import shutil

import pytest

from competencies.engine import RubricModel
from competencies.scenarios import DATA_DIR, ScenarioError, load_scenarios
from curriculum.catalogue import load_catalogue

EIGHT = {"annual-review", "screening-assessment", "family-relationship", "staff-training",
         "challenging-conversation", "ta-deployment", "provision-map", "cohort-data-action-plan"}


@pytest.fixture(scope="module")
def scenarios():  # type: ignore[no-untyped-def]
    return load_scenarios(module_keys={m.key for m in load_catalogue().modules})


def test_the_eight_scenarios_load_with_valid_rubrics_and_sources(scenarios):
    assert {s.key for s in scenarios} == EIGHT
    assert all(s.sources and s.looks_for and s.present and s.prepared_by for s in scenarios)


def test_the_library_uses_every_rubric_model(scenarios):
    models = {s.rubric.model for s in scenarios}
    assert models == {RubricModel.ANALYTIC, RubricModel.FAULTS, RubricModel.ENTRUSTMENT}
    assert any(c.critical_level for s in scenarios for c in s.rubric.criteria)


def test_the_child_voice_cannot_be_traded_off_in_the_annual_review(scenarios):
    review = next(s for s in scenarios if s.key == "annual-review")
    voice = review.rubric.criterion("child-voice")
    assert voice is not None and voice.critical_level == 3


def test_annual_review_timelines_match_the_code_of_practice(scenarios):
    review = next(s for s in scenarios if s.key == "annual-review")
    text = " ".join(review.looks_for)
    assert "at least 2 weeks before" in text and "within 2 weeks" in text


def test_every_level_descriptor_is_a_whole_sentence(scenarios):
    # Guards against YAML splitting an unquoted descriptor at a comma.
    for s in scenarios:
        for c in s.rubric.criteria:
            for level in c.levels:
                if s.rubric.model is RubricModel.ANALYTIC:
                    assert level.descriptor.endswith("."), (s.key, c.key, level.value)


def test_a_scenario_naming_an_unknown_module_is_refused_with_its_place(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "s")
    path = tmp_path / "s" / "ta-deployment.yaml"
    path.write_text(path.read_text().replace("prepared_by: [ta-deployment,", "prepared_by: [no-such-module,"))
    with pytest.raises(ScenarioError) as refused:
        load_scenarios(tmp_path / "s", module_keys={m.key for m in load_catalogue().modules})
    assert [str(e) for e in refused.value.errors] == ["ta-deployment.yaml: prepared_by[0]: No curriculum module has the key ‘no-such-module’"]
