"""How pages and printed documents name each rubric model, and what a marker reads for each level:
the one home of those words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from competencies.engine.model import ENTRUSTMENT_SCALE, Criterion, Level, RubricModel


@dataclass(frozen=True)
class ModelWords:
    """``name`` heads a list or fills "Scored by: …"; ``choice`` is the option when creating a
    rubric; ``description`` is the sentence on the printed rubric."""

    name: str
    choice: str
    description: str


MODEL_WORDS: Mapping[RubricModel, ModelWords] = {
    RubricModel.ANALYTIC: ModelWords(
        "Levels and weights",
        "Levels and weights, with a pass mark",
        "Levels for each criterion, weighted, against a pass mark",
    ),
    RubricModel.FAULTS: ModelWords(
        "Faults, as in the driving test",
        "Faults, as in the driving test",
        "Faults recorded as minor, serious or dangerous, as in the driving test",
    ),
    RubricModel.ENTRUSTMENT: ModelWords(
        "Entrustment (supervision needed)",
        "Entrustment: how much supervision was needed",
        "How much the observer had to do, on the O-SCORE entrustment scale",
    ),
}


def words_of(model: RubricModel | str) -> ModelWords:
    """The words for ``model``, given as the model or as its stored value ("analytic")."""
    return MODEL_WORDS[RubricModel(model)]


# A criterion without a level, as the scoring form offers it and the record shows it.
NOT_OBSERVED_WORDS = "Not observed"
NOT_APPLICABLE_WORDS = "Not applicable in this observation"

_ANCHORS = {value: anchor for value, _, anchor in ENTRUSTMENT_SCALE}


def descriptor_of(model: RubricModel | str, level: Level) -> str:
    """What a marker reads beside ``level`` as they choose it (scoring form, printed form, record):
    the rubric's own descriptor or, on an entrustment scale that gives none, the O-SCORE's anchor."""
    if level.descriptor or RubricModel(model) is not RubricModel.ENTRUSTMENT:
        return level.descriptor
    return _ANCHORS.get(level.value, "")


def must_reach(criterion: Criterion) -> str:
    """A must-meet criterion's rule in words ("Must reach level 3 (Secure) whatever the total"); "" if none."""
    level = criterion.critical_level
    if level is None:
        return ""
    return f"Must reach level {level} ({criterion.label_of(level)}) whatever the total"
