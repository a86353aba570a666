"""What a marker reads beside each level and for a must-reach criterion: one home for the words the
scoring form, the printed form and the observation's record share."""

from __future__ import annotations

from competencies import engine


def test_a_level_reads_as_the_rubrics_own_descriptor() -> None:
    level = engine.Level(3, "Secure", "Notice went out at least 2 weeks before.")
    for model in engine.RubricModel:
        assert engine.descriptor_of(model, level) == "Notice went out at least 2 weeks before."


def test_an_entrustment_level_without_a_descriptor_reads_as_the_o_score_anchor() -> None:
    for value, _, anchor in engine.ENTRUSTMENT_SCALE:
        assert engine.descriptor_of("entrustment", engine.Level(value, "any label")) == anchor
    assert engine.descriptor_of(engine.RubricModel.ANALYTIC, engine.Level(2, "Emerging")) == ""


def test_a_must_reach_level_is_said_in_words_with_its_label() -> None:
    levels = tuple(engine.Level(v, label) for v, label in ((1, "Not yet"), (2, "Emerging"), (3, "Secure")))
    assert engine.must_reach(engine.Criterion("a", "A", levels, critical_level=3)) == (
        "Must reach level 3 (Secure) whatever the total"
    )
    assert engine.must_reach(engine.Criterion("a", "A", levels)) == ""
