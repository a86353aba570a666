"""Trying a rubric on sample judgements, and the engine's rubric for a stored version.

A stored version's definition is parsed into the engine's (frozen) :class:`~competencies.engine.Rubric`
once and reused, keyed by the definition itself: a page that shows a rubric, builds its try-out
form, scores and explains the result parses it once, and a draft saved since is parsed afresh.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from competencies import engine
from competencies.models import RubricVersion

PARSED_RUBRICS_MAX = 256  # distinct definitions kept parsed per process (a few kilobytes each)


@lru_cache(maxsize=PARSED_RUBRICS_MAX)
def _parsed(definition_json: str) -> engine.Rubric:
    return engine.rubric_from_dict(json.loads(definition_json))


def rubric_of(version: RubricVersion) -> engine.Rubric:
    """The engine's rubric for a stored version, stamped with that version's number; raises
    :class:`~competencies.engine.RubricError` for a draft the engine cannot accept yet."""
    definition = {**version.definition, "version": version.number}
    return _parsed(json.dumps(definition, sort_keys=True, ensure_ascii=False))


def try_rubric(rubric: engine.Rubric | RubricVersion, evidence: dict[str, Any]) -> engine.Result:
    """Score sample judgements without storing anything: designers see outcome and reasons first.
    Pass the rubric already parsed (:func:`rubric_of`) when the caller has it; a stored version is
    parsed through the same cache, so a request never parses it twice."""
    parsed = rubric if isinstance(rubric, engine.Rubric) else rubric_of(rubric)
    return engine.score(parsed, engine.evidence_from_dict(evidence))


def explained(result: engine.Result, rubric: engine.Rubric) -> tuple[str, ...]:
    """The result's reasons in English, rendered from their codes by the engine's one renderer."""
    return engine.render_all(result.reasons, rubric)
