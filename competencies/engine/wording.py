"""How pages and printed documents name each rubric model: the one home of those words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from competencies.engine.model import RubricModel


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
